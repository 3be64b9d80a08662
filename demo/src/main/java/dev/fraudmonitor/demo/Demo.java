package dev.fraudmonitor.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.job.FraudJob;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.Alert;
import dev.fraudmonitor.model.Hold;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.Reason;
import dev.fraudmonitor.testkit.EmbeddedKafka;
import dev.fraudmonitor.testkit.EmbeddedRedis;
import dev.fraudmonitor.testkit.FlinkMiniCluster;
import dev.fraudmonitor.testkit.JobRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * The whole product on one machine: a real Kafka broker and Redis on loopback (or the ones given),
 * the default rule set and the simulator's block lists loaded into Redis, the fraud job in a Flink
 * MiniCluster, the {@link CheckoutSimulator} producing checkout traffic, and a live view of what
 * the job decides.
 *
 * <p>{@link #start()} brings everything up; {@link #close()} (also on Ctrl-C) takes it all down
 * again: simulator, job, MiniCluster, Kafka, Redis and their temp directories.
 */
public final class Demo implements AutoCloseable {

    /** Everything the demo can be told; {@link #defaults()} is what {@code main} starts from. */
    public record Settings(
            double rate,
            Duration duration,
            double attackRatio,
            long seed,
            String bootstrap,
            String redisUrl,
            Path rulesFile,
            String prefix,
            Duration checkpointInterval,
            int metricsPort,
            String eventsTopic,
            String alertsTopic,
            String holdsTopic,
            String dlqTopic) {

        public static Settings defaults() {
            return new Settings(
                    40,
                    null,
                    0.1,
                    42,
                    null,
                    null,
                    null,
                    "fraud:",
                    Duration.ofSeconds(2),
                    9249,
                    "checkout.events",
                    "fraud.alerts",
                    "fraud.holds",
                    "checkout.events.dlq");
        }

        public Settings withTraffic(double rate, Duration duration, double attackRatio, long seed) {
            return new Settings(
                    rate,
                    duration,
                    attackRatio,
                    seed,
                    bootstrap,
                    redisUrl,
                    rulesFile,
                    prefix,
                    checkpointInterval,
                    metricsPort,
                    eventsTopic,
                    alertsTopic,
                    holdsTopic,
                    dlqTopic);
        }

        public Settings withInfra(
                String bootstrap, String redisUrl, Path rulesFile, int metricsPort) {
            return new Settings(
                    rate,
                    duration,
                    attackRatio,
                    seed,
                    bootstrap,
                    redisUrl,
                    rulesFile,
                    prefix,
                    checkpointInterval,
                    metricsPort,
                    eventsTopic,
                    alertsTopic,
                    holdsTopic,
                    dlqTopic);
        }
    }

    /** An alert as the demo saw it, with the typology of the session it was raised for. */
    public record SeenAlert(Alert alert, Typology typology) {}

    static final String RULES_RESOURCE = "rules/default-rules.json";
    static final int EVENT_PARTITIONS = 4;
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final Settings settings;
    private final PrintStream out;
    private final SessionRegistry registry = new SessionRegistry();
    private final CheckoutSimulator simulator;
    private final List<SeenAlert> alerts = new CopyOnWriteArrayList<>();
    private final List<Hold> holds = new CopyOnWriteArrayList<>();
    private final AtomicLong deadLetters = new AtomicLong();

    private EmbeddedKafka kafka;
    private EmbeddedRedis embeddedRedis;
    private RedisClient redis;
    private String bootstrap;
    private String redisUrl;
    private int metricsPort;
    private FlinkMiniCluster flink;
    private JobClient job;
    private KafkaEventSink sink;
    private Thread simulatorThread;
    private volatile Throwable simulatorFailure;
    private Thread watcherThread;
    private volatile KafkaConsumer<byte[], byte[]> watcher;
    private volatile boolean closing;
    private ScheduledExecutorService ticker;
    private long lastSent;
    private long startedAt;
    private boolean closed;
    private DemoConsole console;

    /** Submits the job given its configuration keys; returns null if there is no job to run. */
    interface JobStarter {
        JobClient start(Map<String, String> jobConfig);
    }

    private final JobStarter jobStarter;

    public Demo(Settings settings, PrintStream out) {
        this(settings, out, Demo::submitJob);
    }

    /** Submits the fraud job to the current context environment: the demo's MiniCluster. */
    static JobClient submitJob(Map<String, String> overrides) {
        Map<String, String> conf = new HashMap<>(overrides);
        conf.putIfAbsent("parallelism", Integer.toString(FlinkMiniCluster.PARALLELISM));
        JobConfig config = JobConfig.of(conf);
        try {
            return FraudJob.start(
                    StreamExecutionEnvironment.getExecutionEnvironment(
                            FraudJob.flinkConfiguration(config)),
                    config);
        } catch (Exception e) {
            throw new IllegalStateException("cannot submit the fraud job: " + e, e);
        }
    }

    Demo(Settings settings, PrintStream out, JobStarter jobStarter) {
        this.settings = settings;
        this.out = out;
        this.jobStarter = jobStarter;
        this.simulator =
                new CheckoutSimulator(
                        new CheckoutSimulator.Settings(
                                settings.rate(),
                                settings.duration(),
                                settings.attackRatio(),
                                settings.seed(),
                                true),
                        registry);
    }

    // ---------------------------------------------------------------- lifecycle

    /** Starts Kafka, Redis, rules, the job and the simulator; returns once traffic flows. */
    public synchronized void start() {
        startedAt = System.nanoTime();
        say("Checkout fraud monitor demo: starting real Kafka, Redis and a Flink MiniCluster...");
        startKafka();
        startRedis();
        loadRulesAndLists();
        metricsPort = settings.metricsPort() > 0 ? freePortOr(settings.metricsPort()) : freePort();
        startJob();
        startWatcher();
        startConsole();
        say("");
        say("  Kafka      " + bootstrap + (kafka != null ? "  (embedded KRaft broker)" : ""));
        say(
                "  Redis      "
                        + redisUrl
                        + (embeddedRedis != null && !embeddedRedis.isExternal()
                                ? "  (embedded redis-server)"
                                : ""));
        say(
                "  topics     in "
                        + settings.eventsTopic()
                        + " -> out "
                        + settings.alertsTopic()
                        + ", "
                        + settings.holdsTopic()
                        + ", "
                        + settings.dlqTopic());
        say(
                "  rules      "
                        + settings.prefix()
                        + "rules (version "
                        + ruleSetVersion()
                        + "), block lists "
                        + settings.prefix()
                        + "list:block:*");
        say("  metrics    http://localhost:" + metricsPort + "/metrics");
        say(
                "  console    "
                        + console.url()
                        + "  (user "
                        + DemoConsole.USER
                        + ", password "
                        + console.password()
                        + ")");
        say("  console scrape target 127.0.0.1:" + console.metricsPort() + " (/metrics)");
        say(
                "  traffic    "
                        + fmt(settings.rate())
                        + " events/s, attack ratio "
                        + fmt(settings.attackRatio())
                        + ", seed "
                        + settings.seed()
                        + (settings.duration() == null
                                ? ", until Ctrl-C"
                                : ", for " + human(settings.duration())));
        say("");
        startSimulator();
        ticker =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "demo-status");
                            t.setDaemon(true);
                            return t;
                        });
        ticker.scheduleAtFixedRate(this::printStatus, 2, 2, TimeUnit.SECONDS);
    }

    private void startKafka() {
        if (settings.bootstrap() != null) {
            bootstrap = settings.bootstrap();
        } else {
            kafka = EmbeddedKafka.start();
            bootstrap = kafka.bootstrapServers();
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            createTopic(admin, settings.eventsTopic(), EVENT_PARTITIONS);
            createTopic(admin, settings.alertsTopic(), 2);
            createTopic(admin, settings.holdsTopic(), 2);
            createTopic(admin, settings.dlqTopic(), 1);
            createTopic(admin, LABELS_TOPIC, 1);
        }
    }

    private void createTopic(Admin admin, String name, int partitions) {
        if (kafka != null) {
            kafka.createTopic(name, partitions);
            return;
        }
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) -1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "cannot create topic " + name + " on " + bootstrap, e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + " on " + bootstrap, e);
        }
    }

    /** Reps' decisions in the care console go here. */
    static final String LABELS_TOPIC = "fraud.labels";

    /** The care console on embedded PostgreSQL, reading the job's alerts and holds. */
    private void startConsole() {
        try {
            console =
                    DemoConsole.start(
                            bootstrap,
                            redisUrl,
                            settings.prefix(),
                            settings.alertsTopic(),
                            settings.holdsTopic(),
                            LABELS_TOPIC,
                            freePortOr(8480),
                            freePortOr(9480));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot start the care console", e);
        }
    }

    private void startRedis() {
        String host;
        int port;
        if (settings.redisUrl() != null) {
            URI u = URI.create(settings.redisUrl());
            host = u.getHost();
            port = u.getPort() > 0 ? u.getPort() : 6379;
        } else {
            embeddedRedis = EmbeddedRedis.start();
            host = embeddedRedis.host();
            port = embeddedRedis.port();
        }
        redisUrl = "redis://" + host + ":" + port;
        redis =
                RedisClient.builder()
                        .hostAndPort(host, port)
                        .clientConfig(
                                DefaultJedisClientConfig.builder()
                                        .connectionTimeoutMillis(2000)
                                        .socketTimeoutMillis(2000)
                                        .build())
                        .build();
        redis.ping();
    }

    /** The rule set ({@code <prefix>rules}) and the simulator's block-listed values. */
    private void loadRulesAndLists() {
        String rules = readRules(settings.rulesFile());
        String prefix = settings.prefix();
        redis.set(prefix + "rules", rules);
        for (Map.Entry<String, List<String>> e : simulator.blockList().byKind().entrySet()) {
            String key = prefix + "list:block:" + e.getKey();
            redis.sadd(key, e.getValue().toArray(String[]::new));
        }
        redis.incr(prefix + "lists:version");
    }

    static String readRules(Path file) {
        try {
            if (file != null) {
                return Files.readString(file, StandardCharsets.UTF_8);
            }
            try (InputStream in = Demo.class.getClassLoader().getResourceAsStream(RULES_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(
                            "no "
                                    + RULES_RESOURCE
                                    + " on the classpath (fraud-job ships it); give --rules FILE");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rule set " + file, e);
        }
    }

    private void startJob() {
        flink = FlinkMiniCluster.start();
        Map<String, String> conf = new HashMap<>();
        conf.put("kafka.bootstrap", bootstrap);
        conf.put("topic.events", settings.eventsTopic());
        conf.put("topic.alerts", settings.alertsTopic());
        conf.put("topic.holds", settings.holdsTopic());
        conf.put("topic.dlq", settings.dlqTopic());
        conf.put("redis.url", redisUrl);
        conf.put("redis.prefix", settings.prefix());
        conf.put("checkpoint.interval", settings.checkpointInterval().toMillis() + " ms");
        // Read the topic from the start, so nothing the simulator sends before the source is
        // assigned its partitions is missed (the demo's topic is fresh).
        conf.put("kafka.starting-offsets", "earliest");
        conf.put("metrics.port", Integer.toString(metricsPort));
        job = jobStarter.start(conf);
        if (job != null) {
            JobRunner.awaitRunning(job, Duration.ofSeconds(60));
        }
    }

    private void startSimulator() {
        sink = new KafkaEventSink(bootstrap, settings.eventsTopic());
        simulatorThread =
                new Thread(
                        () -> {
                            try {
                                simulator.run(sink);
                                sink.flush();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } catch (Throwable t) {
                                simulatorFailure = t;
                                say("simulator stopped: " + t);
                            }
                        },
                        "checkout-simulator");
        simulatorThread.start();
    }

    /** Reads alerts, holds and dead letters as a checkout team would: read_committed. */
    private void startWatcher() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "demo-live-view");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
        List<TopicPartition> parts = new ArrayList<>();
        for (String t :
                List.of(settings.alertsTopic(), settings.holdsTopic(), settings.dlqTopic())) {
            c.partitionsFor(t, Duration.ofSeconds(30))
                    .forEach(pi -> parts.add(new TopicPartition(t, pi.partition())));
        }
        c.assign(parts);
        if (kafka != null) {
            c.seekToBeginning(parts);
        } else {
            c.seekToEnd(parts); // an external cluster may hold earlier runs' output
        }
        watcher = c;
        watcherThread =
                new Thread(
                        () -> {
                            try {
                                while (!closing) {
                                    for (ConsumerRecord<byte[], byte[]> r :
                                            c.poll(Duration.ofMillis(200))) {
                                        onOutput(r);
                                    }
                                }
                            } catch (WakeupException e) {
                                // closing
                            } catch (Throwable t) {
                                if (!closing) {
                                    say("live view stopped reading Kafka: " + t);
                                }
                            } finally {
                                c.close(Duration.ofSeconds(2));
                            }
                        },
                        "demo-live-view");
        watcherThread.setDaemon(true);
        watcherThread.start();
    }

    private void onOutput(ConsumerRecord<byte[], byte[]> r) {
        try {
            if (r.topic().equals(settings.alertsTopic())) {
                Alert a = Json.mapper().readValue(r.value(), Alert.class);
                Typology t = registry.typologyOf(a.sessionId(), a.accountId());
                alerts.add(new SeenAlert(a, t));
                printAlert(a, t);
            } else if (r.topic().equals(settings.holdsTopic())) {
                holds.add(Json.mapper().readValue(r.value(), Hold.class));
            } else {
                deadLetters.incrementAndGet();
            }
        } catch (IOException e) {
            say("unreadable record on " + r.topic() + "@" + r.offset() + ": " + e.getMessage());
        }
    }

    /** Waits until the simulator has sent its last event (a run with a duration). */
    public boolean awaitSimulation(Duration timeout) throws InterruptedException {
        simulatorThread.join(timeout.toMillis());
        return !simulatorThread.isAlive();
    }

    /**
     * Waits for the job to publish what it decided on the last events: with exactly-once sinks
     * output becomes visible when a checkpoint completes.
     */
    public void drain() throws InterruptedException {
        Thread.sleep(settings.checkpointInterval().toMillis() * 3 + 3_000);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        say("");
        say("Shutting down: simulator, job, MiniCluster, Kafka, Redis...");
        quietly(
                "simulator",
                () -> {
                    simulator.stop();
                    if (simulatorThread != null) {
                        simulatorThread.join(10_000);
                    }
                });
        quietly(
                "event producer",
                () -> {
                    if (sink != null) sink.close();
                });
        quietly(
                "status line",
                () -> {
                    if (ticker != null) ticker.shutdownNow();
                });
        quietly(
                "care console",
                () -> {
                    if (console != null) console.close();
                });
        quietly(
                "job",
                () -> {
                    if (job != null) JobRunner.cancel(job, Duration.ofSeconds(10));
                });
        quietly(
                "Flink MiniCluster",
                () -> {
                    if (flink != null) flink.close();
                });
        // The job's /metrics server belongs to the JVM, not to the MiniCluster: free its port too.
        quietly("metrics endpoint", () -> FraudMetrics.get().close());
        quietly(
                "live view",
                () -> {
                    KafkaConsumer<byte[], byte[]> w = watcher;
                    if (w != null) w.wakeup();
                    if (watcherThread != null) watcherThread.join(5_000);
                });
        quietly("Flink RPC jar", this::deleteFlinkRpcJars);
        quietly(
                "Redis client",
                () -> {
                    if (redis != null) redis.close();
                });
        quietly(
                "Kafka",
                () -> {
                    if (kafka != null) kafka.close();
                });
        quietly(
                "Redis",
                () -> {
                    if (embeddedRedis != null) embeddedRedis.close();
                });
        printSummary();
    }

    /**
     * Flink extracts its RPC system (flink-rpc-akka*.jar) into java.io.tmpdir and leaves it there
     * after the MiniCluster has stopped, as it does its web upload directory; remove the ones this
     * demo created.
     */
    private void deleteFlinkRpcJars() throws IOException {
        for (String name : flinkRpcJars()) {
            if (!rpcJarsBefore.contains(name)) {
                Path p = TMP.resolve(name);
                if (Files.isDirectory(p)) {
                    try (var walk = Files.walk(p)) {
                        for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(q);
                        }
                    }
                } else {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));
    private final Set<String> rpcJarsBefore = flinkRpcJars();

    private static Set<String> flinkRpcJars() {
        try (var s = Files.list(TMP)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(
                            n ->
                                    (n.startsWith("flink-rpc-") && n.endsWith(".jar"))
                                            || n.equals("flink-web-upload"))
                    .collect(java.util.stream.Collectors.toSet());
        } catch (IOException e) {
            return Set.of();
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private void quietly(String what, Step step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            say("interrupted stopping " + what);
        } catch (Throwable t) {
            say("could not stop " + what + " cleanly: " + t);
        }
    }

    // ---------------------------------------------------------------- live view

    private void printStatus() {
        try {
            long sent = simulator.eventsSent();
            double perSecond = (sent - lastSent) / 2.0;
            lastSent = sent;
            say(
                    String.format(
                            Locale.ROOT,
                            "%s  sent %,d events (%.0f/s)  sessions %,d  |  alerts %d  holds %d  dead"
                                    + " letters %d  |  rule set v%s",
                            CLOCK.format(java.time.Instant.now()),
                            sent,
                            perSecond,
                            registry.size(),
                            alerts.size(),
                            holds.size(),
                            deadLetters.get(),
                            ruleSetVersion()));
        } catch (Throwable t) {
            say("status: " + t);
        }
    }

    private void printAlert(Alert a, Typology t) {
        StringBuilder b = new StringBuilder();
        String label =
                t == null
                        ? "not simulated"
                        : t.isAttack()
                                ? "simulated " + t
                                : "simulated " + t + "  << FALSE POSITIVE: this one is benign";
        b.append(
                String.format(
                        Locale.ROOT,
                        "%s  ALERT %-6s score %3d   %s%n",
                        CLOCK.format(
                                a.createdAt() == null ? java.time.Instant.now() : a.createdAt()),
                        a.action(),
                        a.score(),
                        label));
        b.append("          session ").append(a.sessionId());
        b.append("   account ").append(a.accountId() == null ? "(guest)" : a.accountId());
        if (a.orderId() != null) {
            b.append("   order ").append(a.orderId());
            if (a.action() == Action.HOLD) b.append(" (held)");
        }
        b.append('\n');
        for (Reason r : a.reasons()) {
            b.append("          - ")
                    .append(r.text())
                    .append("  [")
                    .append(r.ruleId())
                    .append("]\n");
        }
        if (a.change() != null) {
            b.append("          (").append(a.change()).append(")\n");
        }
        synchronized (out) {
            out.print(b);
            out.flush();
        }
    }

    private void printSummary() {
        Map<Typology, Long> sessions = simulator.sessionCounts();
        Map<Typology, Integer> alerted = alertedSessionsByTypology();
        say("");
        say(
                String.format(
                        Locale.ROOT, "%-20s %9s %16s", "typology", "sessions", "alerted sessions"));
        for (Typology t : Typology.values()) {
            say(
                    String.format(
                            Locale.ROOT,
                            "%-20s %9d %16d%s",
                            t,
                            sessions.getOrDefault(t, 0L),
                            alerted.getOrDefault(t, 0),
                            t.isAttack()
                                    ? ""
                                    : alerted.getOrDefault(t, 0) > 0
                                            ? "   << benign, should be 0"
                                            : ""));
        }
        say(
                String.format(
                        Locale.ROOT,
                        "events sent %,d, alerts %d, holds %d, dead letters %d",
                        simulator.eventsSent(),
                        alerts.size(),
                        holds.size(),
                        deadLetters.get()));
    }

    /** Distinct alerted sessions per simulated typology. */
    public Map<Typology, Integer> alertedSessionsByTypology() {
        Map<Typology, Set<String>> s = new EnumMap<>(Typology.class);
        for (SeenAlert a : alerts) {
            if (a.typology() != null) {
                s.computeIfAbsent(a.typology(), k -> new java.util.HashSet<>())
                        .add(a.alert().sessionId());
            }
        }
        Map<Typology, Integer> m = new EnumMap<>(Typology.class);
        s.forEach((t, ids) -> m.put(t, ids.size()));
        return m;
    }

    private String ruleSetVersion() {
        try {
            String json = redis.get(settings.prefix() + "rules");
            if (json == null) {
                return "? (no rule set)";
            }
            JsonNode v = Json.mapper().readTree(json).get("version");
            return v == null ? "?" : v.asText();
        } catch (Exception e) {
            return "? (" + e.getClass().getSimpleName() + ")";
        }
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    // ---------------------------------------------------------------- accessors (tests)

    public SessionRegistry registry() {
        return registry;
    }

    public CheckoutSimulator simulator() {
        return simulator;
    }

    public List<SeenAlert> alerts() {
        return List.copyOf(alerts);
    }

    public List<Hold> holds() {
        return List.copyOf(holds);
    }

    public long deadLetters() {
        return deadLetters.get();
    }

    /** Events the Kafka broker acknowledged. */
    public long eventsAcknowledged() {
        return sink == null ? 0 : sink.acknowledged();
    }

    public Throwable simulatorFailure() {
        return simulatorFailure;
    }

    public int metricsPort() {
        return metricsPort;
    }

    public String bootstrap() {
        return bootstrap;
    }

    public String redisUrl() {
        return redisUrl;
    }

    // ---------------------------------------------------------------- command line

    static final Set<String> DEMO_OPTIONS =
            Set.of(
                    "rate",
                    "duration",
                    "attack-ratio",
                    "seed",
                    "bootstrap",
                    "redis",
                    "rules",
                    "metrics-port",
                    "help");

    static final String USAGE =
            String.join(
                    "\n",
                    "usage: Demo [options]   (scripts/demo.sh [options])",
                    "  --rate N            simulated events per second (default 40)",
                    "  --duration D        stop by itself after D: 90s, 5m, PT2M (default: until"
                            + " Ctrl-C)",
                    "  --attack-ratio R    fraction of sessions that are attacks, 0..1 (default"
                            + " 0.1)",
                    "  --seed N            simulator seed (default 42)",
                    "  --bootstrap H:P     use this Kafka instead of starting one",
                    "  --redis URL         use this Redis (redis://host:port) instead of starting"
                            + " one",
                    "  --rules FILE        rule set JSON (default: rules/default-rules.json on the"
                            + " classpath)",
                    "  --metrics-port N    Prometheus endpoint port (default 9249, or a free one if"
                            + " taken)");

    public static void main(String[] rawArgs) throws Exception {
        String[] args = splitArgs(rawArgs);
        Settings s;
        try {
            Options o = Options.parse(args, DEMO_OPTIONS);
            if (o.has("help")) {
                System.out.println(USAGE);
                return;
            }
            Settings d = Settings.defaults();
            Path rules = o.has("rules") ? Path.of(o.string("rules", null)) : null;
            if (rules != null && !Files.isReadable(rules)) {
                throw new IllegalArgumentException(
                        "--rules: expected a readable rule set JSON file, got '" + rules + "'");
            }
            long port = o.longValue("metrics-port", d.metricsPort());
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(
                        "--metrics-port: expected a port number 1..65535, got '" + port + "'");
            }
            s =
                    d.withTraffic(
                                    o.positiveDouble("rate", d.rate()),
                                    o.duration("duration", null),
                                    o.ratio("attack-ratio", d.attackRatio()),
                                    o.longValue("seed", d.seed()))
                            .withInfra(
                                    o.has("bootstrap") ? o.hostPort("bootstrap") : null,
                                    o.has("redis") ? o.redisUrl("redis") : null,
                                    rules,
                                    (int) port);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Demo demo = new Demo(s, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "demo-shutdown"));
        try {
            demo.start();
            if (s.duration() != null) {
                demo.awaitSimulation(s.duration().plusMinutes(2));
                demo.drain();
            } else {
                Thread.currentThread().join(); // until Ctrl-C
            }
        } catch (Throwable t) {
            System.err.println("demo failed: " + t);
            demo.close();
            System.exit(1);
        }
        demo.close();
        System.exit(0);
    }

    /** Maven passes {@code ${demo.args}} as one argument; split it on whitespace. */
    static String[] splitArgs(String[] args) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            for (String part : a.trim().split("\\s+")) {
                if (!part.isEmpty()) out.add(part);
            }
        }
        return out.toArray(String[]::new);
    }

    // ---------------------------------------------------------------- small helpers

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePortOr(int preferred) {
        try (ServerSocket s = new ServerSocket(preferred)) {
            return preferred;
        } catch (IOException e) {
            return freePort();
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 && s > 0 ? (s / 60) + " min" : s + " s";
    }
}
