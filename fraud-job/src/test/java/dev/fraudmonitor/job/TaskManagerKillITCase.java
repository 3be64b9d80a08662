package dev.fraudmonitor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.testkit.FlinkProcessCluster;
import dev.fraudmonitor.testkit.JobRunner;
import dev.fraudmonitor.testkit.KafkaExtension;
import dev.fraudmonitor.testkit.RedisExtension;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The design's recovery bar on a real multi-process cluster: a JobManager and two TaskManagers in
 * their own JVMs run the job at parallelism 2; one TaskManager is killed with SIGKILL while input
 * streams in, and a replacement is started, as a supervisor would. The job must be running again
 * within 30 s, and a read_committed consumer must see every expected alert, hold and dead letter
 * exactly once, with the Redis hold records in agreement.
 */
class TaskManagerKillITCase {
    private static final Logger LOG = LoggerFactory.getLogger(TaskManagerKillITCase.class);

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    private static final int BATCHES = 6;
    private static final int KILL_AFTER_BATCH = 2;
    private static final Duration RECOVERY_BAR = Duration.ofSeconds(30);

    @Test
    void killedTaskManagerIsReplacedAndNoDecisionIsLostOrDuplicated() throws Exception {
        long t0 = System.nanoTime();
        String events = KAFKA.newTopic("events", 2);
        String alerts = KAFKA.newTopic("alerts", 2);
        String holds = KAFKA.newTopic("holds", 2);
        String dlq = KAFKA.newTopic("dlq", 1);
        String prefix = REDIS.newKeyPrefix();
        DecisionScenario scenario = DecisionScenario.generate(23, 240, BATCHES);
        scenario.prepareRedis(REDIS.client(), prefix);

        try (FlinkProcessCluster cluster = FlinkProcessCluster.start(2, Duration.ofSeconds(90))) {
            String rest = cluster.restUrl();
            JobConfig config =
                    TestJobConfig.of(
                            KAFKA.bootstrapServers(),
                            REDIS.url(),
                            prefix,
                            events,
                            alerts,
                            holds,
                            dlq,
                            "checkpoint.dir",
                            cluster.checkpointDir().toUri().toString());
            Configuration flink = FraudJob.flinkConfiguration(config);
            flink.addAll(cluster.clientConfiguration());
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createRemoteEnvironment(
                            "127.0.0.1", cluster.restPort(), flink);
            JobClient job = FraudJob.start(env, config);
            try {
                String jobId = job.getJobID().toString();
                JobRunner.awaitRunning(job, Duration.ofSeconds(60));
                DecisionScenario.awaitNextCheckpoint(rest, jobId, Duration.ofSeconds(60));
                LOG.info("Job {} running and checkpointing", jobId);

                for (int b = 0; b <= KILL_AFTER_BATCH; b++) {
                    DecisionScenario.send(KAFKA.kafka(), events, scenario.batches.get(b));
                    DecisionScenario.awaitNextCheckpoint(rest, jobId, Duration.ofSeconds(60));
                    LOG.info("Batch {} sent and checkpointed", b);
                }
                long restoredBefore = restored(rest, jobId);
                assertFalse(
                        KAFKA.kafka().readAll(alerts, true, 1, Duration.ofSeconds(5)).isEmpty(),
                        "decisions were committed before the kill");

                // Mid-stream: the next batch is on its way through the job when the TM dies.
                DecisionScenario.send(
                        KAFKA.kafka(), events, scenario.batches.get(KILL_AFTER_BATCH + 1));
                DecisionScenario.sleep(200);
                long killedAt = System.nanoTime();
                cluster.killTaskManager(0);
                cluster.startTaskManager();
                for (int b = KILL_AFTER_BATCH + 2; b < BATCHES; b++) {
                    DecisionScenario.send(KAFKA.kafka(), events, scenario.batches.get(b));
                }

                JobRunner.waitUntil(
                        () ->
                                restored(rest, jobId) > restoredBefore
                                        && allTasksRunning(cluster, jobId),
                        Duration.ofSeconds(90),
                        "the job restored from a checkpoint with every task running");
                Duration running = Duration.ofNanos(System.nanoTime() - killedAt);
                DecisionScenario.awaitNextCheckpoint(rest, jobId, Duration.ofSeconds(60));
                Duration checkpointing = Duration.ofNanos(System.nanoTime() - killedAt);
                LOG.info(
                        "TaskManager killed: every task running again after {} ms, first"
                                + " checkpoint after the kill at {} ms",
                        running.toMillis(),
                        checkpointing.toMillis());

                scenario.awaitCommittedAndVerify(
                        KAFKA.kafka(),
                        alerts,
                        holds,
                        dlq,
                        REDIS.client(),
                        prefix,
                        rest,
                        jobId,
                        () -> true,
                        Duration.ofSeconds(90));

                List<String> failures = DecisionScenario.failureTraces(rest, jobId);
                assertFalse(failures.isEmpty(), "the job noticed the kill");
                failures.forEach(
                        f ->
                                LOG.info(
                                        "Failure seen by the job: {}",
                                        f.lines().findFirst().orElse("")));
                assertEquals(JobStatus.RUNNING, JobRunner.status(job));
                assertTrue(
                        running.compareTo(RECOVERY_BAR) <= 0,
                        "running again after " + running.toMillis() + " ms; the bar is 30 s");
                LOG.info(
                        "TaskManager kill: running again after {} ms ({} failures in the job's"
                                + " history, {} restores); {} records in, {} alerts, {} holds, {}"
                                + " dead letters, each exactly once; took {} s",
                        running.toMillis(),
                        failures.size(),
                        restored(rest, jobId),
                        scenario.totalRecords(),
                        scenario.alerts.size(),
                        scenario.holds.size(),
                        scenario.panRecords,
                        (System.nanoTime() - t0) / 1_000_000_000);
            } finally {
                JobRunner.cancel(job, Duration.ofSeconds(30));
            }
        }
    }

    private static long restored(String rest, String jobId) {
        return DecisionScenario.checkpointCounts(rest, jobId).path("restored").asLong();
    }

    /** The job is RUNNING and so is every one of its tasks. */
    private static boolean allTasksRunning(FlinkProcessCluster cluster, String jobId) {
        JsonNode job = cluster.rest("/jobs/" + jobId);
        if (job == null || !"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode v : job.path("vertices")) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
        }
        return true;
    }
}
