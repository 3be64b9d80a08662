package dev.fraudmonitor.job.metrics;

import com.sun.net.httpserver.HttpServer;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.EventType;
import dev.fraudmonitor.model.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's Micrometer metrics, one registry per JVM, served as Prometheus text on {@code
 * /metrics}.
 *
 * <p>One per JVM because every operator instance in a TaskManager should add to the same series;
 * Prometheus then sums over TaskManagers. Label values are bounded sets (event types, reasons, rule
 * ids, actions): never an account, IP, session or order id. No tag is called {@code job}, which
 * would collide with Prometheus's own label.
 */
public final class FraudMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(FraudMetrics.class);
    private static volatile FraudMetrics instance;
    private static volatile FraudMetrics disabled;

    private final PrometheusMeterRegistry registry;
    private final Map<EventType, Counter> eventsByType = new EnumMap<>(EventType.class);
    private final Map<RejectReason, Counter> invalidByReason = new EnumMap<>(RejectReason.class);
    private final Map<Action, Counter> alertsByAction = new EnumMap<>(Action.class);
    private final Map<String, Counter> ruleHits = new ConcurrentHashMap<>();
    private final Counter duplicates;
    private final Counter late;
    private final Counter alertsSuppressed;
    private final Counter holdsPlaced;
    private final DistributionSummary score;
    private final Timer latencyFromEventTime;
    private final Timer latencyFromIngest;
    private final Timer redisHoldWrite;
    private final Counter ruleReloads;
    private final Map<String, Counter> ruleReloadFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> redisErrors = new ConcurrentHashMap<>();
    private final Map<String, Timer> sweeps = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> sweptKeys = new ConcurrentHashMap<>();
    private final AtomicLong rulesVersion = new AtomicLong(-1);
    private final AtomicLong listsVersion = new AtomicLong(-1);
    private final AtomicLong lastReloadMillis = new AtomicLong(0);
    private final AtomicLong redisUp = new AtomicLong(0);
    private final AtomicLong holdsReleased = new AtomicLong(0);
    private final AtomicLong lastCheckpointId = new AtomicLong(-1);
    private final AtomicLong lastCheckpointMillis = new AtomicLong(0);
    private volatile HttpServer server;

    private final boolean enabled;

    private FraudMetrics(boolean enabled) {
        this.enabled = enabled;
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (enabled) {
            new JvmMemoryMetrics().bindTo(registry);
            new JvmGcMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
        } else {
            // Denied before anything registers, so every meter below is a no-op.
            registry.config().meterFilter(MeterFilter.deny());
        }
        for (EventType t : EventType.values()) {
            eventsByType.put(
                    t,
                    Counter.builder("fraud.events")
                            .description("Valid events scored, by type")
                            .tag("type", t.name())
                            .register(registry));
        }
        for (RejectReason r : RejectReason.values()) {
            invalidByReason.put(
                    r,
                    Counter.builder("fraud.events.invalid")
                            .description("Events sent to the dead-letter topic, by reason")
                            .tag("reason", r.name())
                            .register(registry));
        }
        for (Action a : Action.values()) {
            alertsByAction.put(
                    a,
                    Counter.builder("fraud.alerts")
                            .description("Alerts sent to reps, by action")
                            .tag("action", a.name())
                            .register(registry));
        }
        duplicates =
                Counter.builder("fraud.events.duplicate")
                        .description("Events dropped as repeats of an eventId")
                        .register(registry);
        late =
                Counter.builder("fraud.events.late")
                        .description("Events that arrived behind the watermark (still scored)")
                        .register(registry);
        alertsSuppressed =
                Counter.builder("fraud.alerts.suppressed")
                        .description(
                                "Decisions not sent because the same rules already alerted within the cooldown")
                        .register(registry);
        holdsPlaced =
                Counter.builder("fraud.holds.placed").description("Orders held").register(registry);
        score =
                DistributionSummary.builder("fraud.session.score")
                        .description("Risk score at each decision")
                        .serviceLevelObjectives(10, 20, 30, 40, 50, 60, 70, 80, 90, 100)
                        .register(registry);
        latencyFromEventTime =
                Timer.builder("fraud.decision.latency")
                        .description("Time from an event to the decision it triggered")
                        .tag("from", "event_time")
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofMinutes(5))
                        .register(registry);
        latencyFromIngest =
                Timer.builder("fraud.decision.latency")
                        .description("Time from an event to the decision it triggered")
                        .tag("from", "ingest")
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofMinutes(5))
                        .register(registry);
        redisHoldWrite =
                Timer.builder("fraud.redis.hold.write")
                        .description("Time to write a hold record to Redis")
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(10))
                        .register(registry);
        ruleReloads =
                Counter.builder("fraud.rules.reloads")
                        .description("Rule sets loaded from Redis and put in force")
                        .register(registry);
        Gauge.builder("fraud.rules.version", rulesVersion, AtomicLong::get)
                .description("Version of the rule set in force (-1: none yet)")
                .register(registry);
        Gauge.builder("fraud.lists.version", listsVersion, AtomicLong::get)
                .description("Version counter of the block/allow lists in force")
                .register(registry);
        Gauge.builder(
                        "fraud.rules.last.reload.age",
                        lastReloadMillis,
                        v -> v.get() == 0 ? -1 : (System.currentTimeMillis() - v.get()) / 1000.0)
                .baseUnit("seconds")
                .description("Seconds since the rules were last read from Redis successfully")
                .register(registry);
        Gauge.builder("fraud.redis.up", redisUp, AtomicLong::get)
                .description("1 when the last Redis call succeeded")
                .register(registry);
        Gauge.builder("fraud.holds.released", holdsReleased, AtomicLong::get)
                .description("Holds released by reps or analysts (count kept in Redis)")
                .register(registry);
        Gauge.builder("fraud.checkpoint.last.completed.id", lastCheckpointId, AtomicLong::get)
                .description(
                        "Id of the last checkpoint this JVM saw complete (-1: none yet); alerts and holds reach Kafka readers with each")
                .register(registry);
        Gauge.builder(
                        "fraud.checkpoint.last.completed.age",
                        lastCheckpointMillis,
                        v -> v.get() == 0 ? -1 : (System.currentTimeMillis() - v.get()) / 1000.0)
                .baseUnit("seconds")
                .description("Seconds since this JVM last saw a checkpoint complete")
                .register(registry);
        // Registered up front so dashboards show 0 rather than no data.
        for (String op : new String[] {"rules", "lists", "hold_write"}) {
            redisErrorCounter(op);
        }
        for (String reason : new String[] {"invalid", "unreachable", "missing"}) {
            reloadFailureCounter(reason);
        }
    }

    public static FraudMetrics get() {
        FraudMetrics m = instance;
        if (m == null) {
            synchronized (FraudMetrics.class) {
                m = instance;
                if (m == null) {
                    instance = m = new FraudMetrics(true);
                }
            }
        }
        return m;
    }

    /**
     * The JVM's registry, or a registry that records nothing when {@code metrics.enabled} is false.
     */
    public static FraudMetrics get(JobConfig config) {
        if (config.get(JobConfig.METRICS_ENABLED)) {
            return get();
        }
        FraudMetrics m = disabled;
        if (m == null) {
            synchronized (FraudMetrics.class) {
                m = disabled;
                if (m == null) {
                    disabled = m = new FraudMetrics(false);
                }
            }
        }
        return m;
    }

    /**
     * Serves {@code /metrics} on the first free port from {@code firstPort} (so several
     * TaskManagers on one host each get one); does nothing when already serving, when port is 0 or
     * when metrics are disabled.
     */
    public synchronized int serve(int firstPort) {
        if (server != null) {
            return server.getAddress().getPort();
        }
        if (firstPort == 0 || !enabled) {
            return -1;
        }
        for (int port = firstPort; port < firstPort + 20 && port <= 65535; port++) {
            try {
                HttpServer s = HttpServer.create(new InetSocketAddress(port), 0);
                s.createContext(
                        "/metrics",
                        exchange -> {
                            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                            exchange.getResponseHeaders()
                                    .add(
                                            "Content-Type",
                                            "text/plain; version=0.0.4; charset=utf-8");
                            exchange.sendResponseHeaders(200, body.length);
                            try (OutputStream os = exchange.getResponseBody()) {
                                os.write(body);
                            }
                        });
                s.start();
                server = s;
                LOG.info("Prometheus metrics on http://localhost:{}/metrics", port);
                return port;
            } catch (BindException e) {
                // taken by another JVM on this host: try the next one
            } catch (IOException e) {
                LOG.warn("Cannot serve metrics on port {}: {}", port, e.toString());
                return -1;
            }
        }
        LOG.warn(
                "No free metrics port in {}..{}; metrics are not served",
                firstPort,
                firstPort + 19);
        return -1;
    }

    /**
     * Stops serving {@code /metrics} and frees the port (a demo shutting down, a test done with
     * it). The counts stay: the registry lives as long as the JVM, and {@link #serve} starts again.
     */
    public synchronized void close() {
        HttpServer s = server;
        if (s != null) {
            server = null;
            s.stop(0);
            LOG.info("Stopped serving Prometheus metrics on port {}", s.getAddress().getPort());
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    public void event(EventType type) {
        eventsByType.get(type).increment();
    }

    public void invalid(RejectReason reason) {
        invalidByReason.get(reason).increment();
    }

    public void duplicate() {
        duplicates.increment();
    }

    public void late() {
        late.increment();
    }

    public void ruleHit(String ruleId, String mode) {
        ruleHits.computeIfAbsent(
                        ruleId + '\u0000' + mode,
                        k ->
                                Counter.builder("fraud.rule.hits")
                                        .description(
                                                "Rule hits, by rule and mode (SHADOW rules are counted but never alert)")
                                        .tag("rule", ruleId)
                                        .tag("mode", mode)
                                        .register(registry))
                .increment();
    }

    public void alert(Action action, int sessionScore, long eventTime, long ingestTime) {
        alertsByAction.get(action).increment();
        score.record(sessionScore);
        long now = System.currentTimeMillis();
        latencyFromEventTime.record(Duration.ofMillis(Math.max(0, now - eventTime)));
        latencyFromIngest.record(Duration.ofMillis(Math.max(0, now - ingestTime)));
    }

    public void alertSuppressed() {
        alertsSuppressed.increment();
    }

    public void holdPlaced() {
        holdsPlaced.increment();
    }

    public void holdsReleased(long total) {
        holdsReleased.set(total);
    }

    public void redisHoldWrite(long nanos) {
        redisHoldWrite.record(Duration.ofNanos(nanos));
    }

    public void rulesLoaded(long version, long lists) {
        ruleReloads.increment();
        rulesVersion.set(version);
        listsVersion.set(lists);
    }

    public void redisOk() {
        redisUp.set(1);
        lastReloadMillis.set(System.currentTimeMillis());
    }

    public void redisError(String op) {
        redisUp.set(0);
        redisErrorCounter(op).increment();
    }

    /** A checkpoint completed: the exactly-once sinks have committed what was decided before it. */
    public void checkpointCompleted(long checkpointId) {
        lastCheckpointId.accumulateAndGet(checkpointId, Math::max);
        lastCheckpointMillis.set(System.currentTimeMillis());
    }

    /**
     * One expiry sweep of a stage's state on the heap backend (see the job's {@code RuleStage}):
     * how long it held the stage's thread in all (it is spread over the records and watermarks
     * after the minute's crossing), and how many keys it visited.
     */
    public void stateSwept(String state, int keys, long nanos) {
        sweeps.computeIfAbsent(
                        state,
                        k ->
                                Timer.builder("fraud.state.sweep")
                                        .description(
                                                "Expiry sweeps over a stage's keys (heap backend, once per minute of event time)")
                                        .tag("state", k)
                                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
        sweptKeys
                .computeIfAbsent(
                        state,
                        k ->
                                DistributionSummary.builder("fraud.state.sweep.keys")
                                        .description("Keys one expiry sweep visited")
                                        .tag("state", k)
                                        .register(registry))
                .record(keys);
    }

    public void ruleReloadFailure(String reason) {
        reloadFailureCounter(reason).increment();
    }

    private Counter redisErrorCounter(String op) {
        return redisErrors.computeIfAbsent(
                op,
                k ->
                        Counter.builder("fraud.redis.errors")
                                .description("Failed Redis calls, by operation")
                                .tag("op", k)
                                .register(registry));
    }

    private Counter reloadFailureCounter(String reason) {
        return ruleReloadFailures.computeIfAbsent(
                reason,
                k ->
                        Counter.builder("fraud.rules.reload.failures")
                                .description(
                                        "Rule sets rejected or not readable; the last good set stays in force")
                                .tag("reason", k)
                                .register(registry));
    }
}
