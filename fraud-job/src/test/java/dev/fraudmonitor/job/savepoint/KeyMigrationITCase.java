package dev.fraudmonitor.job.savepoint;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.engine.rules.GroupState;
import dev.fraudmonitor.job.FraudJob;
import dev.fraudmonitor.job.FraudJobITCase;
import dev.fraudmonitor.job.TestJobConfig;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.operators.GroupStage;
import dev.fraudmonitor.job.operators.RulesInForce;
import dev.fraudmonitor.job.operators.StateKeys;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.testkit.FlinkMiniCluster;
import dev.fraudmonitor.testkit.JobRunner;
import dev.fraudmonitor.testkit.KafkaExtension;
import dev.fraudmonitor.testkit.RedisExtension;
import dev.fraudmonitor.testkit.TestEvents;
import dev.fraudmonitor.testkit.TestEvents.Session;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upgrade to 64-bit state keys: a savepoint the last version with string keys took ({@code
 * src/test/resources/savepoints/string-keys}, whose README says how) is rewritten by {@link
 * KeyMigration}, and the job started from the result on RocksDB goes on where that version stopped:
 * a velocity count begun before crosses its limit after, and the alert made before is not repeated.
 */
class KeyMigrationITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    private static final Path FIXTURE = Path.of("src/test/resources/savepoints/string-keys");
    private static final Instant BASE = Instant.parse("2026-11-30T12:00:00Z");

    @TempDir Path dir;

    @Test
    void aSavepointWithStringKeysIsRewrittenAndTheJobGoesOnFromIt() throws Exception {
        String old = fixture();
        String migrated = dir.resolve("migrated").toUri().toString();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        KeyMigration.Result result =
                KeyMigration.migrate(env(), old, migrated, new PrintStream(log, true, UTF_8));
        System.out.print(log.toString(UTF_8));
        assertTrue(log.toString(UTF_8).contains("Wrote " + migrated), "says where it wrote");
        // The fixture's 22 sessions: two with failed logins, twenty with a page view each.
        assertEquals(22L, result.keys().get("session-stage"));
        assertTrue(result.keys().get("decision-stage") >= 1, "the alerted session's cooldown");
        assertTrue(result.keys().get("entity-stage") >= 1, "the alerted session's entities");
        result.collisions().values().forEach(c -> assertEquals(0L, c));

        // The two accounts' counts are under the accounts' new keys, and only there.
        assertEquals(
                Set.of(StateKeys.of("ACCOUNT|acct-alerted"), StateKeys.of("ACCOUNT|acct-carried")),
                groupKeys(migrated));

        Set<String> rulesBefore = rulesInForce(old);
        assertFalse(rulesBefore.isEmpty(), "the fixture holds the rules in force");
        assertEquals(rulesBefore, rulesInForce(migrated), "the rules in force carried over");

        goesOnFrom(migrated);
    }

    @Test
    void aSavepointWithoutStringKeysIsRefusedWithWhatToDo() throws Exception {
        String migrated = dir.resolve("migrated").toUri().toString();
        KeyMigration.migrate(env(), fixture(), migrated, quiet());
        String message = refusal(migrated, dir.resolve("again"));
        assertTrue(message.contains("needs no migration"), message);
        assertFalse(Files.exists(dir.resolve("again").resolve("_metadata")), "nothing written");
    }

    @Test
    void aPathWithoutASavepointIsRefusedWithWhatToDo() {
        String message =
                refusal(dir.resolve("nothing-here").toUri().toString(), dir.resolve("out"));
        assertTrue(message.contains("flink stop"), message);
    }

    /** The message {@link KeyMigration} refuses to migrate {@code from} into {@code to} with. */
    private static String refusal(String from, Path to) {
        return assertThrows(
                        KeyMigration.MigrationException.class,
                        () -> KeyMigration.migrate(env(), from, to.toUri().toString(), quiet()))
                .getMessage();
    }

    private static PrintStream quiet() {
        return new PrintStream(PrintStream.nullOutputStream());
    }

    @Test
    void theLauncherRunsTheMigrationAsItsOwnProcessAndRefusesToOverwrite() throws Exception {
        String old = fixture();
        Path out = dir.resolve("out");
        Run first = run("--from", old, "--to", out.toString());
        assertEquals(0, first.code(), first.toString());
        assertTrue(first.out().contains("session-stage   22 keys"), first.toString());
        assertTrue(Files.exists(out.resolve("_metadata")), "the savepoint is written");

        Run again = run("--from", old, "--to", out.toString());
        assertEquals(1, again.code(), again.toString());
        assertTrue(again.err().contains("already holds a savepoint"), again.toString());

        Run usage = run("--from", old);
        assertEquals(2, usage.code(), usage.toString());
        assertTrue(usage.err().contains("--from and --to are both required"), usage.toString());
    }

    record Run(int code, String out, String err) {}

    /** {@code scripts/migrate-savepoint} as README shows it, from the repository root. */
    private Run run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("scripts/migrate-savepoint"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p =
                new ProcessBuilder(command)
                        .directory(Path.of("").toAbsolutePath().getParent().toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("migrate-savepoint " + String.join(" ", args) + " hung");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Starts the job from {@code savepoint} on a fresh broker holding the fixture's events. */
    private void goesOnFrom(String savepoint) throws Exception {
        for (String topic : List.of("alerts", "holds", "dlq")) {
            KAFKA.kafka().createTopic(topic, 1);
        }
        KAFKA.kafka().createTopic("events", 2);
        REDIS.client().set("fixture:rules", FraudJobITCase.BRUTE_FORCE_ONLY);
        JobConfig config =
                TestJobConfig.of(
                        KAFKA.bootstrapServers(),
                        REDIS.url(),
                        "fixture:",
                        "events",
                        "alerts",
                        "holds",
                        "dlq",
                        "state.backend",
                        "ROCKSDB",
                        "kafka.transactional-id-prefix",
                        "tx-fixture");

        // The events the savepoint's offsets point past, at the same offsets.
        Session alerted = null;
        for (String line : Files.readAllLines(FIXTURE.resolve("events.tsv"), UTF_8)) {
            String[] kv = line.split("\t", 2);
            KAFKA.kafka().send("events", kv[0], kv[1].getBytes(UTF_8));
            JsonNode e = Json.mapper().readTree(kv[1]);
            if ("acct-alerted".equals(e.path("accountId").asText())) {
                alerted =
                        new Session(
                                e.get("sessionId").asText(),
                                "acct-alerted",
                                e.get("ip").asText(),
                                e.get("ipCountry").asText(),
                                e.get("deviceId").asText());
            }
        }
        // Three more failures for acct-carried (six in all, an alert only if its three carried
        // over), in a new session; one more in the alerted session (in cooldown, if that carried).
        Session carriedLater =
                new Session(
                        "s-" + UUID.randomUUID(),
                        "acct-carried",
                        "198.51.100.31",
                        "RO",
                        "d-" + UUID.randomUUID());
        List<CheckoutEvent> after = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            after.add(
                    carriedLater.login(
                            BASE.plusSeconds(120 + i * 5L), "u-carried", LoginOutcome.FAILURE));
        }
        after.add(alerted.login(BASE.plusSeconds(140), "u-alerted", LoginOutcome.FAILURE));
        for (int i = 0; i < 20; i++) {
            after.add(
                    Session.guest("192.0.2." + (i + 1), "US")
                            .pageView(BASE.plusSeconds(200 + i), "/"));
        }

        try (JobRunner jobs = new JobRunner()) {
            Configuration flink = FraudJob.flinkConfiguration(config);
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(flink);
            env.configure(flink);
            FraudJob.define(env, config);
            JobClient job = jobs.startAndAwaitRunning(env, "migrated", Duration.ofSeconds(60));
            for (CheckoutEvent e : after) {
                KAFKA.kafka().send("events", e.sessionId(), TestEvents.encode(e));
            }
            List<ConsumerRecord<byte[], byte[]>> alerts =
                    KAFKA.kafka().readAll("alerts", true, 1, Duration.ofSeconds(90));
            // A few more checkpoints, so a repeated alert would have been committed too.
            Thread.sleep(3000);
            alerts = KAFKA.kafka().readAll("alerts", true, alerts.size(), Duration.ofSeconds(10));
            List<String> accounts = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : alerts) {
                accounts.add(Json.mapper().readTree(r.value()).get("accountId").asText());
            }
            System.out.println("Alerts after the migration: " + accounts);
            assertEquals(List.of("acct-carried"), accounts);
            JsonNode alert = Json.mapper().readTree(alerts.get(0).value());
            assertEquals(carriedLater.sessionId(), alert.get("sessionId").asText());
            assertEquals("6", alert.get("reasons").get(0).get("observed").asText());
            assertTrue(
                    JobRunner.failures(FLINK.getClientConfiguration(), job.getJobID()).isEmpty(),
                    "the job ran without failures");
        }
    }

    /** A copy of the fixture, as a URI: the migration must not write next to it. */
    private String fixture() throws Exception {
        Path copy = dir.resolve("string-keys");
        Files.createDirectories(copy);
        Files.copy(FIXTURE.resolve("_metadata"), copy.resolve("_metadata"));
        return copy.toUri().toString();
    }

    private static StreamExecutionEnvironment env() {
        return StreamExecutionEnvironment.getExecutionEnvironment();
    }

    private static Set<String> rulesInForce(String savepoint) throws Exception {
        return distinct(
                SavepointReader.read(env(), savepoint)
                        .readUnionState(
                                OperatorIdentifier.forUid("session-stage"),
                                RulesInForce.SAVED.getName(),
                                Types.STRING));
    }

    /** The keys holding group-stage state. */
    private static Set<Long> groupKeys(String savepoint) throws Exception {
        return distinct(
                SavepointReader.read(env(), savepoint)
                        .readKeyedState(
                                OperatorIdentifier.forUid("group-stage"),
                                new GroupKeys(),
                                Types.LONG,
                                Types.LONG));
    }

    private static <T> Set<T> distinct(DataStream<T> stream) throws Exception {
        Set<T> out = new HashSet<>();
        try (CloseableIterator<T> it = stream.executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static final class GroupKeys extends KeyedStateReaderFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<GroupState> state;

        @Override
        public void open(OpenContext openContext) {
            state = getRuntimeContext().getState(GroupStage.STATE);
        }

        @Override
        public void readKey(Long key, Context ctx, Collector<Long> out) throws Exception {
            if (state.value() != null) {
                out.collect(key);
            }
        }
    }
}
