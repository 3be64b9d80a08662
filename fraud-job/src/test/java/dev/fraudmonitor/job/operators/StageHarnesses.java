package dev.fraudmonitor.job.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.EntityCopy;
import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.event.ScoringEvents;
import dev.fraudmonitor.engine.rules.ListKind;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.event.Output;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.testkit.RedisExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import redis.clients.jedis.RedisClient;

/**
 * What the keyed-stage harness tests share: a fixed rule set (or, where Redis itself is under test,
 * one in a real Redis), and the harnesses keyed the way {@code FraudTopology} keys the stages.
 */
final class StageHarnesses {
    /** A whole minute, so cleanup timers (rounded up to the minute) are easy to reason about. */
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private StageHarnesses() {}

    static Instant minutes(double m) {
        return T0.plusMillis(Math.round(m * 60_000));
    }

    /** A rule set of version 1: review at 50, hold at 80, the given alert cooldown. */
    static String ruleSet(String alertCooldown, String... rules) {
        return "{\"version\": 1, \"thresholds\": {\"review\": 50, \"hold\": 80}, \"alertCooldown\": \""
                + alertCooldown
                + "\", \"rules\": ["
                + String.join(",", rules)
                + "]}";
    }

    /** What a stage is built from: the job config and where its rules come from. */
    record Setup(JobConfig config, StageRules rules) {}

    /** A fixed rule set and block lists, no Redis; the metrics endpoint off. */
    static Setup fixedRules(String rulesJson, Map<ListKind, Set<String>> block) {
        return new Setup(
                JobConfig.of(Map.of("metrics.port", "0")),
                StageRules.fixed(rulesJson, block, Map.of()));
    }

    static Setup fixedRules(String rulesJson) {
        return fixedRules(rulesJson, Map.of());
    }

    /**
     * Puts {@code rulesJson} in Redis under a fresh key prefix; the stages read it through the
     * job's Redis-backed provider, as in the job.
     */
    static Setup redisRules(RedisExtension redis, String rulesJson) {
        String prefix = redis.newKeyPrefix();
        try (RedisClient client = redis.client()) {
            client.set(prefix + "rules", rulesJson);
        }
        Map<String, String> options = new HashMap<>();
        options.put("redis.url", redis.url());
        options.put("redis.prefix", prefix);
        options.put("metrics.port", "0");
        options.put("rules.initial-load-timeout", "PT5S");
        JobConfig config = JobConfig.of(options);
        return new Setup(config, StageRules.redis(config));
    }

    static KeyedOneInputStreamOperatorTestHarness<Long, ScoringEvent, GroupCopy> session(
            Setup setup) throws Exception {
        return session(setup, Backend.HEAP);
    }

    static KeyedOneInputStreamOperatorTestHarness<Long, ScoringEvent, GroupCopy> session(
            Setup setup, Backend backend) throws Exception {
        return keyed(new SessionStage(setup.config(), setup.rules()), StateKeys.SESSION, backend);
    }

    static KeyedOneInputStreamOperatorTestHarness<Long, GroupCopy, DecisionInput> group(Setup setup)
            throws Exception {
        return group(setup, Backend.HEAP);
    }

    static KeyedOneInputStreamOperatorTestHarness<Long, GroupCopy, DecisionInput> group(
            Setup setup, Backend backend) throws Exception {
        return keyed(new GroupStage(setup.config(), setup.rules()), StateKeys.GROUP, backend);
    }

    static KeyedOneInputStreamOperatorTestHarness<Long, EntityCopy, DecisionInput> entity(
            Setup setup) throws Exception {
        return entity(setup, Backend.HEAP);
    }

    static KeyedOneInputStreamOperatorTestHarness<Long, EntityCopy, DecisionInput> entity(
            Setup setup, Backend backend) throws Exception {
        return keyed(new EntityStage(setup.config(), setup.rules()), StateKeys.ENTITY, backend);
    }

    static KeyedOneInputStreamOperatorTestHarness<Long, DecisionInput, Output> decision(Setup setup)
            throws Exception {
        return decision(setup, Backend.HEAP);
    }

    static KeyedOneInputStreamOperatorTestHarness<Long, DecisionInput, Output> decision(
            Setup setup, Backend backend) throws Exception {
        return keyed(new DecisionStage(setup.config(), setup.rules()), StateKeys.DECISION, backend);
    }

    /** Not yet opened: call {@code open()}, or {@code initializeState(snapshot)} first. */
    private static <I, O> KeyedOneInputStreamOperatorTestHarness<Long, I, O> keyed(
            RuleStage<I, O> stage,
            org.apache.flink.api.java.functions.KeySelector<I, Long> key,
            Backend backend)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<Long, I, O> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new StageOperator<>(stage), key, StateKeys.TYPE);
        h.setStateBackend(backend.create());
        return h;
    }

    /**
     * Where a harness keeps its state, which decides how expired state is dropped: on the heap by a
     * sweep each minute of event time, on RocksDB by a timer per key.
     */
    enum Backend {
        HEAP,
        ROCKSDB;

        StateBackend create() {
            return this == HEAP ? new HashMapStateBackend() : new EmbeddedRocksDBStateBackend();
        }
    }

    /**
     * Keys holding state, on either backend (the harness counts state entries on the heap only).
     * Each stage keeps one state per key.
     */
    static int keys(KeyedOneInputStreamOperatorTestHarness<Long, ?, ?> h) {
        KeyedStateBackend<Object> backend =
                ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
        List<String> states =
                List.of(
                        SessionStage.STATE.getName(),
                        GroupStage.STATE.getName(),
                        EntityStage.STATE.getName(),
                        DecisionStage.STATE.getName());
        try (Stream<Object> keys = backend.getKeys(states, VoidNamespace.INSTANCE)) {
            return (int) keys.count();
        }
    }

    /** Expiry is scheduled for the keys held: a timer per key on RocksDB, none on the heap. */
    static void assertExpiryScheduled(
            KeyedOneInputStreamOperatorTestHarness<Long, ?, ?> h, Backend backend) {
        assertTrue(keys(h) > 0, "keys held");
        if (backend == Backend.ROCKSDB) {
            assertTrue(h.numEventTimeTimers() > 0, "a timer per key on RocksDB");
        } else {
            assertEquals(0, h.numEventTimeTimers(), "no timers on the heap: the sweep drops keys");
        }
    }

    /** The job's flat form of a contract event, stamped as read from Kafka at its event time. */
    static ScoringEvent flat(CheckoutEvent c) {
        return ScoringEvents.from(c, c.occurredAt().toEpochMilli());
    }

    /** Values emitted on a side output since the last {@link #clearOutputs}; empty if none. */
    static <T> List<T> side(AbstractStreamOperatorTestHarness<?> h, OutputTag<T> tag) {
        Collection<StreamRecord<T>> records = h.getSideOutput(tag);
        List<T> values = new ArrayList<>();
        if (records != null) {
            records.forEach(r -> values.add(r.getValue()));
        }
        return values;
    }

    static void clearOutputs(AbstractStreamOperatorTestHarness<?> h, OutputTag<?>... tags) {
        h.getOutput().clear();
        for (OutputTag<?> tag : tags) {
            if (h.getSideOutput(tag) != null) {
                h.getSideOutput(tag).clear();
            }
        }
    }

    /** Watermark {@code d} after {@code t}. */
    static long after(Instant t, Duration d) {
        return t.plus(d).toEpochMilli();
    }

    static void assertNothingLeft(KeyedOneInputStreamOperatorTestHarness<Long, ?, ?> h) {
        assertEquals(0, keys(h), "keyed state entries left");
        assertEquals(0, h.numEventTimeTimers(), "event-time timers left");
        assertEquals(0, h.numProcessingTimeTimers(), "processing-time timers left");
    }
}
