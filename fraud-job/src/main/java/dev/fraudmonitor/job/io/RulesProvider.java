package dev.fraudmonitor.job.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudmonitor.clients.RedisClients;
import dev.fraudmonitor.clients.RedisKeys;
import dev.fraudmonitor.engine.RulesSnapshot;
import dev.fraudmonitor.engine.RulesSource;
import dev.fraudmonitor.engine.rules.ListKind;
import dev.fraudmonitor.engine.rules.ListSnapshot;
import dev.fraudmonitor.engine.rules.RuleSet;
import dev.fraudmonitor.engine.rules.RuleSetException;
import dev.fraudmonitor.engine.rules.RuleSetParser;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import dev.fraudmonitor.model.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * The rule set and lists in force, shared by every operator in a JVM and kept fresh by polling
 * Redis.
 *
 * <p>Operators call {@link #acquire} in {@code open()}: it returns only once a valid rule set is
 * loaded, so no event is scored before the rules are there (broadcast state gives no such
 * ordering). Afterwards a background thread polls Redis; a changed rule set is validated as a whole
 * and either put in force or rejected (the last good set stays). If Redis is unreachable, scoring
 * goes on with the last good set and the metrics say so.
 */
public final class RulesProvider implements RulesSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RulesProvider.class);
    private static final Map<String, RulesProvider> SHARED = new HashMap<>();
    private static final long LIST_REFRESH_MILLIS = 30_000;

    private final String id;
    private final RedisKeys keys;
    private final RedisClient redis;
    private final ScheduledExecutorService poller;
    private final FraudMetrics metrics;
    private volatile RulesSnapshot current;
    private String lastRulesText;

    /** The text of the rule set in force: from Redis, or from a checkpoint during an outage. */
    private volatile String rulesTextInForce;

    private volatile Saved savedCache;
    private String lastRejectedText;
    private String lastListsVersion;
    private long lastListsLoad;
    private boolean redisDown;
    private int refs;

    private RulesProvider(String id, JobConfig config) {
        this.id = id;
        this.keys = new RedisKeys(config.get(JobConfig.REDIS_PREFIX));
        this.metrics = FraudMetrics.get(config);
        this.redis = RedisClients.create(config.redis(), config.get(JobConfig.REDIS_TIMEOUT));
        this.poller =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "rules-poller");
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** The JVM's provider for this Redis and prefix, with a valid rule set loaded. */
    public static RulesProvider acquire(JobConfig config) {
        return acquire(config, List.of());
    }

    /**
     * As {@link #acquire(JobConfig)}; when Redis cannot give a valid rule set at once, the newest
     * of {@code restored} (what {@link #saved()} returned at the checkpoint being restored) is put
     * in force instead of waiting, so a restart during a Redis outage goes on scoring with the last
     * good set.
     */
    public static RulesProvider acquire(JobConfig config, List<String> restored) {
        String id = config.get(JobConfig.REDIS_URL) + "|" + config.get(JobConfig.REDIS_PREFIX);
        RulesProvider p;
        synchronized (SHARED) {
            p = SHARED.get(id);
            if (p == null) {
                p = new RulesProvider(id, config);
                try {
                    p.loadInitial(
                            config.get(JobConfig.RULES_INITIAL_TIMEOUT),
                            config.get(JobConfig.REDIS_URL),
                            restored);
                } catch (RuntimeException e) {
                    p.shutdown();
                    throw e;
                }
                long every = config.get(JobConfig.RULES_POLL_INTERVAL).toMillis();
                RulesProvider self = p;
                p.poller.scheduleWithFixedDelay(
                        self::pollSafely, every, every, TimeUnit.MILLISECONDS);
                SHARED.put(id, p);
            }
            p.refs++;
        }
        return p;
    }

    @Override
    public RulesSnapshot current() {
        return current;
    }

    /**
     * The rule set and lists in force as one JSON text, for operators to keep in their checkpoints;
     * see {@link #acquire(JobConfig, List)}.
     */
    public String saved() {
        RulesSnapshot now = current;
        Saved s = savedCache;
        if (s == null || s.of != now) {
            savedCache = s = new Saved(now, save(now));
        }
        return s.json;
    }

    private record Saved(RulesSnapshot of, String json) {}

    private String save(RulesSnapshot snapshot) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("rules", rulesTextInForce);
        root.put("listsVersion", snapshot.lists().version());
        ObjectNode block = root.putObject("block");
        ObjectNode allow = root.putObject("allow");
        for (ListKind kind : ListKind.values()) {
            snapshot.lists().blockList(kind).forEach(block.withArray(kind.name())::add);
            snapshot.lists().allowList(kind).forEach(allow.withArray(kind.name())::add);
        }
        return root.toString();
    }

    /** The newest valid rule set among saved texts, with its lists; null when there is none. */
    private RulesSnapshot newestSaved(List<String> saved) {
        RulesSnapshot best = null;
        String bestText = null;
        for (String json : saved) {
            try {
                JsonNode root = Json.mapper().readTree(json);
                String text = root.path("rules").asText();
                RuleSet rules = RuleSetParser.parse(text);
                if (best != null && best.rules().version() >= rules.version()) {
                    continue;
                }
                Map<ListKind, Set<String>> block = new EnumMap<>(ListKind.class);
                Map<ListKind, Set<String>> allow = new EnumMap<>(ListKind.class);
                for (ListKind kind : ListKind.values()) {
                    block.put(kind, strings(root.path("block").path(kind.name())));
                    allow.put(kind, strings(root.path("allow").path(kind.name())));
                }
                best =
                        new RulesSnapshot(
                                rules,
                                new ListSnapshot(root.path("listsVersion").asLong(), block, allow));
                bestText = text;
            } catch (IOException | RuleSetException | RuntimeException e) {
                LOG.warn(
                        "Ignoring a rule set saved in the checkpoint that cannot be read: {}",
                        e.toString());
            }
        }
        if (best != null) {
            rulesTextInForce = bestText;
        }
        return best;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new HashSet<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    @Override
    public void close() {
        synchronized (SHARED) {
            if (--refs > 0) {
                return;
            }
            SHARED.remove(id);
        }
        shutdown();
    }

    private void shutdown() {
        poller.shutdownNow();
        redis.close();
    }

    private void loadInitial(Duration timeout, String url, List<String> restored) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        String problem = "not tried";
        while (true) {
            try {
                String text = redis.get(keys.rules());
                if (text == null) {
                    problem = "there is no rule set at key '" + keys.rules() + "'";
                } else {
                    try {
                        RuleSet rules = RuleSetParser.parse(text);
                        ListSnapshot lists = loadLists();
                        lastRulesText = text;
                        rulesTextInForce = text;
                        current = new RulesSnapshot(rules, lists);
                        metrics.rulesLoaded(rules.version(), lists.version());
                        metrics.redisOk();
                        LOG.info(
                                "Rule set version {} in force ({} rules); lists version {}",
                                rules.version(),
                                rules.rules().size(),
                                lists.version());
                        return;
                    } catch (RuleSetException e) {
                        problem =
                                "the rule set at key '"
                                        + keys.rules()
                                        + "' is invalid: "
                                        + e.getMessage();
                    }
                }
            } catch (RuntimeException e) {
                problem =
                        "Redis at "
                                + url.replaceAll("//[^/@]*@", "//***@")
                                + " is unreachable: "
                                + e.getMessage();
            }
            RulesSnapshot saved = restored.isEmpty() ? null : newestSaved(restored);
            if (saved != null) {
                current = saved;
                redisDown = true;
                metrics.rulesLoaded(saved.rules().version(), saved.lists().version());
                metrics.redisError("rules");
                LOG.warn(
                        "No rule set from Redis ({}); scoring with version {} and lists version {}"
                                + " from the checkpoint until Redis answers",
                        problem,
                        saved.rules().version(),
                        saved.lists().version());
                return;
            }
            if (System.currentTimeMillis() >= deadline) {
                throw new IllegalStateException(
                        "No valid rule set to score with: "
                                + problem
                                + ". Load one with `rules load rules/default-rules.json` (see README), then restart the job.");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the rule set", e);
            }
        }
    }

    private void pollSafely() {
        try {
            poll();
            if (redisDown) {
                redisDown = false;
                LOG.info("Redis is reachable again; rule reload resumed");
            }
            metrics.redisOk();
        } catch (RuntimeException e) {
            metrics.redisError("rules");
            metrics.ruleReloadFailure("unreachable");
            if (!redisDown) {
                redisDown = true;
                LOG.warn(
                        "Redis unreachable ({}); scoring goes on with rule set version {}",
                        e.toString(),
                        current.rules().version());
            }
        }
    }

    private void poll() {
        String text = redis.get(keys.rules());
        if (text == null) {
            if (lastRejectedText != null || lastRulesText != null) {
                // Deleting the key is not a way to switch rules off; keep the last good set.
                if (!"".equals(lastRejectedText)) {
                    LOG.error(
                            "Rule set key '{}' was deleted; keeping version {} in force",
                            keys.rules(),
                            current.rules().version());
                    metrics.ruleReloadFailure("missing");
                    lastRejectedText = "";
                }
            }
        } else if (!text.equals(lastRulesText) && !text.equals(lastRejectedText)) {
            try {
                RuleSet rules = RuleSetParser.parse(text);
                lastRulesText = text;
                rulesTextInForce = text;
                lastRejectedText = null;
                current = new RulesSnapshot(rules, current.lists());
                metrics.rulesLoaded(rules.version(), current.lists().version());
                LOG.info(
                        "Rule set version {} in force ({} rules)",
                        rules.version(),
                        rules.rules().size());
            } catch (RuleSetException e) {
                lastRejectedText = text;
                metrics.ruleReloadFailure("invalid");
                LOG.error(
                        "Rejected the new rule set at '{}'; version {} stays in force. Problems: {}",
                        keys.rules(),
                        current.rules().version(),
                        e.getMessage());
            }
        }
        // Releases are made by reps through the holds CLI, which counts them in Redis; the job
        // only reports the count, so dashboards can set releases beside the holds it placed.
        String released = redis.get(keys.holdsReleased());
        metrics.holdsReleased(released == null ? 0 : parseLongOr(released, 0));
        String listsVersion = redis.get(keys.listsVersion());
        long now = System.currentTimeMillis();
        if (!java.util.Objects.equals(listsVersion, lastListsVersion)
                || now - lastListsLoad >= LIST_REFRESH_MILLIS) {
            ListSnapshot lists = loadLists();
            current = new RulesSnapshot(current.rules(), lists);
            metrics.rulesLoaded(current.rules().version(), lists.version());
        }
    }

    private ListSnapshot loadLists() {
        String v = redis.get(keys.listsVersion());
        Map<ListKind, Set<String>> block = new EnumMap<>(ListKind.class);
        Map<ListKind, Set<String>> allow = new EnumMap<>(ListKind.class);
        for (ListKind kind : ListKind.values()) {
            block.put(kind, Set.copyOf(redis.smembers(keys.list(true, kind.redisName()))));
            allow.put(kind, Set.copyOf(redis.smembers(keys.list(false, kind.redisName()))));
        }
        lastListsVersion = v;
        lastListsLoad = System.currentTimeMillis();
        long version = v == null ? 0 : parseLongOr(v, 0);
        return new ListSnapshot(version, block, allow);
    }

    private static long parseLongOr(String s, long fallback) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
