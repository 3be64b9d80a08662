package dev.fraudmonitor.console;

import com.sun.net.httpserver.HttpServer;
import dev.fraudmonitor.console.cases.CaseQueries;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's Prometheus metrics, served on their own port so that Prometheus needs no login and
 * the web port stays login-only. Figures that need the database (open cases, rule precision) are
 * refreshed by {@link #refresh()} on a schedule, so a scrape never waits on PostgreSQL.
 */
public final class ConsoleMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleMetrics.class);

    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicLong openCases = new AtomicLong();
    private final MultiGauge precision;
    private final MultiGauge labelled;
    private HttpServer server;

    public ConsoleMetrics() {
        Gauge.builder("fraud.console.cases.open", openCases, AtomicLong::get)
                .description("open cases in the reps' queue")
                .register(registry);
        precision =
                MultiGauge.builder("fraud.console.rule.precision")
                        .description(
                                "confirmed fraud ÷ labelled alerts the rule fired in (latest label per alert)")
                        .register(registry);
        labelled =
                MultiGauge.builder("fraud.console.rule.labelled.alerts")
                        .description("labelled alerts the rule fired in (latest label per alert)")
                        .register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Reads the database figures; keeps the last ones if PostgreSQL is unreachable. */
    public void refresh(CaseQueries queries) {
        try {
            openCases.set(queries.openCases());
            Map<String, long[]> p = queries.precision();
            List<MultiGauge.Row<?>> pr = new ArrayList<>();
            List<MultiGauge.Row<?>> lr = new ArrayList<>();
            p.forEach(
                    (rule, counts) -> {
                        pr.add(
                                MultiGauge.Row.of(
                                        Tags.of("rule", rule), (double) counts[0] / counts[1]));
                        lr.add(MultiGauge.Row.of(Tags.of("rule", rule), counts[1]));
                    });
            precision.register(pr, true);
            labelled.register(lr, true);
        } catch (RuntimeException e) {
            LOG.warn("Metrics from the database not refreshed: {}", e.getMessage());
        }
    }

    /** Serves {@code /metrics}; returns the bound port. */
    public int serve(String host, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext(
                "/metrics",
                exchange -> {
                    byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders()
                            .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.start();
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        registry.close();
    }
}
