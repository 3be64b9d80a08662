package dev.fraudmonitor.job;

import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.testkit.TestJobOptions;

/** The job configuration end-to-end tests start from: {@link TestJobOptions} parsed. */
public final class TestJobConfig {
    private TestJobConfig() {}

    public static JobConfig of(
            String bootstrap,
            String redisUrl,
            String redisPrefix,
            String events,
            String alerts,
            String holds,
            String dlq,
            String... overrides) {
        return JobConfig.of(
                TestJobOptions.of(
                        bootstrap, redisUrl, redisPrefix, events, alerts, holds, dlq, overrides));
    }
}
