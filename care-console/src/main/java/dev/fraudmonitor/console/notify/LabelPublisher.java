package dev.fraudmonitor.console.notify;

import dev.fraudmonitor.console.Database;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.Label;
import dev.fraudmonitor.model.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends stored labels to {@code fraud.labels}. A label is stored first (with the rep's decision)
 * and published after; a label without a publication row is sent again, so a Kafka outage delays
 * labels but loses none. A consumer may see a label twice after a crash and counts its labelId
 * once.
 */
public final class LabelPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(LabelPublisher.class);

    private final Database db;
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Counter published;

    public LabelPublisher(
            Database db, Producer<byte[], byte[]> producer, String topic, MeterRegistry metrics) {
        this.db = db;
        this.producer = producer;
        this.topic = topic;
        this.published = metrics.counter("fraud.console.labels.published");
    }

    /** Publishes every unpublished label; returns how many. Safe to call from several threads. */
    public synchronized int publishPending() {
        try {
            List<Label> labels =
                    db.tx(
                            c -> {
                                List<Label> out = new ArrayList<>();
                                try (PreparedStatement q =
                                                c.prepareStatement(
                                                        "select l.label_id, l.case_id, l.alert_id, l.verdict,"
                                                                + " l.labelled_by, l.at, l.reason, l.rule_ids from labels l"
                                                                + " where not exists (select 1 from label_publications p"
                                                                + " where p.label_id = l.label_id) order by l.at limit 1000");
                                        ResultSet rs = q.executeQuery()) {
                                    while (rs.next()) {
                                        out.add(
                                                new Label(
                                                        rs.getString(1),
                                                        rs.getString(2),
                                                        rs.getString(3),
                                                        Verdict.valueOf(rs.getString(4)),
                                                        rs.getString(5),
                                                        rs.getTimestamp(6).toInstant(),
                                                        rs.getString(7),
                                                        Arrays.asList(
                                                                (String[])
                                                                        rs.getArray(8)
                                                                                .getArray())));
                                    }
                                }
                                return out;
                            });
            if (labels.isEmpty()) {
                return 0;
            }
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Label l : labels) {
                sent.add(
                        producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        l.alertId().getBytes(StandardCharsets.UTF_8),
                                        Json.mapper().writeValueAsBytes(l))));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
            db.tx(
                    c -> {
                        try (PreparedStatement ins =
                                c.prepareStatement(
                                        "insert into label_publications (label_id) select label_id from labels"
                                                + " where label_id = ? on conflict do nothing")) {
                            // a label purged since it was read has nothing left to mark
                            for (Label l : labels) {
                                ins.setString(1, l.labelId());
                                ins.addBatch();
                            }
                            ins.executeBatch();
                        }
                        return null;
                    });
            published.increment(labels.size());
            return labels.size();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("Labels not published yet, will retry: {}", e.toString());
            return 0;
        }
    }
}
