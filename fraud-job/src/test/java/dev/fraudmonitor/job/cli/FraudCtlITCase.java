package dev.fraudmonitor.job.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.clients.RedisKeys;
import dev.fraudmonitor.engine.rules.ListKind;
import dev.fraudmonitor.engine.rules.RuleSetParser;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.event.Output;
import dev.fraudmonitor.job.io.RedisHoldSink;
import dev.fraudmonitor.model.Hold;
import dev.fraudmonitor.model.HoldStatus;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.PanGuard;
import dev.fraudmonitor.model.Reason;
import dev.fraudmonitor.testkit.KafkaExtension;
import dev.fraudmonitor.testkit.RedisExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * fraudctl driven the way a user drives it (arguments in; stdout, stderr and the exit code out)
 * against a real redis-server, and a real Kafka broker for the release record. Every command's
 * output is checked for raw card numbers.
 */
class FraudCtlITCase {
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir Path dir;
    private String prefix;
    private RedisKeys keys;
    private RedisClient redis;

    static final String BRUTE_FORCE =
            """
            {"id": "brute-force-account", "version": 1, "kind": "VELOCITY", "weight": 60,
             "description": "{observed} failed logins in {window}; limit {threshold}",
             "groupBy": "USERNAME", "aggregate": "COUNT", "window": "PT10M", "threshold": 5,
             "filter": {"types": ["LOGIN"], "outcome": "FAILURE"}}""";
    static final String ORDERS_PER_CARD =
            """
            {"id": "orders-per-card", "version": 1, "kind": "VELOCITY", "weight": 50,
             "description": "{observed} orders with this card in {window}; limit {threshold}",
             "groupBy": "CARD", "aggregate": "COUNT", "window": "P1D", "threshold": 3,
             "filter": {"types": ["ORDER_PLACED"]}}""";
    static final String BLOCK_IP =
            """
            {"id": "block-ip", "version": 1, "kind": "LIST", "weight": 90,
             "description": "The IP is on the block list", "list": "IP"}""";

    /** What one fraudctl run printed and returned. */
    record Run(int exit, String out, String err) {}

    @BeforeEach
    void freshKeys() {
        prefix = REDIS.newKeyPrefix();
        keys = new RedisKeys(prefix);
        redis = REDIS.client();
    }

    @AfterEach
    void closeClient() {
        redis.close();
    }

    @Test
    void validateAcceptsTheShippedRulesAndNamesTheRuleAndFieldOfEveryProblem() throws Exception {
        Path shipped = defaultRulesFile();
        Run ok = fraudctl("rules", "validate", shipped.toString());
        assertEquals(0, ok.exit(), ok.err());
        int rules = RuleSetParser.parse(Files.readString(shipped)).rules().size();
        long version = RuleSetParser.parse(Files.readString(shipped)).version();
        assertTrue(
                ok.out().contains(": valid, version " + version + ", " + rules + " rules"),
                ok.out());

        Path bad =
                file(
                        "bad.json",
                        ruleSet(
                                2,
                                BRUTE_FORCE.replace("\"PT10M\"", "\"ten minutes\""),
                                ORDERS_PER_CARD.replace("\"threshold\": 3", "\"threshold\": -1"),
                                BLOCK_IP));
        Run rejected = fraudctl("rules", "validate", bad.toString());
        assertEquals(1, rejected.exit());
        assertTrue(
                rejected.err().contains("invalid rule set, nothing was changed"), rejected.err());
        assertTrue(
                rejected.err().contains("rule \"brute-force-account\": window: "), rejected.err());
        assertTrue(rejected.err().contains("ten minutes"), "says what it got: " + rejected.err());
        assertTrue(
                rejected.err().contains("rule \"orders-per-card\": threshold: "), rejected.err());
        assertFalse(rejected.err().contains("block-ip"), "the valid rule is not blamed");

        Run loadBad = fraudctl("rules", "load", bad.toString());
        assertEquals(1, loadBad.exit());
        assertNull(redis.get(keys.rules()), "an invalid file is never loaded");
    }

    @Test
    void loadPutsTheFileInForceOnlyWithAHigherVersion() throws Exception {
        Path v1 = file("v1.json", ruleSet(1, BRUTE_FORCE, BLOCK_IP));
        Path v2 = file("v2.json", ruleSet(2, BRUTE_FORCE));
        Path alsoV2 = file("also-v2.json", ruleSet(2, BLOCK_IP));

        Run first = fraudctl("rules", "load", v1.toString());
        assertEquals(0, first.exit(), first.err());
        assertTrue(
                first.out().contains("rule set version 1 with 2 rules is in force"), first.out());
        assertEquals(Files.readString(v1), redis.get(keys.rules()));

        assertEquals(0, fraudctl("rules", "load", v2.toString()).exit());
        Run sameVersion = fraudctl("rules", "load", alsoV2.toString());
        assertEquals(1, sameVersion.exit());
        assertTrue(
                sameVersion.err().contains("has version 2, but version 2 is in force"),
                sameVersion.err());
        Run older = fraudctl("rules", "load", v1.toString());
        assertEquals(1, older.exit());
        assertTrue(older.err().contains("version 2 is in force"), older.err());
        assertEquals(Files.readString(v2), redis.get(keys.rules()), "refused loads change nothing");

        Run forced = fraudctl("rules", "load", v1.toString(), "--force");
        assertEquals(0, forced.exit(), forced.err());
        assertEquals(Files.readString(v1), redis.get(keys.rules()));
    }

    @Test
    void listShowsTheRuleSetInForce() throws Exception {
        Run none = fraudctl("rules", "list");
        assertEquals(1, none.exit());
        assertTrue(none.err().contains("No rule set at " + keys.rules()), none.err());

        fraudctl("rules", "load", file("v3.json", ruleSet(3, BRUTE_FORCE, BLOCK_IP)).toString());
        Run list = fraudctl("rules", "list");
        assertEquals(0, list.exit(), list.err());
        assertTrue(
                list.out().startsWith("Rule set version 3: review at score 50, hold at 80"),
                list.out());
        List<String> rows = list.out().lines().skip(2).toList();
        assertEquals(2, rows.size(), list.out());
        assertEquals(
                List.of("brute-force-account", "1", "VELOCITY", "ACTIVE", "true", "60"),
                List.of(rows.get(0).trim().split("\\s+")));
        assertEquals(
                List.of("block-ip", "1", "LIST", "ACTIVE", "true", "90"),
                List.of(rows.get(1).trim().split("\\s+")));
    }

    @Test
    void diffShowsAddedRemovedAndChangedRules() throws Exception {
        fraudctl("rules", "load", file("v1.json", ruleSet(1, BRUTE_FORCE, BLOCK_IP)).toString());
        Path next =
                file(
                        "v2.json",
                        ruleSet(
                                2,
                                BRUTE_FORCE.replace("\"weight\": 60", "\"weight\": 70"),
                                ORDERS_PER_CARD));

        Run diff = fraudctl("rules", "diff", next.toString());
        assertEquals(0, diff.exit(), diff.err());
        assertEquals(
                List.of(
                        "~ version: 1 -> 2",
                        "~ rule brute-force-account: weight 60 -> 70",
                        "+ rule orders-per-card",
                        "- rule block-ip"),
                diff.out().lines().toList());
        assertTrue(redis.get(keys.rules()).contains("block-ip"), "diff changes nothing");

        fraudctl("rules", "load", next.toString());
        Run same = fraudctl("rules", "diff", next.toString());
        assertEquals(0, same.exit());
        assertTrue(same.out().startsWith("No differences"), same.out());

        String inForce = Files.readString(next);
        Path longerSessions =
                file(
                        "v2-sessions.json",
                        inForce.replaceFirst("\\{", "{\"sessionTimeout\": \"PT2H\", "));
        assertEquals(
                List.of("~ sessionTimeout: null -> \"PT2H\""),
                fraudctl("rules", "diff", longerSessions.toString()).out().lines().toList(),
                "every setting that loading would change is shown");
    }

    @Test
    void exportRoundTripsWhatWasLoaded() throws Exception {
        Path shipped = defaultRulesFile();
        assertEquals(0, fraudctl("rules", "load", shipped.toString()).exit());

        Run toStdout = fraudctl("rules", "export");
        assertEquals(0, toStdout.exit(), toStdout.err());
        JsonNode loaded = Json.mapper().readTree(Files.readString(shipped));
        assertEquals(loaded, Json.mapper().readTree(toStdout.out()));

        Path exported = dir.resolve("exported.json");
        Run toFile = fraudctl("rules", "export", exported.toString());
        assertEquals(0, toFile.exit(), toFile.err());
        assertEquals(loaded, Json.mapper().readTree(Files.readString(exported)));
        assertEquals(0, fraudctl("rules", "validate", exported.toString()).exit());
        assertTrue(
                fraudctl("rules", "diff", exported.toString()).out().startsWith("No differences"));
    }

    @Test
    void listsAddRemoveAndShowAndBumpTheListsVersion() {
        Run add = fraudctl("lists", "add", "block", "ip", "192.0.2.66", "192.0.2.67", "192.0.2.66");
        assertEquals(0, add.exit(), add.err());
        assertTrue(
                add.out()
                        .startsWith(
                                "Added 2 value(s) to " + keys.list(true, ListKind.IP.redisName())));
        assertEquals(
                Set.of("192.0.2.66", "192.0.2.67"),
                redis.smembers(keys.list(true, ListKind.IP.redisName())));
        assertEquals("1", redis.get(keys.listsVersion()), "tells the job to reload now");

        assertEquals(0, fraudctl("lists", "add", "allow", "email_domain", "example.com").exit());
        Run remove = fraudctl("lists", "remove", "block", "ip", "192.0.2.67");
        assertEquals(0, remove.exit(), remove.err());
        assertEquals(
                Set.of("192.0.2.66"), redis.smembers(keys.list(true, ListKind.IP.redisName())));
        assertEquals("3", redis.get(keys.listsVersion()));

        Run show = fraudctl("lists", "show");
        assertEquals(0, show.exit());
        assertTrue(
                show.out().lines().anyMatch(l -> l.matches(".*list:block:ip\\s+1 entries")),
                show.out());
        assertTrue(
                show.out()
                        .lines()
                        .anyMatch(l -> l.matches(".*list:allow:email_domain\\s+1 entries")),
                show.out());

        Run unknown = fraudctl("lists", "add", "block", "postcode", "SW1A");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown list kind 'postcode'"), unknown.err());
    }

    @Test
    void releaseRecordsWhoWhyAndWhenAndTheJobNeverOverwritesIt() throws Exception {
        String topic = KAFKA.newTopic("holds", 1);
        JobConfig config = JobConfig.of(Map.of("redis.url", REDIS.url(), "redis.prefix", prefix));
        Output held = heldRecord("o-555");
        writeAsTheJobDoes(config, held);

        Run show = fraudctl("holds", "show", "o-555");
        assertEquals(0, show.exit(), show.err());
        assertEquals("HELD", Json.mapper().readTree(show.out()).get("status").asText());

        Run noReason = fraudctl("holds", "release", "o-555", "--by", "rep-7");
        assertEquals(2, noReason.exit(), "a release must say why");
        assertEquals("HELD", hold("o-555").status().name());

        Instant before = Instant.now();
        Run release =
                fraudctl(
                        "holds",
                        "release",
                        "o-555",
                        "--by",
                        "rep-7",
                        "--reason",
                        "customer called, verified",
                        "--kafka",
                        KAFKA.bootstrapServers(),
                        "--topic",
                        topic);
        assertEquals(0, release.exit(), release.err());
        assertEquals("Order o-555 released by rep-7 (customer called, verified)\n", release.out());

        Hold released = hold("o-555");
        assertEquals(HoldStatus.RELEASED, released.status());
        assertEquals("rep-7", released.releasedBy());
        assertEquals("customer called, verified", released.releaseReason());
        assertFalse(released.releasedAt().isBefore(before.minusSeconds(1)));
        assertFalse(released.releasedAt().isAfter(Instant.now()));
        assertEquals("al-1", released.alertId(), "the rest of the record is kept");
        assertTrue(redis.pttl(keys.hold("o-555")) > 0, "the record keeps its retention");
        assertEquals("1", redis.get(keys.holdsReleased()));

        List<ConsumerRecord<byte[], byte[]>> published =
                KAFKA.kafka().readAll(topic, true, 1, Duration.ofSeconds(30));
        assertEquals(1, published.size());
        assertEquals("o-555", new String(published.get(0).key(), StandardCharsets.UTF_8));
        assertEquals(
                "RELEASED",
                Json.mapper().readTree(published.get(0).value()).get("status").asText());

        // A replay of the job after a failure writes the HELD record again: the release stands.
        writeAsTheJobDoes(config, held);
        assertEquals(released, hold("o-555"));

        Run again =
                fraudctl("holds", "release", "o-555", "--by", "rep-8", "--reason", "double click");
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("already released by rep-7"), again.err());
        assertEquals("rep-7", hold("o-555").releasedBy());

        // A rep retrying after Kafka was unreachable gets the same release record sent again.
        Run resend =
                fraudctl(
                        "holds",
                        "release",
                        "o-555",
                        "--by",
                        "rep-7",
                        "--reason",
                        "retry",
                        "--kafka",
                        KAFKA.bootstrapServers(),
                        "--topic",
                        topic);
        assertEquals(0, resend.exit(), resend.err());
        List<ConsumerRecord<byte[], byte[]>> twice =
                KAFKA.kafka().readAll(topic, true, 2, Duration.ofSeconds(30));
        assertEquals(2, twice.size());
        assertArrayEquals(published.get(0).value(), twice.get(1).value());
        assertEquals("1", redis.get(keys.holdsReleased()), "a re-send is not a second release");

        Run missing = fraudctl("holds", "show", "o-404");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("No hold record for order o-404"), missing.err());
    }

    @Test
    void twoRepsReleasingAtOnceCannotBothSucceed() throws Exception {
        JobConfig config = JobConfig.of(Map.of("redis.url", REDIS.url(), "redis.prefix", prefix));
        for (int round = 0; round < 10; round++) {
            String order = "o-race-" + round;
            writeAsTheJobDoes(config, heldRecord(order));
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Run>> runs = new ArrayList<>();
                for (String rep : List.of("rep-a", "rep-b")) {
                    runs.add(
                            pool.submit(
                                    () -> {
                                        go.await();
                                        return fraudctl(
                                                "holds",
                                                "release",
                                                order,
                                                "--by",
                                                rep,
                                                "--reason",
                                                "checked");
                                    }));
                }
                go.countDown();
                int ok = 0;
                for (Future<Run> r : runs) {
                    if (r.get(30, TimeUnit.SECONDS).exit() == 0) ok++;
                }
                assertEquals(1, ok, "exactly one of two simultaneous releases of " + order);
            } finally {
                pool.shutdownNow();
            }
        }
        assertEquals("10", redis.get(keys.holdsReleased()));
    }

    @Test
    void anUnreachableRedisIsNamedWithoutItsPassword() {
        Run down =
                run(
                        "--redis",
                        "redis://:s3cret-pw@127.0.0.1:1",
                        "--prefix",
                        prefix,
                        "rules",
                        "list");
        assertEquals(3, down.exit());
        assertTrue(
                down.err().contains("Cannot reach Redis at redis://***@127.0.0.1:1"), down.err());
        assertFalse(down.err().contains("s3cret-pw"), down.err());
    }

    private Run fraudctl(String... args) {
        List<String> all = new ArrayList<>(List.of("--redis", REDIS.url(), "--prefix", prefix));
        all.addAll(List.of(args));
        return run(all.toArray(new String[0]));
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                new FraudCtl(
                                new PrintStream(out, true, StandardCharsets.UTF_8),
                                new PrintStream(err, true, StandardCharsets.UTF_8))
                        .run(args);
        Run r =
                new Run(
                        exit,
                        out.toString(StandardCharsets.UTF_8),
                        err.toString(StandardCharsets.UTF_8));
        // The file paths fraudctl echoes sit in JUnit's temp dir, whose random number can pass
        // the Luhn check: they are the user's own input, not data the tool let out.
        String printed = (r.out() + "\n" + r.err()).replace(dir.toString(), "TMP");
        assertFalse(PanGuard.containsPan(printed), "card number in " + r);
        return r;
    }

    private Path defaultRulesFile() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/rules/default-rules.json")) {
            Path p = dir.resolve("default-rules.json");
            Files.write(p, in.readAllBytes());
            return p;
        }
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static String ruleSet(int version, String... rules) {
        return "{\"version\": "
                + version
                + ", \"thresholds\": {\"review\": 50, \"hold\": 80}, \"rules\": ["
                + String.join(",", rules)
                + "]}";
    }

    private Hold hold(String orderId) throws IOException {
        return Json.mapper().readValue(redis.get(keys.hold(orderId)), Hold.class);
    }

    private static Output heldRecord(String orderId) throws IOException {
        Hold hold =
                new Hold(
                        orderId,
                        "s-1",
                        "acct-1",
                        "al-1",
                        HoldStatus.HELD,
                        90,
                        List.of(new Reason("block-ip", 1, "The IP is on the block list", "", "")),
                        Instant.parse("2026-03-02T10:00:00Z"),
                        null,
                        null,
                        null,
                        null);
        return new Output(orderId, Json.mapper().writeValueAsBytes(hold), 0);
    }

    /** Through the job's own hold sink, which writes unless the record is already RELEASED. */
    private static void writeAsTheJobDoes(JobConfig config, Output hold) throws Exception {
        try (SinkWriter<Output> writer = new RedisHoldSink(config).createWriter(null)) {
            writer.write(hold, null);
        }
    }
}
