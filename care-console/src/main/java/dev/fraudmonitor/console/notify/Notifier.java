package dev.fraudmonitor.console.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudmonitor.console.AlertRecord;
import dev.fraudmonitor.console.Database;
import dev.fraudmonitor.model.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts new and escalated cases to webhooks. Deliveries are queued in an outbox table in the same
 * transaction that stored the alert, keyed by (endpoint, alertId): a replayed alert queues nothing
 * new. Each POST carries the alert id as {@code Idempotency-Key}, so a receiver that got a request
 * whose answer was lost can drop the retry. Failed attempts are retried with exponential backoff;
 * after the last one the delivery becomes a dead letter, shown on the console's deliveries page.
 */
public final class Notifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    /** A configured receiver. */
    public record Endpoint(String url, Format format) {}

    public enum Format {
        GENERIC,
        SLACK
    }

    private final Database db;
    private final List<Endpoint> endpoints;
    private final int maxAttempts;
    private final Duration backoff;
    private final String publicUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Counter delivered;
    private final Counter failed;
    private final Counter retries;
    private final Counter deadLetters;
    private final Thread thread;
    private final Object signal = new Object();
    private volatile boolean running = true;

    public Notifier(
            Database db,
            List<Endpoint> endpoints,
            int maxAttempts,
            Duration backoff,
            String publicUrl,
            MeterRegistry metrics) {
        this.db = db;
        this.endpoints = List.copyOf(endpoints);
        this.maxAttempts = Math.max(1, maxAttempts);
        this.backoff = backoff;
        this.publicUrl = publicUrl == null ? "" : publicUrl.replaceAll("/+$", "");
        delivered = metrics.counter("fraud.console.webhook.deliveries", "outcome", "delivered");
        failed = metrics.counter("fraud.console.webhook.deliveries", "outcome", "failed");
        retries = metrics.counter("fraud.console.webhook.retries");
        deadLetters = metrics.counter("fraud.console.webhook.dead.letters");
        thread = new Thread(this::run, "console-webhooks");
        thread.setDaemon(true);
    }

    public void start() {
        if (!endpoints.isEmpty()) {
            thread.start();
        }
    }

    /** Queues the notification for every endpoint, in the caller's transaction. */
    public int enqueue(Connection c, AlertRecord a, String caseId, String event) throws Exception {
        int n = 0;
        for (Endpoint e : endpoints) {
            try (PreparedStatement ins =
                    c.prepareStatement(
                            "insert into webhook_outbox (endpoint, format, event, idempotency_key, case_id,"
                                    + " payload) values (?, ?, ?, ?, ?, ?) on conflict do nothing")) {
                ins.setString(1, e.url());
                ins.setString(2, e.format().name());
                ins.setString(3, event);
                ins.setString(4, a.alertId());
                ins.setString(5, caseId);
                ins.setString(6, payload(e.format(), a, caseId, event));
                n += ins.executeUpdate();
            }
        }
        return n;
    }

    public void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    String payload(Format format, AlertRecord a, String caseId, String event) throws Exception {
        String link = publicUrl.isEmpty() ? null : publicUrl + "/cases/" + caseId;
        ArrayNode reasons = (ArrayNode) Json.mapper().readTree(a.reasonsJson());
        if (format == Format.SLACK) {
            StringBuilder t = new StringBuilder();
            t.append("NEW_CASE".equals(event) ? "New case " : "Case escalated to HOLD: ")
                    .append(caseId)
                    .append(" · ")
                    .append(a.action())
                    .append(" · score ")
                    .append(a.score());
            for (var r : reasons) {
                t.append("\n• ").append(r.path("text").asText(""));
            }
            if (link != null) {
                t.append("\n<").append(link).append("|Open the case>");
            }
            ObjectNode o = Json.mapper().createObjectNode();
            o.put("text", slackEscape(t.toString(), link));
            return Json.mapper().writeValueAsString(o);
        }
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("event", event);
        o.put("caseId", caseId);
        o.put("alertId", a.alertId());
        o.put("action", a.action());
        o.put("score", a.score());
        o.put("createdAt", a.createdAt().toString());
        ArrayNode rules = o.putArray("ruleIds");
        a.ruleIds().forEach(rules::add);
        ArrayNode texts = o.putArray("reasons");
        reasons.forEach(r -> texts.add(r.path("text").asText("")));
        if (link != null) {
            o.put("url", link);
        }
        return Json.mapper().writeValueAsString(o);
    }

    /** Slack reads &, < and > as markup; only the link we add may use them. */
    private static String slackEscape(String text, String link) {
        String marker = "\u0000LINK\u0000";
        String linkMarkup = link == null ? null : "<" + link + "|Open the case>";
        String t = linkMarkup == null ? text : text.replace(linkMarkup, marker);
        t = t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return linkMarkup == null ? t : t.replace(marker, linkMarkup);
    }

    private record Pending(
            long id, String url, String key, String payload, int attempts, Instant last) {}

    private void run() {
        while (running) {
            long waitMs = 1000;
            try {
                Instant now = Instant.now();
                for (Pending p : pending()) {
                    Instant due = p.attempts() == 0 ? now : p.last().plus(delay(p.attempts()));
                    if (due.isAfter(now)) {
                        waitMs =
                                Math.min(
                                        waitMs,
                                        Math.max(10, Duration.between(now, due).toMillis()));
                        continue;
                    }
                    deliver(p);
                    waitMs = 0;
                }
            } catch (RuntimeException e) {
                LOG.warn("Webhook delivery paused, retrying: {}", e.getMessage());
            }
            if (waitMs > 0) {
                synchronized (signal) {
                    try {
                        signal.wait(waitMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /** Delay before attempt {@code attempts + 1}: backoff, 2 × backoff, 4 × backoff, ... */
    Duration delay(int attempts) {
        return backoff.multipliedBy(1L << Math.min(20, attempts - 1));
    }

    private List<Pending> pending() {
        return db.tx(
                c -> {
                    List<Pending> out = new ArrayList<>();
                    try (PreparedStatement q =
                                    c.prepareStatement(
                                            "select o.id, o.endpoint, o.idempotency_key, o.payload,"
                                                    + " count(a.id), max(a.at) from webhook_outbox o"
                                                    + " left join webhook_attempts a on a.outbox_id = o.id"
                                                    + " where not exists (select 1 from webhook_dead_letters d where d.outbox_id = o.id)"
                                                    + " group by o.id having not coalesce(bool_or(a.delivered), false)"
                                                    + " order by o.id limit 200");
                            ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            out.add(
                                    new Pending(
                                            rs.getLong(1),
                                            rs.getString(2),
                                            rs.getString(3),
                                            rs.getString(4),
                                            rs.getInt(5),
                                            rs.getTimestamp(6) == null
                                                    ? null
                                                    : rs.getTimestamp(6).toInstant()));
                        }
                    }
                    return out;
                });
    }

    private void deliver(Pending p) {
        int attempt = p.attempts() + 1;
        if (attempt > 1) {
            retries.increment();
        }
        Integer status = null;
        String error = null;
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(p.url()))
                                    .timeout(Duration.ofSeconds(10))
                                    .header("Content-Type", "application/json")
                                    .header("Idempotency-Key", p.key())
                                    .POST(HttpRequest.BodyPublishers.ofString(p.payload()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            status = r.statusCode();
            if (status / 100 != 2) {
                error = "HTTP " + status;
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        boolean ok = error == null;
        boolean dead = !ok && attempt >= maxAttempts;
        Integer httpStatus = status;
        String err = error;
        db.tx(
                c -> {
                    try (PreparedStatement ins =
                            c.prepareStatement(
                                    "insert into webhook_attempts (outbox_id, attempt, http_status, error, delivered)"
                                            + " values (?, ?, ?, ?, ?)")) {
                        ins.setLong(1, p.id());
                        ins.setInt(2, attempt);
                        if (httpStatus == null) {
                            ins.setNull(3, java.sql.Types.INTEGER);
                        } else {
                            ins.setInt(3, httpStatus);
                        }
                        ins.setString(4, err);
                        ins.setBoolean(5, ok);
                        ins.executeUpdate();
                    }
                    if (dead) {
                        try (PreparedStatement ins =
                                c.prepareStatement(
                                        "insert into webhook_dead_letters (outbox_id, attempts, last_error)"
                                                + " values (?, ?, ?) on conflict do nothing")) {
                            ins.setLong(1, p.id());
                            ins.setInt(2, attempt);
                            ins.setString(3, err);
                            ins.executeUpdate();
                        }
                    }
                    return null;
                });
        if (ok) {
            delivered.increment();
        } else {
            failed.increment();
            if (dead) {
                deadLetters.increment();
                LOG.warn(
                        "Webhook to {} for {} gave up after {} attempts: {}",
                        p.url(),
                        p.key(),
                        attempt,
                        err);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        wake();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
