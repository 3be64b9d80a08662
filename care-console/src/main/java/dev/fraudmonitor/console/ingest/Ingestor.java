package dev.fraudmonitor.console.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.console.AlertRecord;
import dev.fraudmonitor.console.Database;
import dev.fraudmonitor.console.cases.CaseStore;
import dev.fraudmonitor.console.notify.Notifier;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.PanGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code fraud.alerts} and {@code fraud.holds} ({@code read_committed}) into PostgreSQL.
 *
 * <p>The next offset of each partition is stored in the same transaction as the records, and the
 * consumer seeks to it on start and after a failed transaction. Kafka's committed offsets are not
 * used: committing them after the database commit still leaves a window where a crash replays
 * records, and committing before loses them. With the offsets in the database, a restart resumes
 * exactly after the last stored record; the ON CONFLICT on alertId is the second guard.
 */
public final class Ingestor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Ingestor.class);
    private static final Duration PARTITION_REFRESH = Duration.ofSeconds(10);

    private final Database db;
    private final CaseStore store;
    private final Notifier notifier;
    private final Runnable changed;
    private final String alertsTopic;
    private final String holdsTopic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Counter alertsStored;
    private final Counter duplicates;
    private final Counter unreadable;
    private final Counter dbFailures;
    private volatile boolean running = true;
    private volatile Instant lastStored;

    public Ingestor(
            String bootstrap,
            String clientId,
            String alertsTopic,
            String holdsTopic,
            Database db,
            CaseStore store,
            Notifier notifier,
            Runnable changed,
            MeterRegistry metrics) {
        this.db = db;
        this.store = store;
        this.notifier = notifier;
        this.changed = changed;
        this.alertsTopic = alertsTopic;
        this.holdsTopic = holdsTopic;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-ingest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        alertsStored = metrics.counter("fraud.console.alerts.stored");
        duplicates = metrics.counter("fraud.console.alerts.duplicate");
        unreadable = metrics.counter("fraud.console.records.unreadable");
        dbFailures = metrics.counter("fraud.console.ingest.db.failures");
        thread = new Thread(this::run, "console-ingest");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** When the last batch was stored; null before the first. */
    public Instant lastStored() {
        return lastStored;
    }

    private void run() {
        Set<TopicPartition> assigned = new HashSet<>();
        long nextRefresh = 0;
        while (running) {
            try {
                if (System.nanoTime() >= nextRefresh) {
                    Set<TopicPartition> all = partitions();
                    if (!all.equals(assigned)) {
                        assigned = all;
                        consumer.assign(all);
                        seekToStored(all);
                    }
                    nextRefresh = System.nanoTime() + PARTITION_REFRESH.toNanos();
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(500);
                    continue;
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    Batch batch = db.tx(c -> storeBatch(c, records));
                    lastStored = Instant.now();
                    alertsStored.increment(batch.stored);
                    duplicates.increment(batch.duplicates);
                    changed.run();
                    if (batch.webhooks) {
                        notifier.wake();
                    }
                } catch (RuntimeException e) {
                    dbFailures.increment();
                    LOG.warn(
                            "Could not store {} records; will read them again from the stored"
                                    + " offsets in 1 s: {}",
                            records.count(),
                            e.getMessage());
                    Thread.sleep(1000);
                    seekWhenPossible(assigned);
                }
            } catch (WakeupException e) {
                // close() woke the poll.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("Kafka read failed, retrying in 1 s: {}", e.toString());
                sleep();
                nextRefresh = 0;
                assigned = new HashSet<>();
            }
        }
    }

    private record Batch(int stored, int duplicates, boolean webhooks) {}

    private Batch storeBatch(Connection c, ConsumerRecords<byte[], byte[]> records)
            throws Exception {
        int stored = 0;
        int dups = 0;
        boolean webhooks = false;
        Map<TopicPartition, Long> next = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
            if (r.value() == null) {
                continue;
            }
            if (r.topic().equals(alertsTopic)) {
                AlertRecord a;
                try {
                    a = AlertRecord.parse(r.value());
                } catch (Exception e) {
                    unreadable.increment();
                    LOG.warn(
                            "Skipping unreadable alert at {}-{}@{}: {}",
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            PanGuard.mask(e.getMessage()));
                    continue;
                }
                CaseStore.Stored s = store.store(c, a, r.topic(), r.partition(), r.offset());
                if (!s.inserted()) {
                    dups++;
                    continue;
                }
                stored++;
                if (s.newCase() || s.escalated()) {
                    webhooks |=
                            notifier.enqueue(
                                            c,
                                            a,
                                            s.caseId(),
                                            s.newCase() ? "NEW_CASE" : "ESCALATION")
                                    > 0;
                }
            } else {
                storeHold(c, r);
            }
        }
        try (PreparedStatement up =
                c.prepareStatement(
                        "insert into consumer_offsets (topic, partition, next_offset) values (?, ?, ?)"
                                + " on conflict (topic, partition) do update set next_offset = excluded.next_offset")) {
            for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
                up.setString(1, e.getKey().topic());
                up.setInt(2, e.getKey().partition());
                up.setLong(3, e.getValue());
                up.addBatch();
            }
            up.executeBatch();
        }
        return new Batch(stored, dups, webhooks);
    }

    private void storeHold(Connection c, ConsumerRecord<byte[], byte[]> r) throws Exception {
        JsonNode n;
        try {
            n = Json.mapper().readTree(r.value());
        } catch (Exception e) {
            unreadable.increment();
            return;
        }
        String orderId = n.path("orderId").asText(null);
        if (orderId == null) {
            unreadable.increment();
            return;
        }
        String at = n.path("releasedAt").asText(n.path("createdAt").asText(null));
        try (PreparedStatement ins =
                c.prepareStatement(
                        "insert into hold_records (source_topic, source_partition, source_offset, order_id,"
                                + " alert_id, status, released_by, release_reason, record_at)"
                                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing")) {
            ins.setString(1, r.topic());
            ins.setInt(2, r.partition());
            ins.setLong(3, r.offset());
            ins.setString(4, PanGuard.mask(orderId));
            ins.setString(5, n.path("alertId").asText(null));
            ins.setString(6, n.path("status").asText("HELD"));
            ins.setString(7, PanGuard.mask(n.path("releasedBy").asText(null)));
            ins.setString(8, PanGuard.mask(n.path("releaseReason").asText(null)));
            ins.setTimestamp(9, Timestamp.from(at == null ? Instant.now() : Instant.parse(at)));
            ins.executeUpdate();
        }
    }

    private Set<TopicPartition> partitions() {
        Set<TopicPartition> out = new HashSet<>();
        for (String topic : List.of(alertsTopic, holdsTopic)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            if (infos != null) {
                for (PartitionInfo i : infos) {
                    out.add(new TopicPartition(i.topic(), i.partition()));
                }
            }
        }
        return out;
    }

    private void seekWhenPossible(Set<TopicPartition> partitions) throws InterruptedException {
        while (running) {
            try {
                seekToStored(partitions);
                return;
            } catch (RuntimeException e) {
                LOG.warn("Database still unavailable, retrying in 1 s: {}", e.getMessage());
                Thread.sleep(1000);
            }
        }
    }

    private void seekToStored(Set<TopicPartition> partitions) {
        Map<TopicPartition, Long> stored =
                db.tx(
                        c -> {
                            Map<TopicPartition, Long> m = new HashMap<>();
                            try (PreparedStatement q =
                                            c.prepareStatement(
                                                    "select topic, partition, next_offset from consumer_offsets");
                                    ResultSet rs = q.executeQuery()) {
                                while (rs.next()) {
                                    m.put(
                                            new TopicPartition(rs.getString(1), rs.getInt(2)),
                                            rs.getLong(3));
                                }
                            }
                            return m;
                        });
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long offset = stored.get(tp);
            if (offset == null) {
                fromStart.add(tp);
            } else {
                consumer.seek(tp, offset);
            }
        }
        if (!fromStart.isEmpty()) {
            consumer.seekToBeginning(fromStart);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
    }
}
