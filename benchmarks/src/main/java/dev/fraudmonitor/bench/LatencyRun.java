package dev.fraudmonitor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.job.FraudJob;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.EventCodec;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.testkit.EmbeddedKafka;
import dev.fraudmonitor.testkit.FlinkProcessCluster;
import dev.fraudmonitor.testkit.JobRunner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;

/**
 * Decision latency at a fixed input rate: simulated traffic is generated first (virtual clock, at
 * the target rate), then sent on the wall clock at the times the simulator sent it. Ingest is when
 * the broker appended the record: the events topic keeps the broker's append time as each record's
 * timestamp ({@code message.timestamp.type=LogAppendTime}, which the job takes as ingest time), and
 * the producer's acknowledgement carries it back. What the sender's own producer adds before that
 * (a client of the shop's, not the job) is reported apart.
 *
 * <ul>
 *   <li>Hold records: a Redis keyspace-notification subscriber ({@code notify-keyspace-events K$})
 *       timestamps each {@code <prefix>hold:<orderId>} write as it arrives.
 *   <li>Alerts: a {@code read_committed} consumer timestamps each alert when it becomes visible.
 * </ul>
 *
 * Each output names its triggering event by session and event time ({@code sessionId}, {@code
 * createdAt}); latency = arrival - that event's ingest. Events sent in the first {@code warmup} are
 * left out.
 *
 * <p>The job runs in this JVM's MiniCluster, or, given a {@link FlinkProcessCluster}, in its
 * TaskManager processes, as deployed.
 */
final class LatencyRun {
    private LatencyRun() {}

    record Result(
            double targetRate,
            double achievedRate,
            long events,
            Duration checkpointInterval,
            Percentiles hold,
            Percentiles alert,
            Percentiles sendToAppend) {}

    record Percentiles(int samples, long p50, long p99, long p999, long max) {
        static Percentiles of(List<Long> values) {
            long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
            if (v.length == 0) {
                return new Percentiles(0, -1, -1, -1, -1);
            }
            return new Percentiles(
                    v.length, rank(v, 0.5), rank(v, 0.99), rank(v, 0.999), v[v.length - 1]);
        }

        private static long rank(long[] sorted, double q) {
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }

        String text() {
            return samples == 0
                    ? "no samples"
                    : String.format(
                            "p50 %d ms, p99 %d ms, p99.9 %d ms, max %d ms (%d samples)",
                            p50, p99, p999, max, samples);
        }
    }

    private record Arrival(String key, long at) {}

    static Result run(
            EmbeddedKafka kafka,
            RedisClient redis,
            Map<String, String> settings,
            String prefix,
            double rate,
            Duration duration,
            Duration warmup,
            double attackRatio,
            long seed,
            Duration bufferTimeout,
            FlinkProcessCluster cluster)
            throws Exception {
        JobConfig config = JobConfig.of(settings);
        String topic = config.get(JobConfig.TOPIC_EVENTS);
        String alerts = config.get(JobConfig.TOPIC_ALERTS);

        // 1. Traffic, generated ahead so sending costs nothing but the send. The simulator's own
        // pace ramps up over its first minute (sessions take that long to unfold); the events are
        // sent at a constant rate instead, in the simulator's order, with their event times kept
        // (shifted as a whole so that none lies ahead of its send time).
        long n = Math.max(1, Math.round(rate * duration.toMillis() / 1000.0));
        long virtualStart = 0;
        List<CheckoutEvent> generated = new ArrayList<>();
        Events.Summary summary =
                Events.generate(
                        n, rate, attackRatio, seed, virtualStart, s -> generated.add(s.event()));
        long lead = 0;
        for (int i = 0; i < generated.size(); i++) {
            long offset = (long) (i * 1000.0 / rate);
            lead = Math.max(lead, generated.get(i).occurredAt().toEpochMilli() - offset);
        }
        Benchmark.loadRules(redis, prefix, summary.blockList());

        // 2. Listeners.
        redis.configSet("notify-keyspace-events", "K$");
        ConcurrentLinkedQueue<Arrival> holdArrivals = new ConcurrentLinkedQueue<>();
        String holdChannelPrefix = "__keyspace@0__:" + prefix + "hold:";
        JedisPubSub subscriber =
                new JedisPubSub() {
                    @Override
                    public void onPMessage(String pattern, String channel, String message) {
                        if ("set".equals(message)) {
                            holdArrivals.add(
                                    new Arrival(
                                            channel.substring("__keyspace@0__:".length()),
                                            System.currentTimeMillis()));
                        }
                    }
                };
        Thread holdListener =
                new Thread(() -> redis.psubscribe(subscriber, holdChannelPrefix + "*"), "holds");
        holdListener.setDaemon(true);
        holdListener.start();

        ConcurrentLinkedQueue<Arrival> alertArrivals = new ConcurrentLinkedQueue<>();
        AtomicReference<Exception> alertError = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread alertListener =
                new Thread(
                        () -> {
                            try (KafkaConsumer<byte[], byte[]> c =
                                    new KafkaConsumer<>(kafka.consumerProperties(true))) {
                                List<TopicPartition> ps =
                                        c.partitionsFor(alerts).stream()
                                                .map(i -> new TopicPartition(alerts, i.partition()))
                                                .toList();
                                c.assign(ps);
                                c.seekToBeginning(ps);
                                while (!stop.get()) {
                                    var batch = c.poll(Duration.ofMillis(20));
                                    long at = System.currentTimeMillis();
                                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                                        JsonNode a = Json.mapper().readTree(r.value());
                                        alertArrivals.add(
                                                new Arrival(
                                                        trigger(
                                                                a.get("sessionId").asText(),
                                                                Instant.parse(
                                                                                a.get("createdAt")
                                                                                        .asText())
                                                                        .toEpochMilli()),
                                                        at));
                                    }
                                }
                            } catch (Exception e) {
                                alertError.set(e);
                            }
                        },
                        "alerts");
        alertListener.setDaemon(true);
        alertListener.start();

        // Encoded ahead, anchored a few seconds from now; the send loop re-anchors if it starts
        // late.
        EventCodec codec = new EventCodec();
        long plannedStart = System.currentTimeMillis() + 20_000;
        long timeShift = plannedStart - lead;
        byte[][] values = new byte[(int) n][];
        byte[][] keys = new byte[(int) n][];
        Map<String, Integer> byTrigger = new HashMap<>();
        for (int i = 0; i < n; i++) {
            CheckoutEvent e = generated.get(i);
            long t = e.occurredAt().toEpochMilli() + timeShift;
            values[i] =
                    codec.encode(
                            new CheckoutEvent(
                                    e.eventId(),
                                    e.type(),
                                    Instant.ofEpochMilli(t),
                                    e.sessionId(),
                                    e.accountId(),
                                    e.ip(),
                                    e.ipCountry(),
                                    e.userAgent(),
                                    e.deviceId(),
                                    e.data()));
            keys[i] = e.sessionId().getBytes(StandardCharsets.UTF_8);
            byTrigger.putIfAbsent(trigger(e.sessionId(), t), i);
        }
        generated.clear();

        // 3. The job, already running and warm before the first event (and no garbage of earlier
        // runs left for it to collect).
        System.gc();
        org.apache.flink.configuration.Configuration flink = FraudJob.flinkConfiguration(config);
        if (bufferTimeout != null) {
            flink.set(
                    org.apache.flink.configuration.ExecutionOptions.BUFFER_TIMEOUT, bufferTimeout);
        }
        StreamExecutionEnvironment env;
        if (cluster == null) {
            env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        } else {
            // What createRemoteEnvironment sets up, which refuses to run beside the MiniCluster's
            // context environment: the job goes to the cluster's REST API, its classes are on the
            // processes' classpath already.
            flink.addAll(cluster.clientConfiguration());
            flink.set(DeploymentOptions.TARGET, "remote");
            env = new StreamExecutionEnvironment(flink);
        }
        env.configure(flink);
        FraudJob.define(env, config);
        JobClient job = env.executeAsync("bench-latency");
        long[] sent = new long[(int) n];
        long[] ingest = new long[(int) n];
        long firstSend;
        long lastSend;
        try {
            JobRunner.awaitRunning(job, Duration.ofSeconds(60));
            Thread.sleep(3000);

            // 4. Send on the simulator's schedule.
            Properties p = kafka.producerProperties();
            p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
            AtomicReference<Exception> sendError = new AtomicReference<>();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
                while (System.currentTimeMillis() < plannedStart) {
                    Thread.sleep(1);
                }
                long wallStart = System.currentTimeMillis();
                firstSend = wallStart;
                for (int i = 0; i < n; i++) {
                    long due = wallStart + (long) (i * 1000.0 / rate);
                    long wait;
                    while ((wait = due - System.currentTimeMillis()) > 0) {
                        LockSupport.parkNanos(Math.min(wait, 5) * 200_000L);
                    }
                    long now = System.currentTimeMillis();
                    sent[i] = now;
                    int index = i;
                    producer.send(
                            new ProducerRecord<>(topic, null, now, keys[i], values[i]),
                            (md, e) -> {
                                if (e != null) {
                                    sendError.compareAndSet(null, e);
                                } else {
                                    ingest[index] = md.timestamp();
                                }
                            });
                }
                lastSend = System.currentTimeMillis();
                producer.flush();
            }
            if (sendError.get() != null) {
                throw new IllegalStateException("sending failed", sendError.get());
            }
            // Long enough for the last alerts to be committed by a checkpoint.
            Thread.sleep(2 * config.get(JobConfig.CHECKPOINT_INTERVAL).toMillis() + 3000);
        } finally {
            stop.set(true);
            subscriber.punsubscribe();
            JobRunner.cancel(job, Duration.ofSeconds(60));
        }
        alertListener.join(10_000);
        if (alertError.get() != null) {
            throw new IllegalStateException("alert consumer failed", alertError.get());
        }

        // 5. Match each output to the event that triggered it.
        long countFrom = firstSend + warmup.toMillis();
        List<Long> holdLatencies = new ArrayList<>();
        Map<String, Long> firstHold = new ConcurrentHashMap<>();
        for (Arrival a : holdArrivals) {
            firstHold.merge(a.key(), a.at(), Math::min);
        }
        for (Map.Entry<String, Long> h : firstHold.entrySet()) {
            String json = redis.get(h.getKey());
            if (json == null) continue;
            JsonNode hold = Json.mapper().readTree(json);
            Integer i =
                    byTrigger.get(
                            trigger(
                                    hold.get("sessionId").asText(),
                                    Instant.parse(hold.get("createdAt").asText()).toEpochMilli()));
            if (i != null && sent[i] >= countFrom) {
                holdLatencies.add(h.getValue() - ingest[i]);
            }
        }
        List<Long> alertLatencies = new ArrayList<>();
        for (Arrival a : alertArrivals) {
            Integer i = byTrigger.get(a.key());
            if (i != null && sent[i] >= countFrom) {
                alertLatencies.add(a.at() - ingest[i]);
            }
        }
        List<Long> sendToAppend = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (sent[i] >= countFrom) {
                sendToAppend.add(ingest[i] - sent[i]);
            }
        }
        double achieved = n * 1000.0 / Math.max(1, lastSend - firstSend);
        System.out.printf(
                "latency run: %d hold writes seen, %d matched; %d alerts seen, %d matched%n",
                firstHold.size(),
                holdLatencies.size(),
                alertArrivals.size(),
                alertLatencies.size());
        return new Result(
                rate,
                achieved,
                n,
                config.get(JobConfig.CHECKPOINT_INTERVAL),
                Percentiles.of(holdLatencies),
                Percentiles.of(alertLatencies),
                Percentiles.of(sendToAppend));
    }

    private static String trigger(String sessionId, long eventTime) {
        return sessionId + '|' + eventTime;
    }
}
