package dev.fraudmonitor.backtest;

import dev.fraudmonitor.clients.RedisClients;
import dev.fraudmonitor.clients.RedisKeys;
import dev.fraudmonitor.engine.rules.ListKind;
import dev.fraudmonitor.engine.rules.ListSnapshot;
import dev.fraudmonitor.engine.rules.RuleSet;
import dev.fraudmonitor.engine.rules.RuleSetException;
import dev.fraudmonitor.engine.rules.RuleSetParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.RedisClient;

/** Where the backtest's rule sets come from: files, and the set in force in Redis (read only). */
final class RuleSets {
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(5);

    private RuleSets() {}

    /** What is in force in Redis: the rule set's text and the block/allow lists. */
    record InForce(String rulesText, RuleSet rules, ListSnapshot lists) {}

    /** Parses a rules file; {@code option} names the option it came from, for errors. */
    static RuleSet fromFile(String option, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BacktestException(
                    option
                            + " "
                            + file
                            + ": no such file; give a rule set JSON file"
                            + " (see rules/default-rules.json and docs/rules.md)");
        } catch (IOException e) {
            throw new BacktestException(option + " " + file + ": cannot read it: " + e);
        }
        try {
            return RuleSetParser.parse(text);
        } catch (RuleSetException e) {
            throw new BacktestException(
                    option
                            + " "
                            + file
                            + ": not a valid rule set (docs/rules.md explains the format): "
                            + String.join("; ", e.problems()));
        }
    }

    /**
     * Reads the rule set and the lists in force, with the keys the job uses ({@link RedisKeys}).
     * Only GET and SMEMBERS: the backtest never writes to Redis.
     */
    static InForce fromRedis(String url, String prefix) {
        RedisKeys keys = new RedisKeys(prefix);
        String shown = url.replaceAll("//[^/@]*@", "//***@");
        RedisClient redis;
        try {
            redis = RedisClients.create(url, REDIS_TIMEOUT);
        } catch (RuntimeException e) {
            throw new BacktestException(
                    "--redis "
                            + shown
                            + ": not a usable Redis URL ("
                            + e.getMessage()
                            + "); expected redis://[user:password@]host:port[/db] or rediss://…");
        }
        try (redis) {
            String text = redis.get(keys.rules());
            if (text == null) {
                throw new BacktestException(
                        "--redis "
                                + shown
                                + ": there is no rule set at key '"
                                + keys.rules()
                                + "'; check --prefix (default fraud:), or give the baseline with"
                                + " --baseline-rules FILE");
            }
            RuleSet rules;
            try {
                rules = RuleSetParser.parse(text);
            } catch (RuleSetException e) {
                throw new BacktestException(
                        "--redis "
                                + shown
                                + ": the rule set at '"
                                + keys.rules()
                                + "' is invalid: "
                                + String.join("; ", e.problems()));
            }
            Map<ListKind, Set<String>> block = new EnumMap<>(ListKind.class);
            Map<ListKind, Set<String>> allow = new EnumMap<>(ListKind.class);
            for (ListKind kind : ListKind.values()) {
                block.put(kind, redis.smembers(keys.list(true, kind.redisName())));
                allow.put(kind, redis.smembers(keys.list(false, kind.redisName())));
            }
            String v = redis.get(keys.listsVersion());
            long version = 0;
            try {
                version = v == null ? 0 : Long.parseLong(v.trim());
            } catch (NumberFormatException ignored) {
                // The job reads an unparseable version as 0 too.
            }
            return new InForce(text, rules, new ListSnapshot(version, block, allow));
        } catch (BacktestException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BacktestException(
                    "--redis "
                            + shown
                            + ": cannot read the rules in force: "
                            + KafkaClients.rootMessage(e)
                            + "; check the URL, that Redis is up, and its password",
                    e);
        }
    }
}
