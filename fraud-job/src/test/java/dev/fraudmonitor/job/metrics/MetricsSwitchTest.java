package dev.fraudmonitor.job.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.job.config.ConfigException;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.EventType;
import dev.fraudmonitor.model.RejectReason;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code metrics.enabled}: on by default; off, the job's metrics record and serve nothing. */
class MetricsSwitchTest {

    @Test
    void enabledByDefaultAndSharedWithTheJvmRegistry() {
        JobConfig config = JobConfig.of(Map.of());
        assertTrue(config.get(JobConfig.METRICS_ENABLED));
        assertSame(FraudMetrics.get(), FraudMetrics.get(config));
    }

    @Test
    void disabledRecordsNothingAndServesNothing() {
        FraudMetrics off = FraudMetrics.get(JobConfig.of(Map.of("metrics.enabled", "false")));
        off.event(EventType.LOGIN);
        off.invalid(RejectReason.NOT_JSON);
        off.ruleHit("brute-force-account", "ACTIVE");
        off.alert(Action.HOLD, 90, System.currentTimeMillis(), System.currentTimeMillis());
        off.redisHoldWrite(1_000_000);

        assertEquals(0, off.registry().getMeters().size(), off.scrape());
        assertEquals("", off.scrape().trim());
        assertEquals(-1, off.serve(19249));
    }

    @Test
    void aValueThatIsNotABooleanIsRejected() {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> JobConfig.of(Map.of("metrics.enabled", "maybe")));
        assertTrue(e.getMessage().startsWith("metrics.enabled"), e.getMessage());
    }
}
