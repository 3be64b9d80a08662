package dev.fraudmonitor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.testkit.FlinkMiniCluster;
import dev.fraudmonitor.testkit.JobRunner;
import dev.fraudmonitor.testkit.KafkaExtension;
import dev.fraudmonitor.testkit.RedisExtension;
import dev.fraudmonitor.testkit.TestEvents;
import dev.fraudmonitor.testkit.TestEvents.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upgrade procedure of deploy/README.md on a MiniCluster: stop the running job with a
 * savepoint, build the job graph anew and start it from the savepoint. Velocity counts must carry
 * over (an account below the limit before the upgrade crosses it after), and nothing decided before
 * the upgrade may be decided again after it.
 */
class SavepointUpgradeITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @TempDir Path savepoints;

    @Test
    void velocityCountsContinueAcrossASavepointUpgradeAndNoAlertRepeats() throws Exception {
        String events = KAFKA.newTopic("events", 2);
        String alerts = KAFKA.newTopic("alerts", 1);
        String holds = KAFKA.newTopic("holds", 1);
        String dlq = KAFKA.newTopic("dlq", 1);
        String prefix = REDIS.newKeyPrefix();
        REDIS.client().set(prefix + "rules", FraudJobITCase.BRUTE_FORCE_ONLY);
        // One configuration for both versions: the consumer group and the transactional-id
        // prefix stay the same across an upgrade, as deploy/README.md says they must.
        JobConfig config =
                TestJobConfig.of(
                        KAFKA.bootstrapServers(),
                        REDIS.url(),
                        prefix,
                        events,
                        alerts,
                        holds,
                        dlq,
                        "state.backend",
                        "ROCKSDB");

        Instant base = Instant.now().minus(8, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        // Before: "alerted" crosses the limit of 5 (one alert); "carried" stays at 3, below it.
        Session alerted = Session.guest("198.51.100.20", "RO").as("acct-alerted");
        Session carried = Session.guest("198.51.100.30", "RO").as("acct-carried");
        List<CheckoutEvent> before = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            before.add(alerted.login(base.plusSeconds(i * 5L), "u-alerted", LoginOutcome.FAILURE));
        }
        for (int i = 0; i < 3; i++) {
            before.add(
                    carried.login(
                            base.plusSeconds(40 + i * 5L), "u-carried", LoginOutcome.FAILURE));
        }
        before.addAll(ticks(base.plusSeconds(90)));
        // After: three more failures for "carried" (6 in all, an alert only if the 3 carried
        // over, in a new session of the same account) and one more for "alerted" (in cooldown).
        Session carriedLater = Session.guest("198.51.100.31", "RO").as("acct-carried");
        List<CheckoutEvent> after = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            after.add(
                    carriedLater.login(
                            base.plusSeconds(120 + i * 5L), "u-carried", LoginOutcome.FAILURE));
        }
        after.add(alerted.login(base.plusSeconds(140), "u-alerted", LoginOutcome.FAILURE));
        after.addAll(ticks(base.plusSeconds(200)));

        String savepoint;
        try (JobRunner jobs = new JobRunner()) {
            JobClient v1 =
                    jobs.startAndAwaitRunning(env(config, null), "v1", Duration.ofSeconds(60));
            send(events, before);
            List<ConsumerRecord<byte[], byte[]>> first =
                    KAFKA.kafka().readAll(alerts, true, 1, Duration.ofSeconds(90));
            assertEquals(1, first.size(), "one alert before the upgrade");
            assertEquals("acct-alerted", account(first.get(0)));
            // Let the job see every event of the first version before it stops.
            Thread.sleep(2000);
            savepoint =
                    v1.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(120, TimeUnit.SECONDS);
            System.out.println("Savepoint of version 1: " + savepoint);
        }

        try (JobRunner jobs = new JobRunner()) {
            JobClient v2 =
                    jobs.startAndAwaitRunning(env(config, savepoint), "v2", Duration.ofSeconds(60));
            send(events, after);
            List<ConsumerRecord<byte[], byte[]>> all =
                    KAFKA.kafka().readAll(alerts, true, 2, Duration.ofSeconds(90));
            // A few more checkpoints, so a repeated alert would have been committed too.
            Thread.sleep(3000);
            all = KAFKA.kafka().readAll(alerts, true, all.size(), Duration.ofSeconds(10));
            List<String> accounts = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : all) {
                accounts.add(account(r));
            }
            System.out.println("Alerts across the upgrade: " + accounts);
            assertEquals(List.of("acct-alerted", "acct-carried"), accounts);
            JsonNode carriedAlert = Json.mapper().readTree(all.get(1).value());
            assertEquals(carriedLater.sessionId(), carriedAlert.get("sessionId").asText());
            assertEquals("6", carriedAlert.get("reasons").get(0).get("observed").asText());
            assertTrue(
                    JobRunner.failures(FLINK.getClientConfiguration(), v2.getJobID()).isEmpty(),
                    "version 2 ran without failures");
        }
    }

    /** A job graph built anew from the configuration, started from {@code savepoint} if given. */
    private static StreamExecutionEnvironment env(JobConfig config, String savepoint) {
        Configuration flink = FraudJob.flinkConfiguration(config);
        if (savepoint != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.configure(flink);
        FraudJob.define(env, config);
        return env;
    }

    /** Benign page views on many sessions (both partitions), moving event time on. */
    private static List<CheckoutEvent> ticks(Instant at) {
        List<CheckoutEvent> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            out.add(Session.guest("192.0.2." + (i + 1), "US").pageView(at.plusSeconds(i), "/"));
        }
        return out;
    }

    private static void send(String topic, List<CheckoutEvent> events) {
        for (CheckoutEvent e : events) {
            KAFKA.kafka().send(topic, e.sessionId(), TestEvents.encode(e));
        }
    }

    private static String account(ConsumerRecord<byte[], byte[]> r) throws Exception {
        return Json.mapper().readTree(r.value()).get("accountId").asText();
    }
}
