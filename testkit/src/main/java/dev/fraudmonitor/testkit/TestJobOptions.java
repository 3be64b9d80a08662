package dev.fraudmonitor.testkit;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The job options end-to-end tests start from (pass them to {@code JobConfig.of}). */
public final class TestJobOptions {
    private TestJobOptions() {}

    /**
     * Job options for an end-to-end test: the given topics read from the start by a fresh consumer
     * group, a fresh transactional-id prefix, checkpoints every 500 ms, no metrics endpoint; then
     * {@code overrides} as option/value pairs.
     */
    public static Map<String, String> of(
            String bootstrap,
            String redisUrl,
            String redisPrefix,
            String events,
            String alerts,
            String holds,
            String dlq,
            String... overrides) {
        Map<String, String> options = new HashMap<>();
        options.put("kafka.bootstrap", bootstrap);
        options.put("topic.events", events);
        options.put("topic.alerts", alerts);
        options.put("topic.holds", holds);
        options.put("topic.dlq", dlq);
        options.put("kafka.group-id", "g-" + UUID.randomUUID());
        options.put("kafka.transactional-id-prefix", "tx-" + UUID.randomUUID());
        options.put("kafka.starting-offsets", "EARLIEST");
        options.put("redis.url", redisUrl);
        options.put("redis.prefix", redisPrefix);
        options.put("checkpoint.interval", "PT0.5S");
        options.put("metrics.port", "0");
        for (int i = 0; i < overrides.length; i += 2) {
            options.put(overrides[i], overrides[i + 1]);
        }
        return options;
    }
}
