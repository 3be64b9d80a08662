package dev.fraudmonitor.job.operators;

import static dev.fraudmonitor.job.operators.StageHarnesses.after;
import static dev.fraudmonitor.job.operators.StageHarnesses.assertNothingLeft;
import static dev.fraudmonitor.job.operators.StageHarnesses.fixedRules;
import static dev.fraudmonitor.job.operators.StageHarnesses.flat;
import static dev.fraudmonitor.job.operators.StageHarnesses.keys;
import static dev.fraudmonitor.job.operators.StageHarnesses.minutes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import dev.fraudmonitor.job.operators.StageHarnesses.Backend;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.testkit.TestEvents.Session;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.junit.jupiter.api.Test;

/**
 * How expired state leaves when the state backend changes under a savepoint, and how often the heap
 * sweep runs. Each stage's own tests cover what expiry drops; these cover when it runs.
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
