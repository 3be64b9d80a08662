package dev.fraudmonitor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.event.DecodeResult;
import dev.fraudmonitor.job.event.Output;
import dev.fraudmonitor.job.operators.StageRules;
import dev.fraudmonitor.job.types.WireTypes;
import dev.fraudmonitor.testkit.FlinkMiniCluster;
import dev.fraudmonitor.testkit.JobRunner;
import dev.fraudmonitor.testkit.KafkaExtension;
import dev.fraudmonitor.testkit.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once decisions under repeated failure, on real parts (in-JVM Kafka broker, real
 * redis-server, Flink MiniCluster at parallelism 2).
 *
 * <p>The real job is composed with operators that throw once each at chosen places: on input events
 * in three different batches (before the session stage), right after a checkpoint completed (while
 * the sinks commit their transactions), and on an alert and a hold just after the decision (before
 * the sinks). Every failure restores from the last checkpoint. A read_committed consumer must then
 * see every decision the input implies exactly once, the Redis hold records must agree, and no
 * output may carry a raw card number.
 */
class ExactlyOnceITCase {
    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceITCase.class);

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    /**
     * Failures already injected. Static, so "once" survives restarts: the MiniCluster runs the
     * tasks in this JVM, and a restarted task gets fresh copies of the functions.
     */
    static final Set<String> FIRED = ConcurrentHashMap.newKeySet();

    private static final int BATCHES = 7;

    @Test
    void everyDecisionIsCommittedExactlyOnceAcrossRepeatedFailures() throws Exception {
        long t0 = System.nanoTime();
        FIRED.clear();
        String events = KAFKA.newTopic("events", 2);
        String alerts = KAFKA.newTopic("alerts", 2);
        String holds = KAFKA.newTopic("holds", 2);
        String dlq = KAFKA.newTopic("dlq", 1);
        String prefix = REDIS.newKeyPrefix();

        DecisionScenario scenario = DecisionScenario.generate(11, 240, BATCHES);
        scenario.prepareRedis(REDIS.client(), prefix);

        JobConfig config =
                TestJobConfig.of(
                        KAFKA.bootstrapServers(), REDIS.url(), prefix, events, alerts, holds, dlq);

        // Where to fail, one place per batch after the first: an input event (batch 1), the alert
        // of a mismatch session (2), right after a checkpoint completes (3), a hold (4), input
        // events again (5, 6).
        String failOnAlertOf = scenario.mismatchSessionDecidedInBatch(2);
        String failOnHoldOf = scenario.orderHeldInBatch(4, failOnAlertOf);
        String armCheckpointFailure = scenario.eventInBatch(3);
        Set<String> failOnEvents =
                Set.of(
                        scenario.eventInBatch(1),
                        scenario.eventInBatch(5),
                        scenario.eventInBatch(6));
        int injected = failOnEvents.size() + 3;

        Configuration flink = FraudJob.flinkConfiguration(config);
        // Quick, bounded restarts: more failures than the injected ones would end the job.
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, injected + 2);
        flink.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.configure(flink);
        env.setParallelism(config.get(JobConfig.PARALLELISM));

        DataStream<DecodeResult> input =
                FraudJob.source(env, config)
                        .map(new FailOnEvents(failOnEvents), WireTypes.DECODE_RESULT)
                        .name("inject: fail on chosen events")
                        .uid("inject-events")
                        .map(new FailAfterCheckpoint(armCheckpointFailure), WireTypes.DECODE_RESULT)
                        .name("inject: fail after a checkpoint")
                        .uid("inject-checkpoint");
        FraudTopology.Outputs decided =
                FraudTopology.build(input, config, StageRules.redis(config));
        FraudJob.sinks(
                new FraudTopology.Outputs(
                        decided.alerts()
                                .map(
                                        new FailOnOutput("alert", failOnAlertOf),
                                        TypeInformation.of(Output.class))
                                .name("inject: fail on an alert")
                                .uid("inject-alert"),
                        decided.holds()
                                .map(
                                        new FailOnOutput("hold", failOnHoldOf),
                                        TypeInformation.of(Output.class))
                                .name("inject: fail on a hold")
                                .uid("inject-hold"),
                        decided.deadLetters()),
                config);

        String rest =
                "http://"
                        + FLINK.getClientConfiguration().get(RestOptions.ADDRESS)
                        + ":"
                        + FLINK.getClientConfiguration().get(RestOptions.PORT);
        try (JobRunner jobs = new JobRunner()) {
            JobClient job =
                    jobs.startAndAwaitRunning(env, "exactly-once-itcase", Duration.ofSeconds(60));
            String jobId = job.getJobID().toString();

            // The first batch is committed by a checkpoint before any failure, so every restart
            // restores from a checkpoint. Each later batch fails the job once; the next batch goes
            // in after the failure happened and the job has checkpointed again, so the failures
            // fall at different points of the stream, one at a time.
            for (int b = 0; b < BATCHES; b++) {
                DecisionScenario.send(KAFKA.kafka(), events, scenario.batches.get(b));
                int failuresSoFar = b;
                JobRunner.waitUntil(
                        () -> FIRED.size() >= failuresSoFar,
                        Duration.ofSeconds(60),
                        "injected failure " + b + " (" + FIRED + ")");
                DecisionScenario.awaitNextCheckpoint(rest, jobId, Duration.ofSeconds(60));
                DecisionScenario.awaitNextCheckpoint(rest, jobId, Duration.ofSeconds(60));
            }

            scenario.awaitCommittedAndVerify(
                    KAFKA.kafka(),
                    alerts,
                    holds,
                    dlq,
                    REDIS.client(),
                    prefix,
                    rest,
                    jobId,
                    () -> FIRED.size() == injected,
                    Duration.ofSeconds(120));

            List<String> failures = DecisionScenario.failureTraces(rest, jobId);
            long injectedSeen =
                    failures.stream().filter(f -> f.contains("injected failure")).count();
            long restored =
                    DecisionScenario.checkpointCounts(rest, jobId).path("restored").asLong();
            assertEquals(injected, FIRED.size(), "failures injected: " + FIRED);
            assertEquals(injected, injectedSeen, "the job failed at every injection");
            assertEquals(injected, failures.size(), "no failure but the injected ones");
            assertTrue(
                    restored >= injected,
                    "each failure restored from a checkpoint; restored " + restored);
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get());
            LOG.info(
                    "Exactly once across {} injected failures ({} restores from checkpoints, {}"
                            + " failures in the job's history): {} records in, {} alerts, {}"
                            + " holds, {} dead letters, {} Redis hold records, each exactly once;"
                            + " took {} s",
                    injected,
                    restored,
                    failures.size(),
                    scenario.totalRecords(),
                    scenario.alerts.size(),
                    scenario.holds.size(),
                    scenario.panRecords,
                    scenario.holds.size(),
                    (System.nanoTime() - t0) / 1_000_000_000);
        }
    }

    /** Throws once on each chosen input event. */
    static final class FailOnEvents implements MapFunction<DecodeResult, DecodeResult> {
        private static final long serialVersionUID = 1L;
        private final Set<String> eventIds;

        FailOnEvents(Set<String> eventIds) {
            this.eventIds = eventIds;
        }

        @Override
        public DecodeResult map(DecodeResult d) {
            if (d.event != null
                    && eventIds.contains(d.event.eventId)
                    && FIRED.add("event " + d.event.eventId)) {
                throw new IllegalStateException("injected failure at event " + d.event.eventId);
            }
            return d;
        }
    }

    /**
     * Once it has seen the chosen event, throws when the next checkpoint completes: the moment the
     * Kafka sinks commit the transactions of that checkpoint.
     */
    static final class FailAfterCheckpoint
            implements MapFunction<DecodeResult, DecodeResult>, CheckpointListener {
        private static final long serialVersionUID = 1L;
        private final String armingEventId;
        private transient boolean armed;

        FailAfterCheckpoint(String armingEventId) {
            this.armingEventId = armingEventId;
        }

        @Override
        public DecodeResult map(DecodeResult d) {
            if (d.event != null && armingEventId.equals(d.event.eventId)) {
                armed = true;
            }
            return d;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (armed && FIRED.add("checkpoint")) {
                throw new IllegalStateException(
                        "injected failure after checkpoint " + checkpointId + " completed");
            }
        }
    }

    /** Throws once on the first decision output with the chosen key. */
    static final class FailOnOutput implements MapFunction<Output, Output> {
        private static final long serialVersionUID = 1L;
        private final String what;
        private final String key;

        FailOnOutput(String what, String key) {
            this.what = what;
            this.key = key;
        }

        @Override
        public Output map(Output o) {
            if (key.equals(o.key) && FIRED.add(what + " " + key)) {
                throw new IllegalStateException("injected failure on the " + what + " for " + key);
            }
            return o;
        }
    }
}
