package dev.fraudmonitor.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.testkit.EmbeddedKafka;
import dev.fraudmonitor.testkit.EmbeddedRedis;
import dev.fraudmonitor.testkit.FlinkProcessCluster;
import dev.fraudmonitor.testkit.JobRunner;
import dev.fraudmonitor.testkit.KafkaProcess;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import redis.clients.jedis.RedisClient;

/**
 * The failover run behind {@code scripts/failover.sh}: a JobManager and two TaskManagers as
 * separate JVMs on {@code deploy/config.yaml}, a Kafka broker in its own JVM and a redis-server
 * process, all on loopback; the job jar submitted through the REST API; {@link DecisionScenario}'s
 * traffic streamed in while a TaskManager is killed with SIGKILL {@code --kills} times at random
 * moments (a replacement started each time) and the broker is restarted once; then a read_committed
 * consumer must see every alert, hold and dead letter the input implies exactly once, and the Redis
 * hold records must agree. Prints every recovery time and a summary; exits 1 if anything is off.
 */
public final class FailoverRun {
    private FailoverRun() {}

    public static void main(String[] args) throws Exception {
        int kills = 20;
        long seed = System.nanoTime();
        Path config = Path.of("deploy/config.yaml");
        Path jar = Path.of("fraud-job/target/fraud-job-0.1.0-SNAPSHOT-cluster.jar");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kills" -> kills = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--config" -> config = Path.of(args[++i]);
                case "--jar" -> jar = Path.of(args[++i]);
                default -> {
                    System.err.println(
                            "unknown option "
                                    + args[i]
                                    + "; options: --kills N --seed S --config FILE --jar FILE");
                    System.exit(2);
                }
            }
        }
        System.exit(run(kills, seed, config.toAbsolutePath(), jar.toAbsolutePath()) ? 0 : 1);
    }

    static boolean run(int kills, long seed, Path config, Path jar) throws Exception {
        long t0 = System.nanoTime();
        Random random = new Random(seed);
        say("Failover run: %d TaskManager kills, one Kafka broker restart, seed %d", kills, seed);
        int batchCount = 10 * kills + 10;
        DecisionScenario scenario = DecisionScenario.generate(seed, 150 * kills + 300, batchCount);
        // The Flink processes run Flink as a distribution would: without the project's classes
        // and the libraries the job jar carries (two copies of the Kafka client in one task
        // break class loading), so the submitted jar is what runs.
        List<String> carriedByTheJar =
                List.of(
                        "/org/apache/kafka/",
                        "/flink-connector-kafka/",
                        "/redis/clients/",
                        "/com/fasterxml/",
                        "/io/micrometer/",
                        "/embedded-redis/",
                        "/target/");
        String flinkClasspath =
                Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .filter(e -> carriedByTheJar.stream().noneMatch(e::contains))
                        .collect(Collectors.joining(File.pathSeparator));
        try (KafkaProcess broker = KafkaProcess.start(Duration.ofSeconds(120));
                EmbeddedKafka kafka = EmbeddedKafka.connect(broker.bootstrapServers());
                EmbeddedRedis redis = EmbeddedRedis.start();
                FlinkProcessCluster cluster =
                        FlinkProcessCluster.start(
                                2, Duration.ofSeconds(120), config, flinkClasspath)) {
            String events = "checkout.events";
            String alerts = "fraud.alerts";
            String holds = "fraud.holds";
            String dlq = "checkout.events.dlq";
            kafka.createTopic(events, 2);
            kafka.createTopic(alerts, 2);
            kafka.createTopic(holds, 2);
            kafka.createTopic(dlq, 1);
            String prefix = "failover:";
            RedisClient redisClient = redis.client();
            scenario.prepareRedis(redisClient, prefix);
            say(
                    "Kafka broker (own JVM) at %s, Redis %s, Flink REST %s, %d input records in"
                            + " %d batches",
                    broker.bootstrapServers(),
                    redis.url(),
                    cluster.restUrl(),
                    scenario.totalRecords(),
                    batchCount);

            String rest = cluster.restUrl();
            String jobId =
                    submit(
                            rest,
                            jar,
                            List.of(
                                    "--kafka.bootstrap",
                                    broker.bootstrapServers(),
                                    "--redis.url",
                                    redis.url(),
                                    "--redis.prefix",
                                    prefix,
                                    "--kafka.group-id",
                                    "failover-" + UUID.randomUUID(),
                                    "--kafka.transactional-id-prefix",
                                    "failover-" + UUID.randomUUID(),
                                    "--kafka.starting-offsets",
                                    "EARLIEST",
                                    "--parallelism",
                                    "2",
                                    "--metrics.port",
                                    "0"));
            say("Job %s submitted through %s/jars", jobId, rest);
            JobRunner.waitUntil(
                    () -> allTasksRunning(rest, jobId),
                    Duration.ofSeconds(120),
                    "every task of the job running");
            DecisionScenario.awaitNextCheckpoint(rest, jobId, Duration.ofSeconds(120));
            say("Job running on RocksDB with checkpoints (%s)", checkpointSummary(rest, jobId));

            ReentrantLock brokerUp = new ReentrantLock();
            AtomicBoolean killsDone = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            Thread feeder =
                    new Thread(
                            () -> {
                                for (List<DecisionScenario.Input> batch : scenario.batches) {
                                    brokerUp.lock();
                                    try {
                                        DecisionScenario.send(kafka, events, batch);
                                    } finally {
                                        brokerUp.unlock();
                                    }
                                    sent.incrementAndGet();
                                    if (!killsDone.get()) {
                                        DecisionScenario.sleep(1500);
                                    }
                                }
                            },
                            "traffic");
            feeder.start();

            List<Long> recoveries = new ArrayList<>();
            List<Integer> alive = new ArrayList<>(List.of(0, 1));
            int nextIndex = 2;
            int brokerRestartAfter = Math.max(1, kills / 2);
            long brokerRecovery = -1;
            for (int k = 1; k <= kills; k++) {
                DecisionScenario.sleep(1000 + random.nextInt(4000));
                long restoredBefore = restored(rest, jobId);
                int victim = alive.remove(random.nextInt(alive.size()));
                long killedAt = System.nanoTime();
                cluster.killTaskManager(victim);
                cluster.startTaskManager();
                alive.add(nextIndex++);
                JobRunner.waitUntil(
                        () ->
                                restored(rest, jobId) > restoredBefore
                                        && allTasksRunning(rest, jobId),
                        Duration.ofSeconds(180),
                        "the job restored with every task running after kill " + k);
                long ms = (System.nanoTime() - killedAt) / 1_000_000;
                recoveries.add(ms);
                DecisionScenario.awaitNextCheckpoint(rest, jobId, Duration.ofSeconds(120));
                say(
                        "kill %2d/%d: TaskManager %d killed (SIGKILL), running again after %d ms;"
                                + " %d/%d batches sent",
                        k, kills, victim, ms, sent.get(), batchCount);
                if (k == brokerRestartAfter) {
                    brokerUp.lock();
                    try {
                        long stoppedAt = System.nanoTime();
                        broker.stopBroker();
                        DecisionScenario.sleep(2000);
                        broker.startBroker(Duration.ofSeconds(120));
                        long completedBefore = completed(rest, jobId);
                        JobRunner.waitUntil(
                                () ->
                                        allTasksRunning(rest, jobId)
                                                && completed(rest, jobId) > completedBefore,
                                Duration.ofSeconds(180),
                                "a checkpoint after the broker restart");
                        brokerRecovery = (System.nanoTime() - stoppedAt) / 1_000_000;
                        say(
                                "Kafka broker restarted (stopped 2 s): checkpointing again %d ms"
                                        + " after the stop",
                                brokerRecovery);
                    } finally {
                        brokerUp.unlock();
                    }
                }
            }
            killsDone.set(true);
            feeder.join();
            say("All %d batches sent; waiting for every decision to be committed", batchCount);

            DecisionScenario.Committed committed = null;
            String failure = null;
            try {
                scenario.awaitCommittedAndVerify(
                        kafka,
                        alerts,
                        holds,
                        dlq,
                        redisClient,
                        prefix,
                        rest,
                        jobId,
                        () -> true,
                        Duration.ofSeconds(240));
            } catch (AssertionError | RuntimeException e) {
                failure = e.getMessage();
            }
            committed = scenario.readCommitted(kafka, alerts, holds, dlq);
            int alertsExpected = scenario.alerts.size();
            int holdsExpected = scenario.holds.size();
            long alertIds = distinct(committed.alerts(), "alertId");
            long orderIds = distinct(committed.holds(), "orderId");
            long duplicated =
                    (committed.alerts().size() - alertIds) + (committed.holds().size() - orderIds);
            long lost =
                    Math.max(0, alertsExpected - alertIds) + Math.max(0, holdsExpected - orderIds);

            List<Long> sorted = new ArrayList<>(recoveries);
            sorted.sort(null);
            long p50 = sorted.isEmpty() ? 0 : sorted.get((sorted.size() - 1) / 2);
            long max = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1);
            say("");
            say("Recovery times (ms), in kill order: %s", recoveries);
            say(
                    "RESULT: kills %d, recovery p50 %.1f s, max %.1f s; Kafka broker restart %.1f"
                            + " s; %d input records; alerts checked %d/%d, holds checked %d/%d,"
                            + " dead letters %d; lost %d, duplicated %d; Redis hold records %s;"
                            + " took %d s",
                    kills,
                    p50 / 1000.0,
                    max / 1000.0,
                    brokerRecovery / 1000.0,
                    scenario.totalRecords(),
                    committed.alerts().size(),
                    alertsExpected,
                    committed.holds().size(),
                    holdsExpected,
                    committed.deadLetters().size(),
                    lost,
                    duplicated,
                    failure == null ? "agree" : "see below",
                    (System.nanoTime() - t0) / 1_000_000_000);
            if (failure != null) {
                say("FAILED: %s", failure);
                say("Logs: %s, %s", cluster.logDir(), broker.logDir());
                return false;
            }
            say("OK: every alert and hold exactly once, Redis hold records agree");
            return true;
        }
    }

    private static long distinct(List<ConsumerRecord<byte[], byte[]>> records, String field) {
        HashSet<String> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                ids.add(Json.mapper().readTree(r.value()).path(field).asText());
            } catch (java.io.IOException e) {
                ids.add("unreadable-" + r.partition() + "-" + r.offset());
            }
        }
        return ids.size();
    }

    /** Uploads the job jar and runs it: the same two calls as {@code flink run}. */
    static String submit(String rest, Path jar, List<String> programArgs) throws Exception {
        String boundary = "----fraud" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> upload =
                http.send(
                        HttpRequest.newBuilder(URI.create(rest + "/jars/upload"))
                                .timeout(Duration.ofSeconds(120))
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode uploaded = Json.mapper().readTree(upload.body());
        if (!"success".equals(uploaded.path("status").asText())) {
            throw new IllegalStateException("jar upload failed: " + upload.body());
        }
        String jarId = Path.of(uploaded.path("filename").asText()).getFileName().toString();
        String request =
                Json.mapper()
                        .writeValueAsString(
                                Json.mapper()
                                        .createObjectNode()
                                        .put("entryClass", FraudJob.class.getName())
                                        .set(
                                                "programArgsList",
                                                Json.mapper().valueToTree(programArgs)));
        HttpResponse<String> run =
                http.send(
                        HttpRequest.newBuilder(URI.create(rest + "/jars/" + jarId + "/run"))
                                .timeout(Duration.ofSeconds(180))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(request))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode started = Json.mapper().readTree(run.body());
        if (!started.hasNonNull("jobid")) {
            throw new IllegalStateException("job submission failed: " + run.body());
        }
        return started.get("jobid").asText();
    }

    private static long restored(String rest, String jobId) {
        return DecisionScenario.checkpointCounts(rest, jobId).path("restored").asLong();
    }

    private static long completed(String rest, String jobId) {
        return DecisionScenario.checkpointCounts(rest, jobId).path("completed").asLong();
    }

    private static String checkpointSummary(String rest, String jobId) {
        JsonNode c = DecisionScenario.rest(rest, "/jobs/" + jobId + "/checkpoints/config");
        return "mode "
                + c.path("mode").asText()
                + ", interval "
                + c.path("interval").asLong()
                + " ms, backend "
                + c.path("state_backend").asText()
                + ", storage "
                + c.path("checkpoint_storage").asText();
    }

    /** The job is RUNNING and so is every one of its tasks. */
    static boolean allTasksRunning(String rest, String jobId) {
        try {
            JsonNode job = DecisionScenario.rest(rest, "/jobs/" + jobId);
            if (!"RUNNING".equals(job.path("state").asText())) {
                return false;
            }
            for (JsonNode v : job.path("vertices")) {
                if (!"RUNNING".equals(v.path("status").asText())) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
        System.out.flush();
    }
}
