package dev.fraudmonitor.bench;

import dev.fraudmonitor.demo.BlockList;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.event.ScoringEvents;
import dev.fraudmonitor.job.FraudJob;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.model.EventCodec;
import dev.fraudmonitor.testkit.EmbeddedKafka;
import dev.fraudmonitor.testkit.EmbeddedRedis;
import dev.fraudmonitor.testkit.FlinkMiniCluster;
import dev.fraudmonitor.testkit.FlinkProcessCluster;
import dev.fraudmonitor.testkit.KafkaProcess;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import redis.clients.jedis.RedisClient;

/**
 * The end-to-end benchmark (scripts/benchmark.sh): throughput of the job (metrics on and off)
 * against baseline B and the peer (the same features as a Flink SQL job, {@code peer.sql}),
 * decision latency at a fixed rate, and state bytes per key, on the same real parts the integration
 * tests use (in-JVM KRaft broker, real redis-server, Flink MiniCluster with 2 TaskManagers x 1
 * slot). Prints the figures and writes them to {@code --out}; exits non-zero if a figure could not
 * be produced.
 */
public final class Benchmark {
    /**
     * TaskManager processes of the deployed latency run: one slot each, as deploy/config.yaml, and
     * the JVM's defaults (G1, every JIT tier); the heap sized for the run's state, not the
     * deployment's 4 GiB processes, on a machine shared with the broker and this JVM.
     */
    static final FlinkProcessCluster.Processes DEPLOYED =
            new FlinkProcessCluster.Processes(1, "1536m", List.of());

    static final String USAGE =
            String.join(
                    "\n",
                    "usage: scripts/benchmark.sh [--quick] [options]",
                    "  --quick                 small sizes, to check the benchmark works (CI)",
                    "  --events N              events in the throughput topic (default 2000000;"
                            + " quick 30000)",
                    "  --repeats N             job runs per metrics setting, and peer runs (default 2;"
                            + " quick 1)",
                    "  --sim-rate R            shop traffic the simulator models, events/s (default"
                            + " 5000)",
                    "  --attack-ratio R        fraction of attack sessions (default 0.1)",
                    "  --seed N                simulator seed (default 42)",
                    "  --checkpoint-interval D checkpoint interval of every job run (default PT2S)",
                    "  --latency-load F        latency input rate as a fraction of the job's"
                            + " maximum, the median of its metrics-on runs (default 0.5)",
                    "  --latency-duration D    how long the latency run sends (default PT60S;"
                            + " quick PT20S)",
                    "  --state-keys N          keys for the state-size figure (default 1000000;"
                            + " quick 20000)",
                    "  --scaling-keys N        checkpoint scaling: RocksDB at N and 10 N sessions,"
                            + " HashMap at N/10 and N (default 1000000; quick 50000)",
                    "  --scaling-changes N     events before each checkpoint of a scaling run"
                            + " (default 200000; quick 20000)",
                    "  --scaling-rounds N      checkpoints measured per scaling run, figures"
                            + " are their means (default 3; quick 2)",
                    "  --phases LIST           which figures: throughput,latency,state,scaling"
                            + " (default all)",
                    "  --latency-rate R        latency input rate, events/s (default: latency-load"
                            + " x the job's maximum)",
                    "  --latency-buffer-timeout D  second latency run with this"
                            + " execution.buffer-timeout (default PT0.001S; quick none: skipped)",
                    "  --latency-changelog     one more latency run with state.changelog true",
                    "  --latency-taskmanagers N  last latency run: the job in N TaskManager"
                            + " processes, the broker in its own (default 0: no such run)",
                    "  --out FILE              figures as Markdown (default"
                            + " benchmarks/target/benchmark-results.md)");

    private final Map<String, String> opts;
    private final boolean quick;
    private final StringBuilder report = new StringBuilder();
    private final List<String> missing = new ArrayList<>();

    private Benchmark(Map<String, String> opts) {
        this.opts = opts;
        this.quick = opts.containsKey("quick");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        if (opts.containsKey("help")) {
            System.out.println(USAGE);
            return;
        }
        int status = new Benchmark(opts).run();
        System.exit(status);
    }

    private long num(String key, long full, long quickValue) {
        String v = opts.get(key);
        return v == null ? (quick ? quickValue : full) : Long.parseLong(v.replace("_", ""));
    }

    private double dbl(String key, double def) {
        String v = opts.get(key);
        return v == null ? def : Double.parseDouble(v);
    }

    private Duration dur(String key, String full, String quickValue) {
        String v = opts.get(key);
        return Duration.parse(v == null ? (quick ? quickValue : full) : v);
    }

    private int run() throws Exception {
        long wallStart = System.nanoTime();
        long events = num("events", 2_000_000, 30_000);
        int repeats = (int) num("repeats", 2, 1);
        double simRate = dbl("sim-rate", 5000);
        double attackRatio = dbl("attack-ratio", 0.1);
        long seed = num("seed", 42, 42);
        Duration checkpointInterval = dur("checkpoint-interval", "PT2S", "PT2S");
        double latencyLoad = dbl("latency-load", 0.5);
        Duration latencyDuration = dur("latency-duration", "PT60S", "PT20S");
        long stateKeys = num("state-keys", 1_000_000, 20_000);
        long scalingKeys = num("scaling-keys", 1_000_000, 50_000);
        long scalingChanges = num("scaling-changes", 200_000, 20_000);
        int scalingRounds = (int) num("scaling-rounds", 3, 2);
        List<String> phases =
                List.of(opts.getOrDefault("phases", "throughput,latency,state,scaling").split(","));
        Path out = Path.of(opts.getOrDefault("out", "benchmark-results.md"));

        line("# Benchmark figures" + (quick ? " (quick mode: sizes too small to quote)" : ""));
        line("");
        line("Machine: " + machine());
        line(
                String.format(
                        Locale.ROOT,
                        "Settings: %,d events, simulated shop rate %.0f events/s, attack ratio %.2f,"
                                + " seed %d, checkpoint interval %s, job runs per metrics setting %d",
                        events,
                        simRate,
                        attackRatio,
                        seed,
                        checkpointInterval,
                        repeats));
        line("");

        long t0 = System.nanoTime();
        Path work = null;
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedRedis redisServer = EmbeddedRedis.start();
                FlinkMiniCluster flink = FlinkMiniCluster.start(clusterSettings())) {
            RedisClient redis = redisServer.client();
            line(
                    String.format(
                            Locale.ROOT,
                            "Started Kafka, redis-server and the MiniCluster in %.1f s (not timed"
                                    + " below).",
                            secondsSince(t0)));
            work = Files.createTempDirectory("bench-");

            // ---- input
            String topic = "bench.events";
            kafka.createTopic(topic, 2);
            t0 = System.nanoTime();
            List<ScoringEvent> mix = new ArrayList<>();
            Events.Summary summary = produce(kafka, topic, events, simRate, attackRatio, seed, mix);
            String prefix = "bench:";
            loadRules(redis, prefix, summary.blockList());
            line(
                    String.format(
                            Locale.ROOT,
                            "Input: %,d events generated and produced to a 2-partition topic in %.1f"
                                    + " s; mix: %s",
                            summary.events(),
                            secondsSince(t0),
                            summary.mixText()));
            line("");

            // ---- throughput
            JobRun.Result bestOn = null;
            List<Double> onRates = new ArrayList<>();
            if (phases.contains("throughput")) {
                line("## Throughput (same topic, earliest to end)");
                line("");
                line(
                        "| run | events/s | first event → all processed | submit → done | group copies |"
                                + " decisions (alerts + holds) | allocated per event |");
                line("|---|---|---|---|---|---|---|");
                Baseline.Result b = null;
                for (int i = 0; i < 2; i++) {
                    b = Baseline.run(kafka, topic, events);
                    line(
                            String.format(
                                    Locale.ROOT,
                                    "| B (KafkaConsumer + Jackson readTree, 1 thread)%s | %,.0f | %.2f s"
                                            + " | | | | %s |",
                                    i == 0 ? ", warm-up" : "",
                                    b.perSecond(),
                                    b.nanos() / 1e9,
                                    Allocations.perEvent(b.allocatedBytes(), b.records())));
                }
                // A million events: after 300,000 the job's first measured run was still up to
                // 40 % slower than its later ones in the same JVM (RESULTS.md, "Run order").
                long warmEvents = Math.min(events, quick ? 10_000 : 1_000_000);
                t0 = System.nanoTime();
                JobRun.warmUp(
                        "warmup",
                        jobSettings(
                                kafka,
                                redisServer,
                                "warmup",
                                topic,
                                prefix,
                                checkpointInterval,
                                work,
                                true),
                        warmEvents,
                        Duration.ofMinutes(10));
                line(
                        String.format(
                                Locale.ROOT,
                                "| job warm-up (first %,d events, not a figure) | | %.1f s | | | | |",
                                warmEvents,
                                secondsSince(t0)));
                t0 = System.nanoTime();
                PeerRun.warmUp(
                        "peer-warmup",
                        peerSettings(kafka, "peer-warmup", topic, checkpointInterval, work),
                        warmEvents,
                        Duration.ofMinutes(10));
                line(
                        String.format(
                                Locale.ROOT,
                                "| peer warm-up (first %,d events, not a figure) | | %.1f s | | | | |",
                                warmEvents,
                                secondsSince(t0)));
                JobRun.Result bestOff = null;
                PeerRun.Result bestPeer = null;
                Map<String, JobRun.Result> checkpointed = new LinkedHashMap<>();
                int run = 0;
                for (int r = 0; r < repeats; r++) {
                    // ABBA order (job metrics on, off, peer; then peer, off, on), so no run always
                    // gets the warmer JVM.
                    String[] order =
                            r % 2 == 0
                                    ? new String[] {"on", "off", "peer"}
                                    : new String[] {"peer", "off", "on"};
                    for (String kind : order) {
                        if (kind.equals("peer")) {
                            String name = "run" + (++run) + "-peer";
                            PeerRun.Result p =
                                    PeerRun.run(
                                            name,
                                            peerSettings(
                                                    kafka, name, topic, checkpointInterval, work),
                                            events,
                                            Duration.ofMinutes(20));
                            line(
                                    String.format(
                                            Locale.ROOT,
                                            "| peer (Flink SQL, peer.sql; last column: rows"
                                                    + " flagged) | %,.0f | %.2f s | %.2f s | | %,d | %s |",
                                            p.perSecond(),
                                            p.nanos() / 1e9,
                                            p.submitToDoneNanos() / 1e9,
                                            p.flagged(),
                                            Allocations.perEvent(p.allocatedBytes(), p.events())));
                            if (p.flagged() == 0) {
                                missing.add(name + " flagged no row");
                            }
                            if (bestPeer == null || p.perSecond() > bestPeer.perSecond()) {
                                bestPeer = p;
                            }
                            continue;
                        }
                        boolean metrics = kind.equals("on");
                        String name = "run" + (++run) + (metrics ? "-metrics-on" : "-metrics-off");
                        Map<String, String> conf =
                                jobSettings(
                                        kafka,
                                        redisServer,
                                        name,
                                        topic,
                                        prefix,
                                        checkpointInterval,
                                        work,
                                        metrics);
                        JobRun.Result j = JobRun.run(name, conf, events, Duration.ofMinutes(20));
                        jobRow("metrics " + (metrics ? "on" : "off"), j);
                        checkpointed.put(
                                name + ", HashMap, metrics " + (metrics ? "on" : "off"), j);
                        if (metrics) {
                            onRates.add(j.perSecond());
                            if (bestOn == null || j.perSecond() > bestOn.perSecond()) {
                                bestOn = j;
                            }
                        } else if (bestOff == null || j.perSecond() > bestOff.perSecond()) {
                            bestOff = j;
                        }
                    }
                }
                // The same job on other state backends, metrics on (not in the ratios):
                // - RocksDB with incremental checkpoints (deploy/config.yaml's backend): what a
                //   checkpoint whose cost follows the changes costs per event;
                // - the HashMap backend wrapped in Flink's changelog backend (state.changelog): a
                //   checkpoint uploads the state changes logged since the last one, the HashMap
                //   tables themselves only at each materialization (every 10 min by default, so
                //   not within a run this short).
                String[][] backends = {
                    {"rocksdb", "RocksDB incremental", "state.backend", "ROCKSDB"},
                    {"changelog", "HashMap + changelog", "state.changelog", "true"}
                };
                for (String[] backend : backends) {
                    String name = "run" + (++run) + "-" + backend[0];
                    Map<String, String> conf =
                            jobSettings(
                                    kafka,
                                    redisServer,
                                    name,
                                    topic,
                                    prefix,
                                    checkpointInterval,
                                    work,
                                    true);
                    conf.put(backend[2], backend[3]);
                    JobRun.Result j = JobRun.run(name, conf, events, Duration.ofMinutes(20));
                    jobRow("metrics on, " + backend[1] + " (not in the ratios)", j);
                    check("job, " + backend[1], j.perSecond());
                    checkpointed.put(name + ", " + backend[1] + ", metrics on", j);
                }
                line("");
                line(
                        "Checkpoints during each job run (JobManager gauges; written ="
                                + " lastCheckpointSize, what the checkpoint uploaded; full ="
                                + " lastCheckpointFullSize, all the state it refers to):");
                line("");
                line(
                        "| run | completed | failed | mean duration | max duration | mean written |"
                                + " mean full |");
                line("|---|---|---|---|---|---|---|");
                checkpointed.forEach(
                        (label, r) -> line("| " + label + " " + r.checkpoints().text()));
                line("");
                recordsBySubtask(bestOn);
                double ratio = bestOn.perSecond() / b.perSecond();
                double peerRatio = bestOn.perSecond() / bestPeer.perSecond();
                double overhead = 1 - bestOn.perSecond() / bestOff.perSecond();
                line("");
                line(
                        String.format(
                                Locale.ROOT,
                                "B = %,.0f events/s; job (metrics on, best run) = %,.0f events/s;"
                                        + " peer (best run) = %,.0f events/s",
                                b.perSecond(),
                                bestOn.perSecond(),
                                bestPeer.perSecond()));
                line("");
                line(String.format(Locale.ROOT, "**job / B = %.2f** (target ≥ 0.6)", ratio));
                line(String.format(Locale.ROOT, "**job / peer = %.2f** (target ≥ 2.0)", peerRatio));
                line(
                        String.format(
                                Locale.ROOT,
                                "**Metrics: on %,.0f events/s, off %,.0f events/s (best runs): cost %.1f%%"
                                        + " of throughput**%s",
                                bestOn.perSecond(),
                                bestOff.perSecond(),
                                100 * overhead,
                                repeats < 2
                                        ? " (one repeat: metrics on ran first, in the colder JVM;"
                                                + " --repeats 2 runs them in ABBA order)"
                                        : ""));
                line("");
                check("B", b.perSecond());
                check("job/B", ratio);
                check("job/peer", peerRatio);
                check("metrics overhead", overhead);
            }

            // ---- latency
            if (phases.contains("latency")) {
                if (bestOn == null && !opts.containsKey("latency-rate")) {
                    throw new IllegalArgumentException(
                            "the latency phase needs the throughput phase or --latency-rate");
                }
                // The maximum is the median of the job's runs as it ships (metrics on), not the
                // best: one fast run (58 k against 31-43 k events/s, 2026-11-30) made half of it
                // more than the job sustains, and the figures measured an overload.
                double maximum = opts.containsKey("latency-rate") ? 0 : median(onRates);
                double rate =
                        opts.containsKey("latency-rate")
                                ? dbl("latency-rate", 0)
                                : latencyLoad * maximum;
                line(
                        String.format(
                                Locale.ROOT,
                                "## Latency at %.0f%% of the job's maximum (%,.0f events/s for %s)",
                                100 * latencyLoad,
                                rate,
                                latencyDuration));
                line("");
                if (maximum > 0) {
                    line(
                            String.format(
                                    Locale.ROOT,
                                    "The maximum is the median of the %d job runs with metrics on:"
                                            + " %,.0f events/s.",
                                    onRates.size(),
                                    maximum));
                    line("");
                }
                // The job as it ships, then the same with another network buffer timeout (Flink
                // flushes a partly filled buffer after execution.buffer-timeout; every event
                // crosses four network shuffles).
                List<String> timeouts = new ArrayList<>();
                // The first latency run of a JVM measured its own warming up: holds p99 2,036 ms
                // against 107 ms for the next run with the same settings (2026-11-30). A job
                // runs for days; the figures are for a warm one.
                if (!quick) {
                    timeouts.add("warm-up");
                }
                timeouts.add("default");
                String second =
                        opts.getOrDefault("latency-buffer-timeout", quick ? "none" : "PT0.001S");
                if (!second.equals("none")) {
                    timeouts.add(second);
                }
                if (opts.containsKey("latency-changelog")) {
                    timeouts.add("changelog");
                }
                // On request, last, the job as deployed: in TaskManager processes of its own (one
                // slot each, as deploy/config.yaml), the broker in its own, so that only the job's
                // own garbage stops the job; this JVM only sends and listens, as the checkout
                // does. Not by default: on two cores the five JVMs cost the job more than its own
                // heap saves it (benchmarks/RESULTS.md, "Latency counted from the broker's
                // append").
                int taskManagers = (int) num("latency-taskmanagers", 0, 0);
                if (taskManagers > 0) {
                    if (!quick) {
                        timeouts.add("processes-warm-up");
                    }
                    timeouts.add("processes");
                }
                KafkaProcess deployedBroker = null;
                FlinkProcessCluster deployed = null;
                EmbeddedKafka deployedKafka = null;
                int latRun = 0;
                try {
                    for (String timeout : timeouts) {
                        latRun++;
                        boolean processes = timeout.startsWith("processes");
                        if (processes && deployed == null) {
                            long ts = System.nanoTime();
                            deployedBroker = KafkaProcess.start(Duration.ofSeconds(120));
                            deployedKafka =
                                    EmbeddedKafka.connect(deployedBroker.bootstrapServers());
                            deployed =
                                    FlinkProcessCluster.start(
                                            taskManagers,
                                            Duration.ofSeconds(120),
                                            null,
                                            System.getProperty("java.class.path"),
                                            DEPLOYED);
                            line(
                                    String.format(
                                            Locale.ROOT,
                                            "Started a broker process and a Flink cluster of a"
                                                    + " JobManager and %d TaskManager processes (%d"
                                                    + " slot%s, task heap %s each) in %.1f s.",
                                            taskManagers,
                                            DEPLOYED.slots(),
                                            DEPLOYED.slots() == 1 ? "" : "s",
                                            DEPLOYED.taskHeap(),
                                            secondsSince(ts)));
                            line("");
                        }
                        EmbeddedKafka latKafka = processes ? deployedKafka : kafka;
                        String latPrefix = "lat" + latRun + ":";
                        String latName = "latency" + latRun;
                        latKafka.createTopic(
                                latName + ".events",
                                2,
                                Map.of("message.timestamp.type", "LogAppendTime"));
                        Map<String, String> latConf =
                                jobSettings(
                                        latKafka,
                                        redisServer,
                                        latName,
                                        latName + ".events",
                                        latPrefix,
                                        checkpointInterval,
                                        work,
                                        true);
                        boolean warmUp = timeout.endsWith("warm-up");
                        boolean changelog = timeout.equals("changelog");
                        if (changelog) {
                            latConf.put("state.changelog", "true");
                        }
                        Duration bufferTimeout =
                                timeout.equals("default") || changelog || warmUp || processes
                                        ? null
                                        : Duration.parse(timeout);
                        LatencyRun.Result lat =
                                LatencyRun.run(
                                        latKafka,
                                        redis,
                                        latConf,
                                        latPrefix,
                                        rate,
                                        warmUp ? Duration.ofSeconds(20) : latencyDuration,
                                        Duration.ofSeconds(2),
                                        attackRatio,
                                        seed + 1,
                                        bufferTimeout,
                                        processes ? deployed : null);
                        if (warmUp) {
                            line(
                                    String.format(
                                            Locale.ROOT,
                                            "Warm-up run, the job as it ships%s for 20 s (not a"
                                                    + " figure): hold p99 %d ms, alert p99 %d ms.",
                                            processes ? " in its TaskManager processes" : "",
                                            lat.hold().p99(),
                                            lat.alert().p99()));
                            line("");
                            continue;
                        }
                        line(
                                "### "
                                        + (processes
                                                ? "The job as it ships, in "
                                                        + taskManagers
                                                        + " TaskManager processes of its own, the"
                                                        + " broker in its own (as deployed)"
                                                : changelog
                                                        ? "With state.changelog true (HashMap + changelog)"
                                                        : bufferTimeout == null
                                                                ? "The job as it ships (execution.buffer-timeout "
                                                                        + FraudJob
                                                                                .flinkConfiguration(
                                                                                        JobConfig
                                                                                                .of(
                                                                                                        latConf))
                                                                                .get(
                                                                                        ExecutionOptions
                                                                                                .BUFFER_TIMEOUT)
                                                                                .toMillis()
                                                                        + " ms)"
                                                                : "With execution.buffer-timeout "
                                                                        + bufferTimeout.toMillis()
                                                                        + " ms"));
                        line("");
                        line(
                                String.format(
                                        Locale.ROOT,
                                        "Sent %,d events at %,.0f events/s (target %,.0f); first 2 s left"
                                                + " out; checkpoint interval %s, so the alert bar is %d"
                                                + " ms.",
                                        lat.events(),
                                        lat.achievedRate(),
                                        lat.targetRate(),
                                        lat.checkpointInterval(),
                                        lat.checkpointInterval().toMillis() + 200));
                        line("");
                        line(
                                "- send → appended by the broker (the sender's own producer, before ingest): "
                                        + lat.sendToAppend().text());
                        line(
                                "- **ingest → Redis hold record: "
                                        + lat.hold().text()
                                        + "** (target p99 ≤ 50 ms)");
                        line(
                                "- **ingest → committed alert (read_committed): "
                                        + lat.alert().text()
                                        + "** (target p99 ≤ "
                                        + (lat.checkpointInterval().toMillis() + 200)
                                        + " ms)");
                        line("");
                        check("hold p99", lat.hold().samples() > 0 ? lat.hold().p99() : Double.NaN);
                        check(
                                "alert p99",
                                lat.alert().samples() > 0 ? lat.alert().p99() : Double.NaN);
                    }
                } finally {
                    if (deployed != null) {
                        deployed.close();
                    }
                    if (deployedKafka != null) {
                        deployedKafka.close();
                    }
                    if (deployedBroker != null) {
                        deployedBroker.close();
                    }
                }
            }

            // ---- state
            if (phases.contains("state")) {
                List<String> heapDetail = new ArrayList<>();
                line(
                        String.format(
                                Locale.ROOT,
                                "## State per key (%,d keys per operator, one simulated event each)",
                                stateKeys));
                line("");
                line(
                        "| operator | backend | live heap / key | checkpoint / key | expiry sweep"
                                + " over all keys | time |");
                line("|---|---|---|---|---|---|");
                JobConfig stateConfig =
                        JobConfig.of(
                                jobSettings(
                                        kafka,
                                        redisServer,
                                        "state",
                                        topic,
                                        prefix,
                                        checkpointInterval,
                                        work,
                                        true));
                List<ScoringEvent> sample = mix;
                for (String op : new String[] {"session", "group"}) {
                    for (boolean rocks : new boolean[] {false, true}) {
                        StateSize.Result s =
                                StateSize.measure(
                                        op,
                                        rocks,
                                        stateConfig,
                                        sample,
                                        stateKeys,
                                        work.resolve("state-" + op + "-" + rocks));
                        line(
                                String.format(
                                        Locale.ROOT,
                                        "| %s | %s | %s | %.0f B | %s | %.1f s |",
                                        op,
                                        s.backend(),
                                        Double.isNaN(s.heapBytesPerKey())
                                                ? "(off heap)"
                                                : String.format(
                                                        Locale.ROOT, "%.0f B", s.heapBytesPerKey()),
                                        s.checkpointBytesPerKey(),
                                        Double.isNaN(s.sweepMillis())
                                                ? "(timers)"
                                                : String.format(
                                                        Locale.ROOT, "%,.0f ms", s.sweepMillis()),
                                        s.millis() / 1000));
                        if (!rocks) {
                            check(op + " heap/key", s.heapBytesPerKey());
                            heapDetail.add(op + ": " + s.heapByClass());
                        }
                        check(
                                op + " " + s.backend() + " checkpoint/key",
                                s.checkpointBytesPerKey());
                    }
                }
                line("");
                line("Live heap per key by class (HashMap backend, classes that grew):");
                line("");
                for (String d : heapDetail) {
                    line("- " + d);
                }
                line("");
            }

            // ---- checkpoint scaling
            if (phases.contains("scaling")) {
                line(
                        String.format(
                                Locale.ROOT,
                                "## Checkpoint cost against state size (session stage, %,d changed"
                                        + " events before each of %d checkpoints; means over"
                                        + " them)",
                                scalingChanges,
                                scalingRounds));
                line("");
                line(
                        "| backend | sessions held | fill | changes: events/s | checkpoint:"
                                + " duration (max) | written | state |");
                line("|---|---|---|---|---|---|---|");
                List<String> scalingRatios = new ArrayList<>();
                JobConfig scalingConfig =
                        JobConfig.of(
                                jobSettings(
                                        kafka,
                                        redisServer,
                                        "scaling",
                                        topic,
                                        prefix,
                                        checkpointInterval,
                                        work,
                                        true));
                for (boolean rocks : new boolean[] {true, false}) {
                    long small = rocks ? scalingKeys : scalingKeys / 10;
                    CheckpointScaling.Result[] pair = new CheckpointScaling.Result[2];
                    for (int i = 0; i < 2; i++) {
                        long keys = i == 0 ? small : small * 10;
                        System.gc();
                        CheckpointScaling.Result r =
                                CheckpointScaling.measure(
                                        rocks,
                                        scalingConfig,
                                        mix,
                                        keys,
                                        scalingChanges,
                                        scalingRounds,
                                        work.resolve("scaling-" + rocks + "-" + keys));
                        pair[i] = r;
                        line(
                                String.format(
                                        Locale.ROOT,
                                        "| %s | %,d | %.1f s | %,.0f | %,.0f ms (%,.0f) | %s | %s |",
                                        r.backend(),
                                        r.keys(),
                                        r.fillSeconds(),
                                        r.changesPerSecond(),
                                        r.checkpointMillis(),
                                        r.maxCheckpointMillis(),
                                        mib(r.checkpointBytes()),
                                        mib(r.stateBytes())));
                        check(r.backend() + " " + keys + " checkpoint", r.checkpointMillis());
                    }
                    scalingRatios.add(
                            String.format(
                                    Locale.ROOT,
                                    "**%s, %,d → %,d sessions: changes/s x%.2f, checkpoint"
                                            + " duration x%.2f, bytes written x%.2f** (target for"
                                            + " the job's backend: each within 20 %%)",
                                    pair[0].backend(),
                                    pair[0].keys(),
                                    pair[1].keys(),
                                    pair[1].changesPerSecond() / pair[0].changesPerSecond(),
                                    pair[1].checkpointMillis() / pair[0].checkpointMillis(),
                                    pair[1].checkpointBytes()
                                            / (double) Math.max(1, pair[0].checkpointBytes())));
                }
                line("");
                for (String r : scalingRatios) {
                    line(r);
                    line("");
                }
            }
        }
        deleteQuietly(work);
        line(String.format(Locale.ROOT, "Whole benchmark: %.0f s.", secondsSince(wallStart)));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
        System.out.println("Figures written to " + out);
        if (!missing.isEmpty()) {
            System.err.println("FAILED: figures not produced: " + String.join("; ", missing));
            return 1;
        }
        return 0;
    }

    /**
     * The managed memory of one TaskManager slot under deploy/config.yaml: 0.4 of a 4 GiB
     * TaskManager's Flink memory (about 1.3 GiB), rounded down. RocksDB keeps its memtables and
     * block cache in it; the tests' 64 MiB would have every RocksDB run flush and read from disk
     * far more than a deployed job does. The heap backend does not use it.
     */
    static final MemorySize SLOT_MANAGED_MEMORY = MemorySize.ofMebiBytes(1024);

    private static org.apache.flink.configuration.Configuration clusterSettings() {
        org.apache.flink.configuration.Configuration c = OperatorCounters.clusterSettings();
        c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, SLOT_MANAGED_MEMORY);
        return c;
    }

    /** Checkpoints and RocksDB files of the runs; best effort. */
    private static void deleteQuietly(Path dir) {
        if (dir == null) return;
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }

    /** The middle value; the mean of the two middle ones for an even count. */
    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** A job run's row of the throughput table; a run that decided nothing is a missing figure. */
    private void jobRow(String label, JobRun.Result j) {
        line(
                String.format(
                        Locale.ROOT,
                        "| job, %s | %,.0f | %.2f s | %.2f s | %,d | %,d | %s |",
                        label,
                        j.perSecond(),
                        j.nanos() / 1e9,
                        j.submitToDoneNanos() / 1e9,
                        j.groupCopies(),
                        j.decisions(),
                        Allocations.perEvent(j.allocatedBytes(), j.events())));
        if (j.decisions() == 0) {
            missing.add(j.name() + " made no decision");
        }
    }

    private void check(String what, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            missing.add(what);
        }
    }

    /**
     * How evenly each keyed stage's keys spread its records over the subtasks: a key that carries
     * many records (the GLOBAL grouping's single key, say) keeps one subtask busier than the
     * others, and adding subtasks does not shorten that one.
     */
    private void recordsBySubtask(JobRun.Result r) {
        line("Records into each keyed stage, per subtask (" + r.name() + "):");
        line("");
        line("| stage | records per subtask | busiest subtask's share |");
        line("|---|---|---|");
        r.recordsBySubtask()
                .forEach(
                        (stage, counts) -> {
                            long total = 0;
                            long max = 0;
                            StringBuilder each = new StringBuilder();
                            for (long c : counts.values()) {
                                total += c;
                                max = Math.max(max, c);
                                if (each.length() > 0) each.append(" / ");
                                each.append(String.format(Locale.ROOT, "%,d", c));
                            }
                            line(
                                    String.format(
                                            Locale.ROOT,
                                            "| %s | %s | %.1f %% (even: %.1f %%) |",
                                            stage,
                                            each,
                                            total == 0 ? 0 : 100.0 * max / total,
                                            counts.isEmpty() ? 0 : 100.0 / counts.size()));
                        });
        line("");
    }

    private void line(String s) {
        System.out.println(s);
        System.out.flush();
        report.append(s).append('\n');
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static PeerRun.Settings peerSettings(
            EmbeddedKafka kafka,
            String name,
            String topic,
            Duration checkpointInterval,
            Path work) {
        String sinkTopic = name + ".flagged";
        if (!kafka.topics().contains(sinkTopic)) {
            kafka.createTopic(sinkTopic, 1);
        }
        return new PeerRun.Settings(
                kafka.bootstrapServers(),
                topic,
                sinkTopic,
                "bench-" + name,
                "bench-" + name + "-" + UUID.randomUUID(),
                checkpointInterval,
                work.resolve("checkpoints-" + name));
    }

    private static Map<String, String> jobSettings(
            EmbeddedKafka kafka,
            EmbeddedRedis redis,
            String name,
            String topic,
            String prefix,
            Duration checkpointInterval,
            Path work,
            boolean metrics) {
        for (String t : new String[] {".alerts", ".holds", ".dlq"}) {
            if (!kafka.topics().contains(name + t)) {
                kafka.createTopic(name + t, 1);
            }
        }
        Map<String, String> c = new LinkedHashMap<>();
        c.put("kafka.bootstrap", kafka.bootstrapServers());
        c.put("topic.events", topic);
        c.put("topic.alerts", name + ".alerts");
        c.put("topic.holds", name + ".holds");
        c.put("topic.dlq", name + ".dlq");
        c.put("kafka.group-id", "bench-" + name);
        c.put("kafka.transactional-id-prefix", "bench-" + name + "-" + UUID.randomUUID());
        c.put("kafka.starting-offsets", "EARLIEST");
        c.put("redis.url", redis.url());
        c.put("redis.prefix", prefix);
        c.put("checkpoint.interval", checkpointInterval.toString());
        // Durable checkpoints, as in production (JobManager memory would refuse this much state).
        c.put("checkpoint.dir", work.resolve("checkpoints-" + name).toUri().toString());
        c.put("metrics.port", "0");
        c.put("metrics.enabled", Boolean.toString(metrics));
        return c;
    }

    /**
     * Generates the events and produces them; keeps flattened copies of about 50,000 of them, taken
     * evenly over the whole stream, as the state benchmark's sample of the mix.
     */
    private static Events.Summary produce(
            EmbeddedKafka kafka,
            String topic,
            long n,
            double simRate,
            double attackRatio,
            long seed,
            List<ScoringEvent> mix)
            throws Exception {
        EventCodec codec = new EventCodec();
        AtomicReference<Exception> error = new AtomicReference<>();
        long stride = Math.max(1, n / 50_000);
        long[] produced = {0};
        // All event times lie in the past, as for a job catching up on a backlog.
        long start = System.currentTimeMillis() - (long) (n / simRate * 1000) - 3_600_000;
        try (KafkaProducer<byte[], byte[]> producer =
                kafka.producer(
                        Map.of(
                                ProducerConfig.LINGER_MS_CONFIG, "20",
                                ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024),
                                ProducerConfig.BUFFER_MEMORY_CONFIG,
                                        Long.toString(128L * 1024 * 1024)))) {
            Events.Summary s =
                    Events.generate(
                            n,
                            simRate,
                            attackRatio,
                            seed,
                            start,
                            sent -> {
                                if (produced[0]++ % stride == 0) {
                                    mix.add(ScoringEvents.from(sent.event(), sent.sentAt()));
                                }
                                producer.send(
                                        new ProducerRecord<>(
                                                topic,
                                                sent.event()
                                                        .sessionId()
                                                        .getBytes(StandardCharsets.UTF_8),
                                                codec.encode(sent.event())),
                                        (md, e) -> {
                                            if (e != null) error.compareAndSet(null, e);
                                        });
                            });
            producer.flush();
            if (error.get() != null) {
                throw new IllegalStateException("producing the input failed", error.get());
            }
            return s;
        }
    }

    /** The default rule set (as shipped on the classpath) and the simulator's block lists. */
    static void loadRules(RedisClient redis, String prefix, BlockList blockList)
            throws IOException {
        String rules;
        try (InputStream in =
                Benchmark.class.getClassLoader().getResourceAsStream("rules/default-rules.json")) {
            if (in == null) {
                throw new IllegalStateException("rules/default-rules.json is not on the classpath");
            }
            rules = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        redis.set(prefix + "rules", rules);
        for (Map.Entry<String, List<String>> e : blockList.byKind().entrySet()) {
            redis.sadd(prefix + "list:block:" + e.getKey(), e.getValue().toArray(String[]::new));
        }
        redis.incr(prefix + "lists:version");
    }

    private static String machine() {
        Runtime rt = Runtime.getRuntime();
        long total =
                ((com.sun.management.OperatingSystemMXBean)
                                ManagementFactory.getOperatingSystemMXBean())
                        .getTotalMemorySize();
        return String.format(
                Locale.ROOT,
                "%d CPUs, %.1f GiB RAM, %s %s (%s), max heap %.1f GiB, %s",
                rt.availableProcessors(),
                total / (1024.0 * 1024 * 1024),
                System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"),
                System.getProperty("java.vendor"),
                rt.maxMemory() / (1024.0 * 1024 * 1024),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }

    static Map<String, String> parse(String[] rawArgs) {
        List<String> args = new ArrayList<>();
        for (String a : rawArgs) {
            for (String part : a.trim().split("\\s+")) {
                if (!part.isEmpty()) args.add(part);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        List<String> flags = List.of("quick", "help", "latency-changelog");
        List<String> valued =
                List.of(
                        "events",
                        "repeats",
                        "sim-rate",
                        "attack-ratio",
                        "seed",
                        "checkpoint-interval",
                        "latency-load",
                        "latency-duration",
                        "state-keys",
                        "scaling-keys",
                        "scaling-changes",
                        "scaling-rounds",
                        "phases",
                        "latency-rate",
                        "latency-buffer-timeout",
                        "latency-taskmanagers",
                        "out");
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected " + a);
            String k = a.substring(2);
            if (flags.contains(k)) {
                out.put(k, "true");
            } else if (valued.contains(k) && i + 1 < args.size()) {
                out.put(k, args.get(++i));
            } else {
                throw new IllegalArgumentException("unknown option or missing value: " + a);
            }
        }
        return out;
    }
}
