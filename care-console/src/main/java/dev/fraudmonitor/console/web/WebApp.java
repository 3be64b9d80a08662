package dev.fraudmonitor.console.web;

import dev.fraudmonitor.clients.HoldReleaser;
import dev.fraudmonitor.clients.RedisKeys;
import dev.fraudmonitor.console.Database;
import dev.fraudmonitor.console.auth.LoginLimiter;
import dev.fraudmonitor.console.auth.Sessions;
import dev.fraudmonitor.console.auth.Sessions.Session;
import dev.fraudmonitor.console.auth.Users;
import dev.fraudmonitor.console.cases.ActionException;
import dev.fraudmonitor.console.cases.CaseActions;
import dev.fraudmonitor.console.cases.CaseQueries;
import dev.fraudmonitor.console.cases.Views.AlertView;
import dev.fraudmonitor.console.cases.Views.CaseView;
import dev.fraudmonitor.console.cases.Views.HoldView;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.Verdict;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * The console's web server. Everything but {@code /health} and the login form needs a login; every
 * POST needs the session's CSRF token; pages are jte templates that escape every value, and the
 * Content-Security-Policy allows no inline script or style, so text that came from an event can
 * only ever show as text.
 */
public final class WebApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebApp.class);
    static final String COOKIE = "console_session";
    static final String CSP =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
                    + " connect-src 'self'; form-action 'self'; frame-ancestors 'none';"
                    + " base-uri 'none'; object-src 'none'";
    private static final Set<String> PUBLIC =
            Set.of("/health", "/login", "/static/app.css", "/static/app.js");

    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    private final Users users;
    private final Sessions sessions;
    private final LoginLimiter limiter;
    private final CaseQueries queries;
    private final CaseActions actions;
    private final RedisClient redis;
    private final RedisKeys keys;
    private final AtomicLong version;
    private final boolean secureCookies;
    private final boolean trustProxy;
    private final Database db;
    private final Javalin app;

    /** One message per session, shown on the page an action redirects to. */
    private final Map<String, String> flashes = new ConcurrentHashMap<>();

    public WebApp(
            Users users,
            Sessions sessions,
            LoginLimiter limiter,
            Database db,
            CaseQueries queries,
            CaseActions actions,
            RedisClient redis,
            RedisKeys keys,
            AtomicLong version,
            boolean secureCookies,
            boolean trustProxy) {
        this.users = users;
        this.sessions = sessions;
        this.limiter = limiter;
        this.db = db;
        this.queries = queries;
        this.actions = actions;
        this.redis = redis;
        this.keys = keys;
        this.version = version;
        this.secureCookies = secureCookies;
        this.trustProxy = trustProxy;
        this.app =
                Javalin.create(
                        config -> {
                            config.startup.showJavalinBanner = false;
                            config.routes.before(this::guard);
                            config.routes.get("/health", this::health);
                            config.routes.get(
                                    "/static/app.css", ctx -> asset(ctx, "app.css", "text/css"));
                            config.routes.get(
                                    "/static/app.js",
                                    ctx -> asset(ctx, "app.js", "text/javascript"));
                            config.routes.get("/login", this::loginForm);
                            config.routes.post("/login", this::login);
                            config.routes.post("/logout", this::logout);
                            config.routes.get("/", this::queue);
                            config.routes.get("/queue/fragment", this::queueFragment);
                            config.routes.get(
                                    "/api/version",
                                    ctx -> ctx.result(Long.toString(version.get())));
                            config.routes.get("/cases/{id}", this::casePage);
                            config.routes.get("/cases/{id}/fragment", this::caseFragment);
                            config.routes.post(
                                    "/cases/{id}/assign",
                                    ctx ->
                                            act(
                                                    ctx,
                                                    s -> {
                                                        actions.assignToMe(s.user(), id(ctx));
                                                        return "Assigned to you.";
                                                    }));
                            config.routes.post(
                                    "/cases/{id}/note",
                                    ctx ->
                                            act(
                                                    ctx,
                                                    s -> {
                                                        actions.note(
                                                                s.user(),
                                                                id(ctx),
                                                                ctx.formParam("text"));
                                                        return "Note added.";
                                                    }));
                            config.routes.post("/cases/{id}/release", this::release);
                            config.routes.post("/cases/{id}/decide", this::decide);
                            config.routes.post(
                                    "/cases/{id}/merge",
                                    ctx ->
                                            act(
                                                    ctx,
                                                    s -> {
                                                        actions.merge(
                                                                s.user(),
                                                                id(ctx),
                                                                ctx.formParam("into"),
                                                                ctx.formParam("reason"));
                                                        return "Merged into "
                                                                + ctx.formParam("into")
                                                                + ".";
                                                    }));
                            config.routes.post("/cases/{id}/split", this::split);
                            config.routes.get("/deliveries", this::deliveries);
                            config.routes.exception(
                                    Database.UnavailableException.class,
                                    (e, ctx) -> failure(ctx, 503, e.getMessage()));
                            config.routes.exception(
                                    ActionException.class,
                                    (e, ctx) -> failure(ctx, 409, e.getMessage()));
                            config.routes.exception(
                                    Exception.class,
                                    (e, ctx) -> {
                                        LOG.warn(
                                                "Request {} {} failed",
                                                ctx.method(),
                                                ctx.path(),
                                                e);
                                        failure(
                                                ctx,
                                                500,
                                                "That did not work: "
                                                        + rootMessage(e)
                                                        + ". Nothing was changed; try again, and if it keeps failing tell the on-call engineer.");
                                    });
                        });
    }

    public WebApp start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    // --- security -------------------------------------------------------------------------

    private void guard(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        // "no-referrer" would make Chrome send "Origin: null" on our own form posts, which the
        // origin check below refuses; "same-origin" keeps URLs from leaving the console.
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
        String path = ctx.path();
        Optional<Session> session = sessions.get(ctx.cookie(COOKIE));
        session.ifPresent(s -> ctx.attribute("session", s));
        if (ctx.method() == HandlerType.POST) {
            // A cross-site form post carries another origin (or none with SameSite=Strict cookies).
            String origin = ctx.header("Origin");
            String host = ctx.header("Host");
            boolean sameOrigin =
                    origin == null
                            || (host != null
                                    && (origin.equals("http://" + host)
                                            || origin.equals("https://" + host)));
            String token = ctx.formParam("_csrf");
            if (token == null) {
                token = ctx.header("X-CSRF-Token");
            }
            if (!sameOrigin
                    || session.isEmpty()
                    || token == null
                    || !constantTimeEquals(token, session.get().csrf())) {
                ctx.status(403)
                        .result(
                                "Refused: this form is stale or came from another site. Reload the page and try again.");
                ctx.skipRemainingHandlers();
                return;
            }
        }
        if (PUBLIC.contains(path)) {
            return;
        }
        if (session.isEmpty() || !session.get().loggedIn()) {
            if (ctx.method() == HandlerType.GET
                    && !path.startsWith("/api/")
                    && !path.endsWith("/fragment")) {
                ctx.redirect("/login");
            } else {
                ctx.status(401).result("Log in first.");
            }
            ctx.skipRemainingHandlers();
        }
    }

    /**
     * The address the login limit counts. Behind a proxy every request comes from the proxy, so one
     * guesser would lock out every rep; the proxy appends the real client as the last
     * X-Forwarded-For entry (entries before it are whatever the client sent).
     */
    private String clientAddress(Context ctx) {
        String forwarded = trustProxy ? ctx.header("X-Forwarded-For") : null;
        if (forwarded == null || forwarded.isBlank()) {
            return ctx.ip();
        }
        String[] hops = forwarded.split(",");
        return hops[hops.length - 1].strip();
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private void setSessionCookie(Context ctx, String id) {
        ctx.header(
                "Set-Cookie",
                COOKIE
                        + "="
                        + id
                        + "; Path=/; HttpOnly; SameSite=Strict"
                        + (secureCookies ? "; Secure" : ""));
    }

    private void loginForm(Context ctx) {
        Optional<Session> s = session(ctx);
        if (s.isPresent() && s.get().loggedIn()) {
            ctx.redirect("/");
            return;
        }
        Session anon = s.orElseGet(sessions::anonymous);
        setSessionCookie(ctx, anon.id());
        render(
                ctx,
                "login.jte",
                Map.of("page", new Page("Log in", null, null, anon.csrf(), null, null)));
    }

    private void login(Context ctx) {
        Session anon = session(ctx).orElseThrow();
        String name = Optional.ofNullable(ctx.formParam("username")).orElse("").strip();
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        String ip = clientAddress(ctx);
        if (limiter.blocked(ip, name)) {
            ctx.status(429);
            render(
                    ctx,
                    "login.jte",
                    Map.of(
                            "page",
                            new Page(
                                    "Log in",
                                    null,
                                    null,
                                    anon.csrf(),
                                    null,
                                    "Too many failed logins. Wait "
                                            + limiter.window().toMinutes()
                                            + " minutes, or ask an admin.")));
            return;
        }
        Optional<Users.User> user = users.authenticate(name, password);
        if (user.isEmpty()) {
            limiter.failed(ip, name);
            ctx.status(401);
            render(
                    ctx,
                    "login.jte",
                    Map.of(
                            "page",
                            new Page(
                                    "Log in",
                                    null,
                                    null,
                                    anon.csrf(),
                                    null,
                                    "Unknown user or wrong password.")));
            return;
        }
        limiter.succeeded(ip, name);
        Session s = sessions.login(anon.id(), user.get().name(), user.get().role());
        setSessionCookie(ctx, s.id());
        LOG.info("{} logged in", s.user());
        ctx.redirect("/");
    }

    private void logout(Context ctx) {
        sessions.logout(ctx.cookie(COOKIE));
        ctx.header(
                "Set-Cookie",
                COOKIE
                        + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
                        + (secureCookies ? "; Secure" : ""));
        ctx.redirect("/login");
    }

    private void health(Context ctx) {
        boolean dbUp;
        try {
            dbUp = db.tx(c -> c.isValid(1));
        } catch (RuntimeException e) {
            dbUp = false;
        }
        ctx.status(dbUp ? 200 : 503)
                .contentType("application/json")
                .result(
                        dbUp
                                ? "{\"status\":\"UP\"}"
                                : "{\"status\":\"DOWN\",\"database\":\"unreachable\"}");
    }

    // --- pages ----------------------------------------------------------------------------

    private void queue(Context ctx) {
        Session s = session(ctx).orElseThrow();
        var f = filter(ctx);
        Map<String, Object> m = new LinkedHashMap<>();
        // Read before the data: a change stored while the page renders moves the counter past
        // this value, so the page's first poll fetches it.
        m.put("version", version.get());
        m.put("page", page(ctx, s, "Queue"));
        m.put("rows", queries.queue(f));
        m.put("action", f.action());
        m.put("status", f.status() == null ? "ALL" : f.status());
        m.put("assignee", f.assignee());
        m.put(
                "fragmentUrl",
                "/queue/fragment" + (ctx.queryString() == null ? "" : "?" + ctx.queryString()));
        render(ctx, "queue.jte", m);
    }

    private void queueFragment(Context ctx) {
        render(ctx, "queueRows.jte", Map.of("rows", queries.queue(filter(ctx))));
    }

    private static CaseQueries.Filter filter(Context ctx) {
        String action = blankToNull(ctx.queryParam("action"));
        String status = ctx.queryParam("status");
        status = status == null ? "OPEN" : "ALL".equals(status) || status.isBlank() ? null : status;
        return new CaseQueries.Filter(action, status, blankToNull(ctx.queryParam("assignee")));
    }

    private void casePage(Context ctx) {
        Session s = session(ctx).orElseThrow();
        long seen = version.get();
        CaseView c = withHolds(found(id(ctx)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", seen);
        m.put("page", page(ctx, s, "Case " + c.caseId()));
        m.put("c", c);
        m.put("mayAct", s.role().mayAct());
        render(ctx, "case.jte", m);
    }

    private void caseFragment(Context ctx) {
        render(ctx, "caseBody.jte", Map.of("c", withHolds(found(id(ctx)))));
    }

    private void deliveries(Context ctx) {
        Session s = session(ctx).orElseThrow();
        if (!s.role().maySeeDeliveries()) {
            ctx.status(403).result("Only analysts and admins see webhook deliveries.");
            return;
        }
        render(
                ctx,
                "deliveries.jte",
                Map.of("page", page(ctx, s, "Webhook deliveries"), "rows", queries.deadLetters()));
    }

    private CaseView found(String id) {
        return queries.find(id)
                .orElseThrow(() -> new ActionException("There is no case " + id + "."));
    }

    /** Adds the hold state of each order as Redis has it right now. */
    private CaseView withHolds(CaseView c) {
        List<HoldView> holds = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (AlertView a : c.alerts()) {
            if (a.orderId() == null || seen.contains(a.orderId())) {
                continue;
            }
            seen.add(a.orderId());
            try {
                String json = redis.get(keys.hold(a.orderId()));
                if (json == null) {
                    if ("HOLD".equals(a.action())) {
                        holds.add(
                                new HoldView(
                                        a.orderId(),
                                        "NONE",
                                        null,
                                        null,
                                        "no hold record in Redis"));
                    }
                    continue;
                }
                var n = Json.mapper().readTree(json);
                holds.add(
                        new HoldView(
                                a.orderId(),
                                n.path("status").asText("HELD"),
                                n.path("releasedBy").asText(null),
                                n.path("releasedAt").asText(null),
                                null));
            } catch (Exception e) {
                holds.add(
                        new HoldView(
                                a.orderId(),
                                "UNKNOWN",
                                null,
                                null,
                                "Redis unreachable: " + rootMessage(e)));
            }
        }
        return new CaseView(
                c.caseId(),
                c.status(),
                c.action(),
                c.score(),
                c.assignee(),
                c.createdAt(),
                c.closedAt(),
                c.mergedInto(),
                c.alerts(),
                holds,
                c.audit());
    }

    // --- actions --------------------------------------------------------------------------

    @FunctionalInterface
    private interface Action {
        String run(Session s) throws Exception;
    }

    private void act(Context ctx, Action action) throws Exception {
        Session s = session(ctx).orElseThrow();
        if (!s.role().mayAct()) {
            if (!ctx.path().endsWith("/note")) {
                ctx.status(403)
                        .result("Your role (" + s.role() + ") may read cases but not act on them.");
                return;
            }
        }
        String message = action.run(s);
        String target =
                ctx.path().matches("/cases/[^/]+/.*")
                        ? ctx.path().replaceAll("^(/cases/[^/]+)/.*$", "$1")
                        : "/";
        flashes.put(s.id(), message);
        ctx.redirect(target, HttpStatus.SEE_OTHER);
    }

    private void release(Context ctx) throws Exception {
        act(
                ctx,
                s -> {
                    HoldReleaser.Outcome o =
                            actions.releaseHold(
                                    s.user(),
                                    id(ctx),
                                    ctx.formParam("orderId"),
                                    ctx.formParam("reason"));
                    return switch (o.status()) {
                        case RELEASED -> "Hold on order " + ctx.formParam("orderId") + " released.";
                        case ALREADY_RELEASED ->
                                "Order "
                                        + ctx.formParam("orderId")
                                        + " was already released by "
                                        + o.releasedBy()
                                        + "; the release record was sent again.";
                        case NOT_FOUND ->
                                "No hold record for order " + ctx.formParam("orderId") + ".";
                    };
                });
    }

    private void decide(Context ctx) throws Exception {
        act(
                ctx,
                s -> {
                    Verdict v;
                    try {
                        v = Verdict.valueOf(String.valueOf(ctx.formParam("verdict")));
                    } catch (IllegalArgumentException e) {
                        throw new ActionException("Choose Confirm fraud or Mark legitimate.");
                    }
                    int n = actions.decide(s.user(), id(ctx), v, ctx.formParam("reason"));
                    return (v == Verdict.FRAUD ? "Confirmed as fraud" : "Marked legitimate")
                            + ": "
                            + n
                            + " alert(s) labelled, case closed.";
                });
    }

    private void split(Context ctx) throws Exception {
        act(
                ctx,
                s ->
                        "Split into new case "
                                + actions.split(
                                        s.user(),
                                        id(ctx),
                                        ctx.formParams("alertId"),
                                        ctx.formParam("reason"))
                                + ".");
    }

    // --- helpers --------------------------------------------------------------------------

    private void failure(Context ctx, int status, String message) {
        Optional<Session> s = session(ctx);
        ctx.status(status);
        if (s.isPresent()
                && s.get().loggedIn()
                && !ctx.path().startsWith("/api/")
                && !ctx.path().endsWith("/fragment")) {
            render(
                    ctx,
                    "message.jte",
                    Map.of(
                            "page",
                            new Page(
                                    "Not done",
                                    s.get().user(),
                                    s.get().role().name(),
                                    s.get().csrf(),
                                    null,
                                    message)));
        } else {
            ctx.contentType("text/plain; charset=utf-8").result(message);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static Optional<Session> session(Context ctx) {
        return Optional.ofNullable(ctx.attribute("session"));
    }

    private static String id(Context ctx) {
        return ctx.pathParam("id");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private Page page(Context ctx, Session s, String title) {
        return new Page(title, s.user(), s.role().name(), s.csrf(), flashes.remove(s.id()), null);
    }

    private void render(Context ctx, String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        templates.render(template, params, out);
        ctx.contentType("text/html; charset=utf-8").result(out.toString());
    }

    private static void asset(Context ctx, String name, String type) throws IOException {
        try (InputStream in = WebApp.class.getResourceAsStream("/public/" + name)) {
            ctx.contentType(type + "; charset=utf-8").result(in.readAllBytes());
        }
        ctx.header("Cache-Control", "max-age=300");
    }

    @Override
    public void close() {
        app.stop();
    }
}
