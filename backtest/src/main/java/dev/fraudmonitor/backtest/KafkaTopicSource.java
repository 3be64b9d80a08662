package dev.fraudmonitor.backtest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * A time range of a Kafka topic, read once with a consumer that commits nothing.
 *
 * <p>Each partition is read from the first record at or after {@code from} (offsetsForTimes) up to
 * the first record at or after {@code to}, or to its end offset as it was when the backtest started
 * (a live topic does not make the run endless). Partitions are merged by record timestamp, smallest
 * first, each in its own order: the job reads partitions side by side as records arrive and keeps
 * each partition's order, and a session's events (record key = sessionId) are in one partition, so
 * every session is replayed in the order the job saw it.
 */
final class KafkaTopicSource implements EventSource {
    /** Records buffered per partition before it is paused, to bound memory on skewed topics. */
    private static final int MAX_BUFFERED = 20_000;

    private static final Duration STALL_LIMIT = Duration.ofSeconds(60);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Instant from;
    private final Instant to;
    private final String bootstrap;
    private final Map<TopicPartition, Long> start = new HashMap<>();
    private final Map<TopicPartition, Long> end = new HashMap<>();
    private long total;
    private long done;

    KafkaTopicSource(String bootstrap, String topic, Instant from, Instant to, Properties props) {
        this.topic = topic;
        this.from = from;
        this.to = to;
        this.bootstrap = bootstrap;
        this.consumer = KafkaClients.consumer(bootstrap, props);
        try {
            List<TopicPartition> tps = KafkaClients.partitions(consumer, bootstrap, topic, props);
            consumer.assign(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            Map<TopicPartition, Long> starts = startOffsets(tps);
            for (TopicPartition tp : tps) {
                long s = starts.get(tp);
                long e = ends.get(tp);
                if (s < e) {
                    start.put(tp, s);
                    end.put(tp, e);
                    total += e - s;
                    consumer.seek(tp, s);
                }
            }
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    private Map<TopicPartition, Long> startOffsets(List<TopicPartition> tps) {
        if (from == null) {
            return consumer.beginningOffsets(tps);
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        tps.forEach(tp -> query.put(tp, from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : tps) {
            OffsetAndTimestamp o = found.get(tp);
            // No record at or after `from`: nothing to read in this partition.
            out.put(tp, o == null ? ends.get(tp) : o.offset());
        }
        return out;
    }

    @Override
    public void forEach(RecordSink sink) {
        Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> queues = new HashMap<>();
        List<TopicPartition> open = new ArrayList<>(end.keySet());
        List<TopicPartition> paused = new ArrayList<>();
        consumer.assign(open);
        for (TopicPartition tp : open) {
            queues.put(tp, new ArrayDeque<>());
            consumer.seek(tp, start.get(tp));
        }
        long lastProgress = System.nanoTime();
        while (!queues.isEmpty()) {
            // Emit while every partition still being read has a record waiting: then the smallest
            // timestamp among the heads is the next record in timestamp order.
            while (!queues.isEmpty() && allWaiting(queues, open)) {
                TopicPartition next = null;
                long best = Long.MAX_VALUE;
                for (Map.Entry<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> q :
                        queues.entrySet()) {
                    ConsumerRecord<byte[], byte[]> head = q.getValue().peekFirst();
                    if (head == null) {
                        continue;
                    }
                    if (next == null
                            || head.timestamp() < best
                            || head.timestamp() == best
                                    && q.getKey().partition() < next.partition()) {
                        best = head.timestamp();
                        next = q.getKey();
                    }
                }
                if (next == null) {
                    queues.keySet().removeIf(tp -> !open.contains(tp));
                    break;
                }
                ArrayDeque<ConsumerRecord<byte[], byte[]>> q = queues.get(next);
                ConsumerRecord<byte[], byte[]> r = q.pollFirst();
                done++;
                sink.accept(r.value() == null ? new byte[0] : r.value(), r.timestamp());
                if (q.isEmpty() && !open.contains(next)) {
                    queues.remove(next);
                }
            }
            for (TopicPartition tp : new ArrayList<>(paused)) {
                if (queues.get(tp).size() < MAX_BUFFERED / 2) {
                    consumer.resume(List.of(tp));
                    paused.remove(tp);
                }
            }
            if (open.isEmpty()) {
                continue;
            }
            ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
            if (!polled.isEmpty()) {
                lastProgress = System.nanoTime();
            }
            for (TopicPartition tp : polled.partitions()) {
                if (!open.contains(tp)) {
                    continue;
                }
                ArrayDeque<ConsumerRecord<byte[], byte[]>> q = queues.get(tp);
                for (ConsumerRecord<byte[], byte[]> r : polled.records(tp)) {
                    if (r.offset() >= end.get(tp)
                            || to != null && r.timestamp() >= to.toEpochMilli()) {
                        close(tp, open, paused);
                        break;
                    }
                    q.addLast(r);
                }
                if (open.contains(tp) && q.size() >= MAX_BUFFERED && !paused.contains(tp)) {
                    consumer.pause(List.of(tp));
                    paused.add(tp);
                }
            }
            for (TopicPartition tp : new ArrayList<>(open)) {
                // With read_committed, transaction markers take offsets but yield no record: the
                // position tells that the end was reached.
                if (consumer.position(tp) >= end.get(tp)) {
                    close(tp, open, paused);
                }
            }
            queues.entrySet().removeIf(q -> q.getValue().isEmpty() && !open.contains(q.getKey()));
            if (System.nanoTime() - lastProgress > STALL_LIMIT.toNanos()) {
                throw new BacktestException(
                        "--kafka "
                                + bootstrap
                                + ": no records from "
                                + open
                                + " for "
                                + STALL_LIMIT.toSeconds()
                                + " s although their end offsets are further on; is the broker"
                                + " still up, and is the consumer allowed to read the topic?");
            }
        }
    }

    private void close(TopicPartition tp, List<TopicPartition> open, List<TopicPartition> paused) {
        open.remove(tp);
        paused.remove(tp);
        consumer.pause(List.of(tp));
        // Records of this partition not read (after `to`) still count as done for the progress.
        long left = end.get(tp) - consumer.position(tp);
        total -= Math.max(0, left);
    }

    private static boolean allWaiting(
            Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> queues,
            Collection<TopicPartition> open) {
        for (TopicPartition tp : open) {
            if (queues.get(tp).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long done() {
        return done;
    }

    @Override
    public long total() {
        return total;
    }

    @Override
    public String describe() {
        return "topic "
                + topic
                + " at "
                + bootstrap
                + " from "
                + (from == null ? "its beginning" : from)
                + " to "
                + (to == null ? "its end at start" : to)
                + " ("
                + end.size()
                + " partitions with records in range, "
                + total
                + " records)";
    }

    @Override
    public String order() {
        return "partitions merged by record timestamp, each partition in offset order (as the job"
                + " reads them; a session is in one partition)";
    }

    @Override
    public void close() {
        consumer.close();
    }
}
