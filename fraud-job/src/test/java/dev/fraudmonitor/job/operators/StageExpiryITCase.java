package dev.fraudmonitor.job.operators;

import static dev.fraudmonitor.job.operators.StageHarnesses.after;
import static dev.fraudmonitor.job.operators.StageHarnesses.assertNothingLeft;
import static dev.fraudmonitor.job.operators.StageHarnesses.fixedRules;
import static dev.fraudmonitor.job.operators.StageHarnesses.flat;
import static dev.fraudmonitor.job.operators.StageHarnesses.keys;
import static dev.fraudmonitor.job.operators.StageHarnesses.minutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import dev.fraudmonitor.job.operators.StageHarnesses.Backend;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.testkit.TestEvents.Session;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * How expired state leaves when the state backend changes under a savepoint, and how often and how
 * spread out the heap sweep runs. Each stage's own tests cover what expiry drops; these cover when
 * it runs.
 */
class StageExpiryITCase {
    static final String RULES =
            StageHarnesses.ruleSet("PT30M").replaceFirst("\\{", "{\"sessionTimeout\": \"PT1H\", ");

    private static List<ScoringEvent> threeSessions() {
        return List.of(
                flat(Session.guest("203.0.113.80", "US").pageView(minutes(1), "/")),
                flat(Session.guest("203.0.113.81", "US").pageView(minutes(2), "/")),
                flat(
                        Session.guest("203.0.113.82", "US")
                                .login(minutes(3), "u-82", LoginOutcome.SUCCESS)));
    }

    private static OperatorSubtaskState snapshotOf(Backend backend) throws Exception {
        try (var h = StageHarnesses.session(fixedRules(RULES), backend)) {
            h.open();
            for (ScoringEvent e : threeSessions()) {
                h.processElement(e, e.eventTime);
            }
            // A backend switch needs a savepoint in the canonical format, as with `flink stop`.
            return h.snapshotWithLocalState(
                            1L, 1L, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                    .getJobManagerOwnedState();
        }
    }

    @Test
    void keysFromAHeapSnapshotGetATimerEachWhenRestoredOnRocksDb() throws Exception {
        OperatorSubtaskState heap = snapshotOf(Backend.HEAP);
        try (var h = StageHarnesses.session(fixedRules(RULES), Backend.ROCKSDB)) {
            h.initializeState(heap);
            h.open();
            int keys = keys(h);
            assertEquals(3, keys);
            assertEquals(keys, h.numEventTimeTimers(), "one timer per key the heap left untimed");

            // The first watermark fires them; each moves on to its key's expiry.
            h.processWatermark(minutes(10).toEpochMilli());
            assertEquals(keys, keys(h), "nothing has expired yet");
            assertEquals(keys, h.numEventTimeTimers());

            h.processWatermark(after(minutes(3), Duration.ofHours(1)) + 60_000);
            assertNothingLeft(h);
        }
    }

    @Test
    void timersFromARocksDbSnapshotFireOnceOnTheHeapAndAreNotRenewed() throws Exception {
        OperatorSubtaskState rocksdb = snapshotOf(Backend.ROCKSDB);
        try (var h = StageHarnesses.session(fixedRules(RULES), Backend.HEAP)) {
            h.initializeState(rocksdb);
            h.open();
            assertEquals(3, keys(h));
            assertEquals(3, h.numEventTimeTimers(), "restored with the state");

            // Session 1 expires at 1:01 (its timer and the sweep agree); the others stay, untimed.
            h.processWatermark(after(minutes(1), Duration.ofHours(1)));
            assertEquals(2, keys(h));

            h.processWatermark(after(minutes(3), Duration.ofHours(1)) + 60_000);
            assertNothingLeft(h);
        }
    }

    @Test
    void theHeapSweepRunsOncePerMinuteOfEventTime() throws Exception {
        try (var h = StageHarnesses.session(fixedRules(RULES), Backend.HEAP)) {
            h.open();
            for (ScoringEvent e : threeSessions()) {
                h.processElement(e, e.eventTime);
            }
            long before = sweeps();
            h.processWatermark(minutes(10).toEpochMilli());
            assertEquals(before + 1, sweeps(), "the first watermark past a minute sweeps");
            h.processWatermark(minutes(10.5).toEpochMilli());
            assertEquals(before + 1, sweeps(), "not again within the same minute");
            h.processWatermark(minutes(11).toEpochMilli());
            assertEquals(before + 2, sweeps(), "again at the next minute");
            h.processWatermark(minutes(30).toEpochMilli());
            assertEquals(before + 3, sweeps(), "once for a jump over many minutes");
            assertEquals(3, keys(h));
        }
    }

    /** {@code n} sessions of one page view each at {@code at}, processed by {@code h}. */
    private static void pageViews(
            KeyedOneInputStreamOperatorTestHarness<Long, ScoringEvent, GroupCopy> h,
            int n,
            Instant at)
            throws Exception {
        for (int i = 0; i < n; i++) {
            ScoringEvent e = flat(Session.guest("203.0.113.9", "US").pageView(at, "/"));
            h.processElement(e, e.eventTime);
        }
    }

    @Test
    void theHeapSweepIsSpreadOverTheRecordsAndWatermarksAfterTheCrossing() throws Exception {
        int held = 3 * StageOperator.KEYS_PER_WATERMARK;
        try (var h = StageHarnesses.session(fixedRules(RULES), Backend.HEAP)) {
            h.open();
            pageViews(h, held, minutes(1));
            long expired = after(minutes(1), Duration.ofHours(1)) + 60_000;
            long before = sweeps();

            h.processWatermark(expired);
            int afterCrossing = keys(h);
            int visited = held - afterCrossing;
            // Whole hash buckets at a time, and a step over empty buckets counts as one.
            assertTrue(
                    visited >= StageOperator.KEYS_PER_WATERMARK / 2
                            && visited <= StageOperator.KEYS_PER_WATERMARK + 16,
                    "the crossing visits a watermark's share: " + visited + " of " + held);
            assertEquals(before, sweeps(), "the sweep is not done yet");

            int fresh = 500;
            pageViews(h, fresh, Instant.ofEpochMilli(expired + 1_000));
            int afterRecords = keys(h) - fresh;
            assertTrue(
                    afterRecords < afterCrossing,
                    "records sweep too: "
                            + afterRecords
                            + " expired keys left of "
                            + afterCrossing);

            int watermarks = 0;
            while (sweeps() == before) {
                h.processWatermark(expired + 2_000 + watermarks);
                watermarks++;
                assertTrue(watermarks <= 3, "a watermark's share at a time: done in a few");
            }
            assertEquals(before + 1, sweeps(), "one sweep for the minute, reported once");
            assertEquals(fresh, keys(h), "every expired key visited, the fresh ones kept");
        }
    }

    @Test
    void aSweepNotDoneWhenTheNextMinuteIsCrossedIsFinishedFirst() throws Exception {
        int held = 3 * StageOperator.KEYS_PER_WATERMARK;
        try (var h = StageHarnesses.session(fixedRules(RULES), Backend.HEAP)) {
            h.open();
            pageViews(h, held, minutes(1));
            long expired = after(minutes(1), Duration.ofHours(1)) + 60_000;
            long before = sweeps();

            h.processWatermark(expired);
            assertTrue(keys(h) > 0, "the first sweep is under way");

            h.processWatermark(expired + 60_000);
            assertEquals(0, keys(h), "the first sweep finished before the next one started");
            assertEquals(
                    before + 2, sweeps(), "the first sweep reported, then the next over no keys");
        }
    }

    private static long sweeps() {
        Timer t =
                FraudMetrics.get()
                        .registry()
                        .find("fraud.state.sweep")
                        .tag("state", SessionStage.STATE.getName())
                        .timer();
        return t == null ? 0 : t.count();
    }
}
