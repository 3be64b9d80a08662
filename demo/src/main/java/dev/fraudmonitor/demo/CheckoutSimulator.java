package dev.fraudmonitor.demo;

import dev.fraudmonitor.model.AccountChangeData;
import dev.fraudmonitor.model.ChangeKind;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.EventData;
import dev.fraudmonitor.model.EventType;
import dev.fraudmonitor.model.FieldEnteredData;
import dev.fraudmonitor.model.FieldKind;
import dev.fraudmonitor.model.LoginData;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.model.OrderPlacedData;
import dev.fraudmonitor.model.PageViewData;
import dev.fraudmonitor.model.PaymentAttemptData;
import dev.fraudmonitor.model.PaymentOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated checkout traffic: many customers browsing, logging in, filling in checkout fields,
 * paying and ordering at once, with attacks and benign look-alikes mixed in, every session labelled
 * with its {@link Typology}.
 *
 * <p>Behaviour is drawn from distributions (log-normal amounts, durations and attack sizes, Poisson
 * counts, exponential gaps), not placed next to the default rules' limits, so some attacks are mild
 * and some customers busy. Every attack or look-alike is an incident of one or more sessions (a
 * split takeover's second session comes minutes to hours after the first), announced to the {@link
 * SessionListener} with its incident id.
 *
 * <p>Time follows the {@link Ticker}: sessions unfold over tens of seconds (a person takes a while
 * to check out), and each event's {@code occurredAt} is the time it is sent minus up to 150 ms of
 * jitter; about 3% of browsing events arrive up to 2 s out of order. With {@code maxDisorder} every
 * event is delivered up to that much after it occurred instead. With {@code historyCustomers},
 * those customers' past visits are replayed first, with past timestamps.
 *
 * <p>How a run goes: a few customers "warm up" first (an ordinary login from their usual device,
 * country and IP, so that new-device/new-country rules have history to compare with); from 3.5 s
 * on, one session of every typology is started ({@code everyTypology}, on by default, so a short
 * run shows them all); from then on new sessions are started at the rate that keeps the event rate
 * at {@code rate}, a fraction {@code attackRatio} of them attacks and half as many benign
 * look-alikes. With a duration, no new session starts that would not finish in time (except the
 * one-of-each sessions, whose pauses are cut to seconds but which may still run a minute or two
 * past it), and the run ends when the last session has finished.
 *
 * <p>Deterministic given the seed and the start time: the sessions, ids, hashes and the order of
 * events are the same every run; only the timestamps follow the clock (use {@link Ticker#virtual}
 * to make those deterministic too).
 *
 * <p>Single-threaded: {@link #run} runs on the caller's thread; {@link #stop()} may be called from
 * any thread.
 */
public final class CheckoutSimulator {

    /**
     * @param rate target events per second, over all sessions
     * @param duration how long to start new sessions; null runs until {@link #stop()}
     * @param attackRatio fraction of new sessions that are attacks, 0..1
     * @param everyTypology start one session of every typology early in the run
     * @param historyCustomers customers whose past visits (up to {@link #HISTORY_SPAN} before the
     *     start) are replayed, with their own timestamps, before the run's traffic: the history
     *     that new-value and velocity rules compare with. 0 for a live demo, whose clock is real
     * @param maxDisorder when positive, every event is delivered up to this much after it occurred,
     *     uniformly, so events of a session arrive out of order; zero keeps the default jitter (up
     *     to 150 ms, a few browsing events up to 2 s late)
     */
    public record Settings(
            double rate,
            Duration duration,
            double attackRatio,
            long seed,
            boolean everyTypology,
            int historyCustomers,
            Duration maxDisorder) {
        public Settings(
                double rate,
                Duration duration,
                double attackRatio,
                long seed,
                boolean everyTypology) {
            this(rate, duration, attackRatio, seed, everyTypology, 0, Duration.ZERO);
        }

        public Settings {
            if (historyCustomers < 0) {
                throw new IllegalArgumentException(
                        "historyCustomers must be 0 or more: " + historyCustomers);
            }
            maxDisorder = maxDisorder == null ? Duration.ZERO : maxDisorder;
            if (maxDisorder.isNegative()) {
                throw new IllegalArgumentException(
                        "maxDisorder must not be negative: " + maxDisorder);
            }
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("rate must be a positive number: " + rate);
            }
            if (!(attackRatio >= 0 && attackRatio <= 1)) {
                throw new IllegalArgumentException("attackRatio must be in 0..1: " + attackRatio);
            }
            if (duration != null && (duration.isNegative() || duration.isZero())) {
                throw new IllegalArgumentException("duration must be positive: " + duration);
            }
        }

        public static Settings defaults() {
            return new Settings(50, null, 0.1, 42, true);
        }

        public Settings withHistory(int customers) {
            return new Settings(
                    rate, duration, attackRatio, seed, everyTypology, customers, maxDisorder);
        }

        public Settings withDisorder(Duration max) {
            return new Settings(
                    rate, duration, attackRatio, seed, everyTypology, historyCustomers, max);
        }
    }

    /** How far back replayed history goes; the new-value rules remember 90 days. */
    static final Duration HISTORY_SPAN = Duration.ofDays(60);

    /**
     * How long an account has been around before it counts as an established customer (loyal buyer,
     * big spender, second card): one that ordered for the first time an hour ago is a new customer,
     * whose repeat orders look like, and are scored as, order velocity.
     */
    static final Duration ESTABLISHED = Duration.ofDays(7);

    /** Customers warmed up at the start: enough victims for one of every typology and more. */
    static final int WARMUP_CUSTOMERS = 12;

    /** Warmed-up customers ordinary sessions leave alone, as victims/travellers/typists. */
    static final int KEPT_CUSTOMERS = 4;

    /** When the one-of-each sessions start, after the warm-up logins. */
    static final long EVERY_TYPOLOGY_FROM_MS = 3_500;

    static final long EVERY_TYPOLOGY_STEP_MS = 350;

    /** Longest pause between the sessions of a one-of-each incident. */
    static final long SHOWCASE_MAX_PAUSE_MS = 5_000;

    /** Longest gap between the tries of a one-of-each attack. */
    static final long SHOWCASE_MAX_GAP_MS = 500;

    /** A customer is a takeover/traveller/typo victim only this long after their last login. */
    static final long HISTORY_GAP_MS = 2_000;

    static final int MAX_LATE_MS = 2_000;

    private static final String[] HOME_COUNTRIES = {
        "GB", "GB", "GB", "DE", "DE", "FR", "NL", "ES", "IT", "IE", "US", "SE", "PL"
    };
    private static final String[] RISKY_COUNTRIES = {"RO", "NG", "BR", "VN", "ID", "UA", "PH"};
    private static final String[] TRAVEL_COUNTRIES = {"ES", "IT", "PT", "GR", "US", "JP", "TH"};
    private static final String[] EMAIL_DOMAINS = {
        "gmail.com",
        "outlook.com",
        "yahoo.com",
        "icloud.com",
        "gmx.de",
        "orange.fr",
        "web.de",
        "hotmail.co.uk",
        "proton.me"
    };
    private static final String[] BROWSERS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko)"
                + " Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
                + " Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
    };

    /**
     * Real but dated browser strings: a few customers still run them, and attack toolkits send one
     * for every request. Toolkits ship long lists of them, so two campaigns seldom send the same
     * one: Chrome 100–119 on three systems and Firefox 100–115 on two, 92 strings.
     */
    private static final String[] DATED_BROWSERS = datedBrowsers();

    private static String[] datedBrowsers() {
        List<String> out = new ArrayList<>();
        String[] systems = {
            "Windows NT 10.0; Win64; x64", "Windows NT 6.1; Win64; x64", "X11; Linux x86_64"
        };
        for (int v = 100; v <= 119; v++) {
            for (String sys : systems) {
                out.add(
                        "Mozilla/5.0 ("
                                + sys
                                + ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"
                                + v
                                + ".0.0.0 Safari/537.36");
            }
        }
        for (int v = 100; v <= 115; v++) {
            for (String sys : new String[] {"Windows NT 10.0; Win64; x64", "X11; Linux x86_64"}) {
                out.add(
                        "Mozilla/5.0 ("
                                + sys
                                + "; rv:"
                                + v
                                + ".0) Gecko/20100101 Firefox/"
                                + v
                                + ".0");
            }
        }
        return out.toArray(String[]::new);
    }

    private static final String[] BOTS = {
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " HeadlessChrome/131.0.0.0 Safari/537.36",
        "python-requests/2.32.3",
        "Go-http-client/1.1"
    };
    private static final String[] CATEGORIES = {
        "shoes", "jackets", "bags", "kitchen", "toys", "garden", "phones", "books"
    };
    private static final String[] REFERRERS = {
        "https://www.google.com/", "https://www.bing.com/", "https://www.instagram.com/"
    };
    private static final String[] DECLINE_CODES = {
        "do_not_honor", "insufficient_funds", "invalid_cvc", "expired_card", "card_declined"
    };
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final Settings settings;
    private final SessionListener listener;
    private final Random rnd;
    private final Random jitter;
    private final BlockList blockList;
    private final List<Customer> customers = new ArrayList<>();
    private final Set<String> usedIps = new HashSet<>();
    private final PriorityQueue<Pending> queue =
            new PriorityQueue<>(
                    Comparator.comparingLong((Pending p) -> p.dueAt).thenComparingLong(p -> p.seq));
    private final Map<Typology, AtomicLong> sessionCounts = new EnumMap<>(Typology.class);
    private final AtomicLong eventsSent = new AtomicLong();
    private final MessageDigest sha256;
    private long pendingSeq;
    private long scheduledEvents;
    private int blockKindCursor;
    private boolean showcase;
    private volatile boolean stopRequested;

    public CheckoutSimulator(Settings settings, SessionListener listener) {
        this.settings = settings;
        this.listener = listener == null ? (s, a, t) -> {} : listener;
        this.rnd = new Random(settings.seed());
        this.jitter = new Random(settings.seed() ^ 0x5DEECE66DL);
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Typology t : Typology.values()) {
            sessionCounts.put(t, new AtomicLong());
        }
        this.blockList = makeBlockList();
    }

    /** The values BLOCK_LIST_HIT sessions use; put them on the job's block lists before a run. */
    public BlockList blockList() {
        return blockList;
    }

    /** Events handed to the sink so far. */
    public long eventsSent() {
        return eventsSent.get();
    }

    /** Sessions started so far, per typology. */
    public Map<Typology, Long> sessionCounts() {
        Map<Typology, Long> m = new EnumMap<>(Typology.class);
        sessionCounts.forEach((t, n) -> m.put(t, n.get()));
        return m;
    }

    /** Asks {@link #run} to return soon; sessions in flight are abandoned. */
    public void stop() {
        stopRequested = true;
    }

    /** Runs on the system clock until the duration is over or {@link #stop()} is called. */
    public void run(EventSink sink) throws InterruptedException {
        run(sink, Ticker.system());
    }

    /** Runs on {@code ticker} until the duration is over or {@link #stop()} is called. */
    public void run(EventSink sink, Ticker ticker) throws InterruptedException {
        long start = ticker.millis();
        long end =
                settings.duration() == null
                        ? Long.MAX_VALUE
                        : start + settings.duration().toMillis();
        for (int i = 0; i < settings.historyCustomers(); i++) {
            replayHistory(newCustomer(), start);
        }
        for (int i = 0; i < WARMUP_CUSTOMERS; i++) {
            Customer c = newCustomer();
            // a few are kept out of ordinary traffic so victims are ready for the one-of-each
            c.keptForLookAlikes = i < KEPT_CUSTOMERS;
            schedule(warmup(c), start + 100L * i);
        }
        Deque<Typology> everyOnce = new ArrayDeque<>();
        if (settings.everyTypology()) {
            for (Typology t : Typology.values()) {
                if (t != Typology.NORMAL) {
                    everyOnce.add(t);
                }
            }
        }
        long nextEveryOnce = start + EVERY_TYPOLOGY_FROM_MS;
        long lastFlush = start;
        while (!stopRequested) {
            long now = ticker.millis();
            boolean open = now < end;
            // One of each even past the end of a short run: that is what a short run is for.
            while (!everyOnce.isEmpty() && now >= nextEveryOnce) {
                showcase = true;
                List<Script> scripts = build(everyOnce.peek(), now);
                showcase = false;
                if (scripts == null && now < nextEveryOnce + 60_000) {
                    break; // no victim ready yet; try again next tick
                }
                everyOnce.poll();
                if (scripts != null) {
                    scheduleAll(scripts, now);
                }
                nextEveryOnce = now + EVERY_TYPOLOGY_STEP_MS;
            }
            if (open) {
                double budget = settings.rate() * ((now - start) / 1000.0 + 1.0);
                int attempts = 0;
                while (scheduledEvents < budget && attempts++ < 50) {
                    List<Script> scripts = build(pickTypology(), now);
                    if (scripts == null || !fits(scripts, now, end)) {
                        scripts = List.of(browseOnly(now));
                        if (!fits(scripts, now, end)) {
                            break;
                        }
                    }
                    scheduleAll(scripts, now);
                }
            }
            while (!queue.isEmpty() && queue.peek().dueAt <= now) {
                Pending p = queue.poll();
                sink.send(stamp(p, now));
                eventsSent.incrementAndGet();
            }
            if (now - lastFlush >= 500) {
                sink.flush();
                lastFlush = now;
            }
            if (!open && queue.isEmpty() && everyOnce.isEmpty()) {
                break;
            }
            long next = now + 20;
            if (!queue.isEmpty()) {
                next = Math.min(next, Math.max(now + 1, queue.peek().dueAt));
            }
            ticker.sleepUntil(next);
        }
        sink.flush();
    }

    // ---------------------------------------------------------------- scheduling

    /**
     * @param occurredAt the event time to stamp, or -1 to stamp it when sent (real-time runs)
     */
    private record Pending(
            long dueAt, long seq, CheckoutEvent event, boolean mayBeLate, long occurredAt) {}

    private record Step(long offset, CheckoutEvent event) {}

    /** One session's events, relative to its start. */
    private final class Script {
        final String sessionId;
        final Typology typology;
        String incidentId;
        final String labelAccount;
        final long delay;
        final List<Step> steps = new ArrayList<>();
        final List<java.util.function.LongConsumer> onSchedule = new ArrayList<>();
        String accountId;
        String ip;
        String ipCountry;
        String userAgent;
        String deviceId;
        private int n;

        Script(Typology typology, String labelAccount, long delay) {
            this.sessionId = "s-" + token(14);
            this.typology = typology;
            this.labelAccount = labelAccount;
            this.delay = delay;
        }

        Script as(String accountId) {
            this.accountId = accountId;
            return this;
        }

        Script from(String ip, String country, String device, String userAgent) {
            this.ip = ip;
            this.ipCountry = country;
            this.deviceId = device;
            this.userAgent = userAgent;
            return this;
        }

        Script from(Customer c) {
            return from(c.ip, c.country, c.device, c.userAgent);
        }

        void add(long offset, EventType type, EventData data) {
            steps.add(
                    new Step(
                            offset,
                            new CheckoutEvent(
                                    sessionId + "-e" + (++n),
                                    type,
                                    null,
                                    sessionId,
                                    accountId,
                                    ip,
                                    ipCountry,
                                    userAgent,
                                    deviceId,
                                    data)));
        }

        long span() {
            long m = 0;
            for (Step s : steps) {
                m = Math.max(m, s.offset);
            }
            return delay + m;
        }
    }

    private boolean fits(List<Script> scripts, long now, long end) {
        for (Script s : scripts) {
            if (now + s.span() > end) {
                return false;
            }
        }
        return true;
    }

    private void scheduleAll(List<Script> scripts, long now) {
        String incident = "i-" + token(10);
        for (Script s : scripts) {
            s.incidentId = incident;
            schedule(s, now + s.delay);
        }
    }

    private void schedule(Script s, long at) {
        listener.sessionStarted(s.sessionId, s.labelAccount, s.typology, s.incidentId);
        sessionCounts.get(s.typology).incrementAndGet();
        long disorder = settings.maxDisorder().toMillis();
        for (Step step : s.steps) {
            long occurred = at + step.offset;
            if (s.incidentId == null) {
                // replayed history: past event times, delivered at once, in time order
                queue.add(new Pending(occurred, pendingSeq++, step.event, false, occurred));
                continue;
            }
            if (disorder > 0) {
                long delivered = occurred + (long) (jitter.nextDouble() * disorder);
                queue.add(new Pending(delivered, pendingSeq++, step.event, false, occurred));
            } else {
                boolean mayBeLate =
                        step.event.type() == EventType.PAGE_VIEW
                                || step.event.type() == EventType.FIELD_ENTERED;
                queue.add(new Pending(occurred, pendingSeq++, step.event, mayBeLate, -1));
            }
            scheduledEvents++;
        }
        for (java.util.function.LongConsumer r : s.onSchedule) {
            r.accept(at);
        }
    }

    /** Event time = now minus up to 150 ms; a few browsing events up to 2 s late. */
    private CheckoutEvent stamp(Pending p, long now) {
        long occurred;
        if (p.occurredAt >= 0) {
            occurred = p.occurredAt;
        } else {
            long lag = jitter.nextInt(150);
            if (p.mayBeLate && jitter.nextInt(100) < 3) {
                lag = 500 + jitter.nextInt(MAX_LATE_MS - 500 + 1);
            }
            occurred = now - lag;
        }
        CheckoutEvent e = p.event;
        return new CheckoutEvent(
                e.eventId(),
                e.type(),
                Instant.ofEpochMilli(occurred),
                e.sessionId(),
                e.accountId(),
                e.ip(),
                e.ipCountry(),
                e.userAgent(),
                e.deviceId(),
                e.data());
    }

    private Typology pickTypology() {
        double r = rnd.nextDouble();
        double attack = settings.attackRatio();
        double lookAlike = attack / 2;
        if (r < attack) {
            return pick(attacks());
        }
        if (r < attack + lookAlike) {
            return pick(lookAlikes());
        }
        return Typology.NORMAL;
    }

    private static List<Typology> attacks() {
        List<Typology> l = new ArrayList<>();
        for (Typology t : Typology.values()) {
            if (t.isAttack()) {
                l.add(t);
            }
        }
        return l;
    }

    private static List<Typology> lookAlikes() {
        List<Typology> l = new ArrayList<>();
        for (Typology t : Typology.values()) {
            if (t.kind() == Typology.Kind.LOOK_ALIKE) {
                l.add(t);
            }
        }
        return l;
    }

    /** The sessions of one instance of {@code t}, or null if it needs a victim none is ready. */
    private List<Script> build(Typology t, long now) {
        return switch (t) {
            case NORMAL -> List.of(normal(now));
            case CREDENTIAL_STUFFING -> credentialStuffing();
            case DISTRIBUTED_STUFFING -> distributedStuffing();
            case BRUTE_FORCE -> List.of(bruteForce(now));
            case ACCOUNT_TAKEOVER -> one(accountTakeover(now));
            case SPLIT_TAKEOVER -> splitTakeover(now);
            case CARD_TESTING -> List.of(cardTesting());
            case GEO_MISMATCH -> List.of(geoMismatch());
            case ORDER_VELOCITY -> orderVelocity(now);
            case BLOCK_LIST_HIT -> List.of(blockListHit());
            case BOT_CHECKOUT -> List.of(botCheckout());
            case TYPO_PASSWORD -> one(typoPassword(now));
            case FAMILY_ONE_IP -> familyOneIp();
            case TRAVELLER_ABROAD -> one(travellerAbroad(now));
            case LOYAL_REPEAT_BUYER -> loyalRepeatBuyer(now);
            case BIG_SPENDER -> bigSpender(now);
            case SECOND_CARD -> one(secondCard(now));
        };
    }

    private static List<Script> one(Script s) {
        return s == null ? null : List.of(s);
    }

    // ---------------------------------------------------------------- the world

    private record Card(String hash, String bin, String last4, String country) {}

    /** A customer with an account, a usual device, home IP and country, card and address. */
    private final class Customer {
        final String accountId = "acct-" + token(10);
        final String usernameHash = hash("username", accountId);
        final String country;
        final String currency;
        final String ip;
        // a customer now and then logs in from a new phone or browser, which becomes the usual one
        String device = "d-" + token(16);
        final String userAgent = rnd.nextInt(100) < 3 ? pick(DATED_BROWSERS) : pick(BROWSERS);
        final Card card;
        final String addressHash = hash("address", token(12));
        final String emailDomain = pick(EMAIL_DOMAINS);
        final String emailHash = hash("email", accountId + "@" + emailDomain);
        int orders;
        long firstSeenAt = Long.MAX_VALUE;
        long lastLoginAt;
        long busyUntil;
        boolean reserved;
        boolean keptForLookAlikes;

        Customer(String country, String ip) {
            this.country = country;
            this.currency = currencyOf(country);
            this.ip = ip;
            this.card = newCard(country);
        }

        boolean victimReady(long now) {
            return !reserved
                    && lastLoginAt > 0
                    && now - lastLoginAt >= HISTORY_GAP_MS
                    && busyUntil < now;
        }
    }

    private Customer newCustomer() {
        String country = pick(HOME_COUNTRIES);
        Customer c = new Customer(country, newIp(false));
        customers.add(c);
        return c;
    }

    private Customer readyCustomer(long now) {
        return readyCustomer(now, false);
    }

    /**
     * A customer with history who is not in a session; with {@code ordered}, one who has ordered
     * before and has been a customer for {@link #ESTABLISHED} if there is one.
     */
    private Customer readyCustomer(long now, boolean ordered) {
        List<Customer> ready = new ArrayList<>();
        List<Customer> withOrders = new ArrayList<>();
        for (Customer c : customers) {
            if (c.victimReady(now)) {
                ready.add(c);
                if (c.orders > 0 && now - c.firstSeenAt >= ESTABLISHED.toMillis()) {
                    withOrders.add(c);
                }
            }
        }
        List<Customer> from = ordered && !withOrders.isEmpty() ? withOrders : ready;
        return from.isEmpty() ? null : from.get(rnd.nextInt(from.size()));
    }

    private Card newCard(String country) {
        String bin = (rnd.nextBoolean() ? "4" : "5") + digits(5);
        String last4 = digits(4);
        return new Card(hash("card", bin + last4 + token(6)), bin, last4, country);
    }

    private String newIp(boolean risky) {
        int[] firsts =
                risky
                        ? new int[] {45, 91, 103, 185, 193}
                        : new int[] {31, 46, 77, 81, 86, 90, 92, 109, 151, 176, 212, 217};
        while (true) {
            String ip;
            if (!risky && rnd.nextInt(10) == 0) {
                ip =
                        String.format(
                                Locale.ROOT,
                                "2a02:%x:%x:%x::%x",
                                rnd.nextInt(0xffff),
                                rnd.nextInt(0xffff),
                                rnd.nextInt(0xffff),
                                1 + rnd.nextInt(0xfffe));
            } else {
                ip =
                        firsts[rnd.nextInt(firsts.length)]
                                + "."
                                + rnd.nextInt(256)
                                + "."
                                + rnd.nextInt(256)
                                + "."
                                + (1 + rnd.nextInt(254));
            }
            if (usedIps.add(ip)) {
                return ip;
            }
        }
    }

    private BlockList makeBlockList() {
        List<String> ips = List.of(newIp(true), newIp(true));
        List<String> cards =
                List.of(
                        newCard(pick(RISKY_COUNTRIES)).hash(),
                        newCard(pick(HOME_COUNTRIES)).hash());
        List<String> devices = List.of("d-" + token(16), "d-" + token(16));
        List<String> domains = List.of("mailinator.com", "guerrillamail.com");
        List<String> accounts = List.of("acct-" + token(10), "acct-" + token(10));
        return new BlockList(ips, cards, devices, domains, accounts);
    }

    private static String currencyOf(String country) {
        return switch (country) {
            case "GB" -> "GBP";
            case "US" -> "USD";
            case "SE" -> "SEK";
            case "PL" -> "PLN";
            default -> "EUR";
        };
    }

    // ---------------------------------------------------------------- distributions

    /*
     * Counts, gaps and amounts are drawn from distributions of behaviour (log-normal for amounts,
     * durations and attack sizes, Poisson for small counts, exponential for gaps between
     * independent actions), not from values chosen next to a rule's limit: the rules are judged on
     * traffic they were not fitted to. The bounds only keep a run's size finite.
     */

    /**
     * Log-normal with the given median and log-space spread, clamped to [min, max]. The one-of-each
     * incidents of a short run are typical examples: they take the median.
     */
    long logNormal(double median, double sigma, long min, long max) {
        double z = rnd.nextGaussian();
        double v = median * Math.exp(showcase ? 0 : sigma * z);
        return Math.max(min, Math.min(max, Math.round(v)));
    }

    /** Poisson count with the given mean (Knuth's method; means here are small). */
    int poisson(double mean) {
        if (showcase) {
            return (int) Math.round(mean);
        }
        double l = Math.exp(-mean);
        int k = 0;
        double p = rnd.nextDouble();
        while (p > l) {
            k++;
            p *= rnd.nextDouble();
        }
        return k;
    }

    /** Exponential gap with the given mean, at least 1 ms. */
    long exponential(double mean) {
        return Math.max(1, Math.round(-mean * Math.log(1 - rnd.nextDouble())));
    }

    /**
     * A pause between the sessions of one incident; the one-of-each sessions of a short run cut it
     * to seconds, so a 90 s demo shows every typology and still ends on time.
     */
    private long pause(long ms) {
        return showcase ? Math.min(ms, SHOWCASE_MAX_PAUSE_MS) : ms;
    }

    /** A gap between an attack's repeated tries; the one-of-each attacks keep it short. */
    private long gap(long ms) {
        return showcase ? Math.min(ms, SHOWCASE_MAX_GAP_MS) : ms;
    }

    private boolean chance(double p) {
        return rnd.nextDouble() < p;
    }

    /** Page views of a session that orders: a product page and the cart at least. */
    private int pagesToOrder() {
        return 2 + poisson(2.5);
    }

    /** An ordinary basket, minor units: median 45.00, a long tail of larger orders. */
    private long normalAmount() {
        return logNormal(4_500, 0.8, 300, 500_000);
    }

    // ---------------------------------------------------------------- session building blocks

    /** {@code n} page views from {@code t}, a person's reading gaps; returns the time after. */
    private long browse(Script s, long t, int n) {
        return browse(s, t, n, 5_000);
    }

    private long browse(Script s, long t, int n, double medianGapMs) {
        for (int i = 0; i < n; i++) {
            String page =
                    switch (rnd.nextInt(4)) {
                        case 0 -> "/c/" + pick(CATEGORIES);
                        case 1 -> "/p/" + pick(CATEGORIES) + "-" + token(6);
                        case 2 -> "/search?q=" + pick(CATEGORIES);
                        default -> i == 0 ? "/" : "/cart";
                    };
            String referrer = i == 0 && rnd.nextInt(3) == 0 ? pick(REFERRERS) : null;
            s.add(t, EventType.PAGE_VIEW, new PageViewData(page, referrer));
            t += logNormal(medianGapMs, 0.6, 200, 120_000);
        }
        return t;
    }

    private void login(Script s, long t, String usernameHash, boolean success) {
        s.add(
                t,
                EventType.LOGIN,
                new LoginData(success ? LoginOutcome.SUCCESS : LoginOutcome.FAILURE, usernameHash));
    }

    /** What is bought and how it is paid for. */
    private record Purchase(
            String orderId,
            long amountMinor,
            String currency,
            int items,
            Card card,
            String billingCountry,
            String shippingCountry,
            String addressHash,
            String emailHash,
            String emailDomain) {}

    private Purchase purchaseBy(Customer c, long amountMinor) {
        return purchaseBy(c, c.card, amountMinor);
    }

    private Purchase purchaseBy(Customer c, Card card, long amountMinor) {
        return new Purchase(
                "o-" + token(12),
                amountMinor,
                c.currency,
                1 + poisson(0.8),
                card,
                c.country,
                c.country,
                c.addressHash,
                c.emailHash,
                c.emailDomain);
    }

    /**
     * Checkout fields from {@code from}, then a payment and the order; a person takes several
     * seconds per field ({@code pace} 1), a script a fraction of that. Returns the order's time.
     */
    private long checkout(Script s, long from, Purchase p, boolean declineFirst, double pace) {
        List<FieldEnteredData> fields = new ArrayList<>();
        fields.add(
                new FieldEnteredData(
                        FieldKind.EMAIL, p.emailHash, null, p.emailDomain, null, null, null));
        fields.add(
                new FieldEnteredData(
                        FieldKind.SHIPPING_ADDRESS,
                        p.addressHash,
                        p.shippingCountry,
                        null,
                        null,
                        null,
                        null));
        fields.add(
                new FieldEnteredData(
                        FieldKind.BILLING_ADDRESS,
                        hash("billing", p.addressHash + p.billingCountry),
                        p.billingCountry,
                        null,
                        null,
                        null,
                        null));
        fields.add(
                new FieldEnteredData(
                        FieldKind.CARD,
                        p.card.hash,
                        null,
                        null,
                        p.card.bin,
                        p.card.last4,
                        p.card.country));
        long t = from;
        for (FieldEnteredData f : fields) {
            s.add(t, EventType.FIELD_ENTERED, f);
            t += logNormal(6_000 * pace, 0.5, 50, 180_000);
        }
        if (declineFirst) {
            s.add(t, EventType.PAYMENT_ATTEMPT, payment(p, p.card, false));
            t += logNormal(8_000 * pace, 0.5, 100, 120_000);
        }
        s.add(t, EventType.PAYMENT_ATTEMPT, payment(p, p.card, true));
        t += logNormal(1_200 * Math.max(pace, 0.3), 0.3, 100, 10_000);
        s.add(
                t,
                EventType.ORDER_PLACED,
                new OrderPlacedData(
                        p.orderId,
                        p.amountMinor,
                        p.currency,
                        p.items,
                        p.card.hash,
                        p.card.bin,
                        p.card.country,
                        p.billingCountry,
                        p.shippingCountry,
                        p.addressHash,
                        p.emailHash,
                        p.emailDomain));
        return t;
    }

    private PaymentAttemptData payment(Purchase p, Card card, boolean authorized) {
        return new PaymentAttemptData(
                p.orderId,
                card.hash,
                card.bin,
                card.country,
                p.amountMinor,
                p.currency,
                authorized ? PaymentOutcome.AUTHORIZED : PaymentOutcome.DECLINED,
                authorized ? null : pick(DECLINE_CODES));
    }

    /**
     * Logged-in customer session from the usual IP; browses, maybe orders with the usual card and
     * address.
     */
    private Script customerSession(
            Customer c, Typology label, long delay, boolean order, Card card, long amountMinor) {
        Script s = new Script(label, c.accountId, delay).from(c).as(c.accountId);
        login(s, 0, c.usernameHash, true);
        long t = logNormal(2_000, 0.5, 300, 30_000);
        if (order) {
            t = browse(s, t, pagesToOrder());
            checkout(s, t, purchaseBy(c, card, amountMinor), chance(0.05), 1.0);
            s.onSchedule.add(at -> c.orders++);
        } else {
            browse(s, t, 1 + poisson(2));
        }
        s.onSchedule.add(
                at -> {
                    c.firstSeenAt = Math.min(c.firstSeenAt, at);
                    c.lastLoginAt = Math.max(c.lastLoginAt, at);
                    c.busyUntil = Math.max(c.busyUntil, at + s.span());
                });
        return s;
    }

    /** The customer's past visits, before {@code start}, with their own timestamps. */
    private void replayHistory(Customer c, long start) {
        long hour = Duration.ofHours(1).toMillis();
        int visits = 1 + poisson(3);
        long latest = 0;
        for (int v = 0; v < visits; v++) {
            long at = start - hour - (long) (rnd.nextDouble() * (HISTORY_SPAN.toMillis() - hour));
            Script s = new Script(Typology.NORMAL, c.accountId, 0).from(c).as(c.accountId);
            login(s, 0, c.usernameHash, true);
            long t = logNormal(2_000, 0.5, 300, 30_000);
            if (chance(0.6)) {
                t = browse(s, t, pagesToOrder());
                checkout(s, t, purchaseBy(c, normalAmount()), chance(0.05), 1.0);
                c.orders++;
            } else {
                browse(s, t, 1 + poisson(2));
            }
            schedule(s, at);
            latest = Math.max(latest, at);
            c.firstSeenAt = Math.min(c.firstSeenAt, at);
        }
        c.lastLoginAt = latest;
    }

    // ---------------------------------------------------------------- typologies

    private Script warmup(Customer c) {
        Script s = new Script(Typology.NORMAL, c.accountId, 0).from(c).as(c.accountId);
        login(s, 0, c.usernameHash, true);
        browse(s, 400 + rnd.nextInt(400), 1 + rnd.nextInt(2));
        s.onSchedule.add(at -> c.lastLoginAt = at);
        return s;
    }

    private Script normal(long now) {
        int kind = rnd.nextInt(100);
        if (kind < 25) {
            return browseOnly(now);
        }
        if (kind < 40) {
            // guest checkout: a first-time buyer without an account
            Customer g = new Customer(pick(HOME_COUNTRIES), newIp(false));
            Script s = new Script(Typology.NORMAL, null, 0).from(g);
            long t = browse(s, 0, pagesToOrder());
            checkout(s, t, purchaseBy(g, normalAmount()), chance(0.05), 1.0);
            return s;
        }
        Customer c = null;
        if (chance(0.8)) {
            List<Customer> returning = new ArrayList<>();
            for (Customer x : customers) {
                if (!x.reserved && !x.keptForLookAlikes && x.busyUntil < now && x.lastLoginAt > 0) {
                    returning.add(x);
                }
            }
            if (!returning.isEmpty()) {
                c = returning.get(rnd.nextInt(returning.size()));
                if (chance(0.04)) {
                    c.device = "d-" + token(16);
                }
            }
        }
        if (c == null) {
            c = newCustomer();
        }
        return customerSession(c, Typology.NORMAL, 0, chance(0.45), c.card, normalAmount());
    }

    /** A guest looking around, no login, no order. */
    private Script browseOnly(long now) {
        String country = pick(HOME_COUNTRIES);
        Script s =
                new Script(Typology.NORMAL, null, 0)
                        .from(newIp(false), country, "d-" + token(16), pick(BROWSERS));
        browse(s, 0, 1 + poisson(2));
        return s;
    }

    /**
     * A username from a leaked list, not yet in {@code used}; some belong to this shop's customers.
     * A list names each account once.
     */
    private String leakedUsername(Set<String> used) {
        if (!customers.isEmpty() && chance(0.2)) {
            String u = pick(customers).usernameHash;
            if (used.add(u)) {
                return u;
            }
        }
        String u = hash("username", "leaked-" + token(10));
        used.add(u);
        return u;
    }

    private List<Script> credentialStuffing() {
        String ip = newIp(true);
        String country = pick(RISKY_COUNTRIES);
        String ua = pick(BOTS);
        int attempts = (int) logNormal(40, 0.7, 5, 400);
        double perMinute = logNormal(30, 0.6, 3, 300);
        int perSession = 1 + poisson(3);
        Set<String> used = new HashSet<>();
        List<Script> out = new ArrayList<>();
        Script s = null;
        long t = 0;
        for (int i = 0; i < attempts; i++) {
            if (i % perSession == 0) {
                s = new Script(Typology.CREDENTIAL_STUFFING, null, t);
                s.from(ip, country, "d-" + token(16), ua);
                out.add(s);
            }
            login(s, t - s.delay, leakedUsername(used), false);
            t += gap(exponential(60_000 / perMinute));
        }
        return out;
    }

    /**
     * Residential proxies: each IP tries a username or three, so no per-IP count stands out; the
     * toolkit's device fingerprint (most runs) or its user agent (all runs) is what repeats.
     */
    private List<Script> distributedStuffing() {
        int usernames = (int) logNormal(80, 0.6, 15, 500);
        boolean oneDevice = chance(0.7);
        String device = "d-" + token(16);
        String ua = pick(DATED_BROWSERS);
        double perMinute = logNormal(8, 0.7, 1, 120);
        Set<String> used = new HashSet<>();
        List<Script> out = new ArrayList<>();
        long t = 0;
        int done = 0;
        while (done < usernames) {
            int here = Math.min(usernames - done, 1 + poisson(1));
            String country = chance(0.6) ? pick(HOME_COUNTRIES) : pick(RISKY_COUNTRIES);
            Script s =
                    new Script(Typology.DISTRIBUTED_STUFFING, null, t)
                            .from(newIp(false), country, oneDevice ? device : "d-" + token(16), ua);
            for (int i = 0; i < here; i++) {
                login(s, t - s.delay, leakedUsername(used), false);
                t += gap(exponential(60_000 / perMinute));
                done++;
            }
            out.add(s);
        }
        return out;
    }

    private Script bruteForce(long now) {
        // most targets are real accounts, some are usernames that do not exist here
        String victim =
                !customers.isEmpty() && chance(0.7)
                        ? pick(customers).usernameHash
                        : hash("username", "acct-" + token(10));
        Script s =
                new Script(Typology.BRUTE_FORCE, null, 0)
                        .from(
                                newIp(true),
                                pick(RISKY_COUNTRIES),
                                "d-" + token(16),
                                chance(0.5) ? pick(BOTS) : pick(BROWSERS));
        int failures = (int) logNormal(20, 0.7, 3, 300);
        double meanGap = logNormal(4_000, 0.8, 300, 60_000);
        long t = 0;
        for (int i = 0; i < failures; i++) {
            login(s, t, victim, false);
            t += gap(exponential(meanGap));
        }
        return s;
    }

    /** Risky account changes after a takeover login: at least one credential, often the address. */
    private long takeoverChanges(Script s, long t) {
        boolean email = chance(0.6);
        boolean password = chance(0.8) || !email;
        if (email) {
            s.add(t, EventType.ACCOUNT_CHANGE, new AccountChangeData(ChangeKind.EMAIL));
            t += logNormal(4_000, 0.5, 500, 60_000);
        }
        if (password) {
            s.add(t, EventType.ACCOUNT_CHANGE, new AccountChangeData(ChangeKind.PASSWORD));
            t += logNormal(4_000, 0.5, 500, 60_000);
        }
        if (chance(0.6)) {
            s.add(t, EventType.ACCOUNT_CHANGE, new AccountChangeData(ChangeKind.SHIPPING_ADDRESS));
            t += logNormal(4_000, 0.5, 500, 60_000);
        }
        return t;
    }

    /** The takeover's order: resellable goods to a drop address, paid with the stored card. */
    private void takeoverOrder(Script s, Customer c, long t) {
        String dropAddress = hash("address", "drop-" + token(10));
        String newEmailDomain = pick(EMAIL_DOMAINS);
        Purchase p =
                new Purchase(
                        "o-" + token(12),
                        logNormal(40_000, 0.7, 2_000, 500_000),
                        c.currency,
                        1 + poisson(1),
                        c.card,
                        c.country,
                        c.country,
                        dropAddress,
                        hash("email", token(10) + "@" + newEmailDomain),
                        newEmailDomain);
        checkout(s, t, p, false, 0.7);
    }

    private Script accountTakeover(long now) {
        Customer c = readyCustomer(now);
        if (c == null) {
            return null;
        }
        String country = otherThan(RISKY_COUNTRIES, c.country);
        Script s =
                new Script(Typology.ACCOUNT_TAKEOVER, c.accountId, 0)
                        .from(newIp(true), country, "d-" + token(16), pick(BROWSERS))
                        .as(c.accountId);
        login(s, 0, c.usernameHash, true);
        long t = browse(s, logNormal(2_000, 0.5, 300, 30_000), 1 + poisson(1.5));
        t = takeoverChanges(s, t);
        t = browse(s, t, 1 + poisson(1));
        takeoverOrder(s, c, t);
        s.onSchedule.add(at -> c.reserved = true);
        return s;
    }

    /**
     * The takeover split over two sessions: the first only logs in from the new device and country
     * and looks around; minutes to hours later the second, from the same device, changes
     * credentials and orders.
     */
    private List<Script> splitTakeover(long now) {
        Customer c = readyCustomer(now);
        if (c == null) {
            return null;
        }
        String country = otherThan(RISKY_COUNTRIES, c.country);
        String device = "d-" + token(16);
        String ua = pick(BROWSERS);
        String ip = newIp(true);
        Script first =
                new Script(Typology.SPLIT_TAKEOVER, c.accountId, 0)
                        .from(ip, country, device, ua)
                        .as(c.accountId);
        login(first, 0, c.usernameHash, true);
        browse(first, logNormal(2_000, 0.5, 300, 30_000), 1 + poisson(1.5));
        long gap =
                logNormal(
                        Duration.ofMinutes(25).toMillis(),
                        1.0,
                        Duration.ofMinutes(2).toMillis(),
                        Duration.ofHours(4).toMillis());
        Script second =
                new Script(Typology.SPLIT_TAKEOVER, c.accountId, first.span() + pause(gap))
                        .from(chance(0.5) ? ip : newIp(true), country, device, ua)
                        .as(c.accountId);
        login(second, 0, c.usernameHash, true);
        long t = browse(second, logNormal(2_000, 0.5, 300, 30_000), poisson(1));
        t = takeoverChanges(second, t);
        t = browse(second, t, 1 + poisson(1));
        takeoverOrder(second, c, t);
        first.onSchedule.add(at -> c.reserved = true);
        return List.of(first, second);
    }

    private Script cardTesting() {
        String country = pick(RISKY_COUNTRIES);
        Script s =
                new Script(Typology.CARD_TESTING, null, 0)
                        .from(
                                newIp(true),
                                country,
                                "d-" + token(16),
                                chance(0.6) ? pick(BOTS) : pick(BROWSERS));
        long t = browse(s, 0, poisson(1.5), 1_500);
        Purchase p =
                new Purchase(
                        "o-" + token(12),
                        logNormal(200, 0.6, 50, 2_000),
                        "USD",
                        1,
                        null,
                        country,
                        country,
                        hash("address", token(8)),
                        hash("email", token(8)),
                        pick(EMAIL_DOMAINS));
        int tries = (int) logNormal(15, 0.7, 3, 200);
        // some testers reset their device fingerprint between tries
        boolean rotateDevice = chance(0.2);
        double meanGap = logNormal(5_000, 0.7, 300, 60_000);
        for (int i = 0; i < tries; i++) {
            if (rotateDevice) {
                s.deviceId = "d-" + token(16);
            }
            Card card = newCard(pick(HOME_COUNTRIES));
            s.add(t, EventType.PAYMENT_ATTEMPT, payment(p, card, chance(0.12)));
            t += gap(exponential(meanGap));
        }
        return s;
    }

    private Script geoMismatch() {
        String ipCountry = pick(RISKY_COUNTRIES);
        String billing = pick(new String[] {"GB", "DE", "FR", "NL"});
        String cardCountry = otherThan(new String[] {"US", "CA", "AU"}, billing);
        Script s =
                new Script(Typology.GEO_MISMATCH, null, 0)
                        .from(newIp(true), ipCountry, "d-" + token(16), pick(BROWSERS));
        long t = browse(s, 0, pagesToOrder());
        Card card = newCard(cardCountry);
        String domain = pick(EMAIL_DOMAINS);
        Purchase p =
                new Purchase(
                        "o-" + token(12),
                        logNormal(100_000, 0.6, 5_000, 1_000_000),
                        currencyOf(billing),
                        1 + poisson(0.8),
                        card,
                        billing,
                        billing,
                        hash("address", token(10)),
                        hash("email", token(10) + "@" + domain),
                        domain);
        checkout(s, t, p, false, 0.8);
        return s;
    }

    /** A new account ordering again and again with one card to one address. */
    private List<Script> orderVelocity(long now) {
        Customer c = new Customer(pick(HOME_COUNTRIES), newIp(false));
        c.reserved = true;
        int orders = 3 + poisson(4);
        double meanGap = logNormal(120_000, 0.8, 5_000, 1_800_000);
        List<Script> out = new ArrayList<>();
        long delay = 0;
        for (int i = 0; i < orders; i++) {
            Script s =
                    new Script(Typology.ORDER_VELOCITY, c.accountId, delay).from(c).as(c.accountId);
            login(s, 0, c.usernameHash, true);
            long t = browse(s, logNormal(1_500, 0.5, 200, 20_000), pagesToOrder(), 3_000);
            checkout(s, t, purchaseBy(c, logNormal(15_000, 0.6, 1_000, 300_000)), false, 0.6);
            out.add(s);
            delay += pause(exponential(meanGap));
        }
        return out;
    }

    private Script blockListHit() {
        int kind = blockKindCursor++ % 5;
        Customer c = new Customer(pick(HOME_COUNTRIES), newIp(false));
        c.reserved = true;
        String ip = kind == 0 ? pick(blockList.ips()) : c.ip;
        String device = kind == 2 ? pick(blockList.devices()) : c.device;
        String account = kind == 4 ? pick(blockList.accounts()) : null;
        Script s =
                new Script(Typology.BLOCK_LIST_HIT, account, 0)
                        .from(ip, c.country, device, c.userAgent);
        long t = 0;
        if (account != null) {
            s.as(account);
            login(s, 0, hash("username", account), true);
            t = logNormal(2_000, 0.5, 300, 30_000);
        }
        t = browse(s, t, pagesToOrder());
        Card card =
                kind == 1
                        ? new Card(pick(blockList.cards()), digits(6), digits(4), c.country)
                        : c.card;
        String domain = kind == 3 ? pick(blockList.emailDomains()) : c.emailDomain;
        Purchase p =
                new Purchase(
                        "o-" + token(12),
                        normalAmount(),
                        c.currency,
                        1 + poisson(0.8),
                        card,
                        c.country,
                        c.country,
                        c.addressHash,
                        hash("email", token(8) + "@" + domain),
                        domain);
        checkout(s, t, p, false, 1.0);
        return s;
    }

    /** A script: straight to a product URL, checkout fields filled in well under a second each. */
    private Script botCheckout() {
        Customer g = new Customer(pick(HOME_COUNTRIES), newIp(true));
        Script s =
                new Script(Typology.BOT_CHECKOUT, null, 0)
                        .from(g.ip, g.country, "d-" + token(16), pick(BOTS));
        long t = browse(s, 0, poisson(0.4), 800);
        checkout(s, t, purchaseBy(g, logNormal(15_000, 0.7, 1_000, 300_000)), false, 0.06);
        return s;
    }

    private Script typoPassword(long now) {
        Customer c = readyCustomer(now);
        if (c == null) {
            return null;
        }
        Script s = new Script(Typology.TYPO_PASSWORD, c.accountId, 0).from(c);
        int failures = 1 + poisson(0.4);
        long t = 0;
        for (int i = 0; i < failures; i++) {
            login(s, t, c.usernameHash, false);
            t += logNormal(5_000, 0.5, 1_000, 60_000);
        }
        s.as(c.accountId);
        login(s, t, c.usernameHash, true);
        t += logNormal(2_000, 0.5, 300, 30_000);
        if (chance(0.5)) {
            t = browse(s, t, pagesToOrder());
            checkout(s, t, purchaseBy(c, normalAmount()), chance(0.05), 1.0);
            s.onSchedule.add(at -> c.orders++);
        } else {
            browse(s, t, 1 + poisson(2));
        }
        s.onSchedule.add(at -> c.reserved = true);
        return s;
    }

    private List<Script> familyOneIp() {
        String homeIp = newIp(false);
        String country = pick(HOME_COUNTRIES);
        String address = hash("address", "family-" + token(10));
        // households average 2-3 people; here 2 or more of them have accounts and shop the same day
        int members = 2 + poisson(1);
        List<Script> out = new ArrayList<>();
        long delay = 0;
        for (int m = 0; m < members; m++) {
            Customer c = new Customer(country, homeIp);
            c.reserved = true;
            int orders = chance(0.8) ? 1 + (chance(0.15) ? 1 : 0) : 0;
            long sessionDelay = delay;
            for (int o = 0; o < Math.max(1, orders); o++) {
                Script s =
                        new Script(Typology.FAMILY_ONE_IP, c.accountId, sessionDelay)
                                .from(homeIp, country, c.device, c.userAgent);
                long t = 0;
                if (chance(0.15)) {
                    login(s, 0, c.usernameHash, false);
                    t = logNormal(5_000, 0.5, 1_000, 60_000);
                }
                s.as(c.accountId);
                login(s, t, c.usernameHash, true);
                t += logNormal(2_000, 0.5, 300, 30_000);
                if (orders > 0) {
                    t = browse(s, t, pagesToOrder());
                    Purchase own = purchaseBy(c, normalAmount());
                    Purchase p =
                            new Purchase(
                                    own.orderId,
                                    own.amountMinor,
                                    own.currency,
                                    own.items,
                                    own.card,
                                    country,
                                    country,
                                    address,
                                    own.emailHash,
                                    own.emailDomain);
                    checkout(s, t, p, chance(0.05), 1.0);
                } else {
                    browse(s, t, 1 + poisson(2));
                }
                out.add(s);
                sessionDelay += pause(exponential(Duration.ofMinutes(40).toMillis()));
            }
            delay += pause(exponential(Duration.ofMinutes(10).toMillis()));
        }
        return out;
    }

    private Script travellerAbroad(long now) {
        Customer c = readyCustomer(now);
        if (c == null) {
            return null;
        }
        String abroad = otherThan(TRAVEL_COUNTRIES, c.country);
        Script s =
                new Script(Typology.TRAVELLER_ABROAD, c.accountId, 0)
                        .from(newIp(false), abroad, c.device, c.userAgent)
                        .as(c.accountId);
        login(s, 0, c.usernameHash, true);
        long t = logNormal(2_000, 0.5, 300, 30_000);
        if (chance(0.7)) {
            t = browse(s, t, pagesToOrder());
            checkout(s, t, purchaseBy(c, logNormal(6_000, 0.9, 300, 300_000)), false, 1.0);
            s.onSchedule.add(at -> c.orders++);
        } else {
            browse(s, t, 1 + poisson(2));
        }
        s.onSchedule.add(at -> c.reserved = true);
        return s;
    }

    /** A customer who has ordered before orders again, a few times within the hour. */
    private List<Script> loyalRepeatBuyer(long now) {
        Customer c = readyCustomer(now, true);
        if (c == null) {
            return null;
        }
        int orders = 2 + poisson(1.5);
        List<Script> out = new ArrayList<>();
        long delay = 0;
        for (int i = 0; i < orders; i++) {
            out.add(
                    customerSession(
                            c, Typology.LOYAL_REPEAT_BUYER, delay, true, c.card, normalAmount()));
            delay += pause(exponential(Duration.ofMinutes(12).toMillis()));
        }
        out.get(0).onSchedule.add(at -> c.reserved = true);
        return out;
    }

    private List<Script> bigSpender(long now) {
        Customer c = readyCustomer(now, true);
        if (c == null) {
            return null;
        }
        int orders = 1 + poisson(0.3);
        List<Script> out = new ArrayList<>();
        long delay = 0;
        for (int i = 0; i < orders; i++) {
            long amount = logNormal(150_000, 0.6, 40_000, 2_000_000);
            out.add(customerSession(c, Typology.BIG_SPENDER, delay, true, c.card, amount));
            delay += pause(exponential(Duration.ofMinutes(30).toMillis()));
        }
        out.get(0).onSchedule.add(at -> c.reserved = true);
        return out;
    }

    /** A customer with history pays with a card the account has not used before. */
    private Script secondCard(long now) {
        Customer c = readyCustomer(now, true);
        if (c == null) {
            return null;
        }
        Card second = newCard(chance(0.85) ? c.country : pick(HOME_COUNTRIES));
        Script s = customerSession(c, Typology.SECOND_CARD, 0, true, second, normalAmount());
        s.onSchedule.add(at -> c.reserved = true);
        return s;
    }

    // ---------------------------------------------------------------- small helpers

    private <T> T pick(T[] a) {
        return a[rnd.nextInt(a.length)];
    }

    private <T> T pick(List<T> l) {
        return l.get(rnd.nextInt(l.size()));
    }

    private String otherThan(String[] choices, String not) {
        while (true) {
            String c = pick(choices);
            if (!c.equals(not)) {
                return c;
            }
        }
    }

    private String token(int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = BASE32[rnd.nextInt(32)];
        }
        return new String(c);
    }

    private String digits(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('0' + rnd.nextInt(10)));
        }
        return b.toString();
    }

    /**
     * A stand-in for the checkout system's keyed hash: SHA-256, base32 (no long digit runs, so it
     * never looks like a card number).
     */
    private String hash(String kind, String value) {
        byte[] d = sha256.digest((kind + ":" + value).getBytes(StandardCharsets.UTF_8));
        StringBuilder b = new StringBuilder("h");
        for (int i = 0; i < 24; i++) {
            b.append(BASE32[(d[i] & 0xff) % 32]);
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- command line

    /** Runs the simulator against Kafka and/or a JSON-lines file; see {@link #USAGE}. */
    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(Demo.splitArgs(args), SIMULATOR_OPTIONS);
            if (o.has("help")) {
                System.out.println(USAGE);
                return;
            }
            if (!o.has("bootstrap") && !o.has("out")) {
                throw new IllegalArgumentException(
                        "give --bootstrap host:port (Kafka) and/or --out FILE (JSON lines, - for"
                                + " stdout)");
            }
            if (o.has("start")) {
                o.instant("start");
                if (!o.has("duration")) {
                    throw new IllegalArgumentException(
                            "--start runs on a virtual clock as fast as it can: give --duration"
                                    + " too, e.g. --duration 24h");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Settings settings =
                new Settings(
                        o.positiveDouble("rate", 50),
                        o.duration("duration", null),
                        o.ratio("attack-ratio", 0.1),
                        o.longValue("seed", 42),
                        true);
        CheckoutSimulator sim = new CheckoutSimulator(settings, null);
        List<EventSink> sinks = new ArrayList<>();
        if (o.has("bootstrap")) {
            sinks.add(
                    new KafkaEventSink(
                            o.hostPort("bootstrap"), o.string("topic", "checkout.events")));
        }
        if (o.has("out")) {
            String out = o.string("out", null);
            sinks.add(
                    out.equals("-")
                            ? JsonLinesEventSink.toStdout()
                            : JsonLinesEventSink.toFile(Path.of(out)));
        }
        System.err.println(
                "Put these on the block lists so BLOCK_LIST_HIT sessions are caught (redis-cli):");
        for (var e : sim.blockList().byKind().entrySet()) {
            System.err.println(
                    "  SADD fraud:list:block:" + e.getKey() + " " + String.join(" ", e.getValue()));
        }
        System.err.println("  INCR fraud:lists:version");
        EventSink sink = sinks.size() == 1 ? sinks.get(0) : fanOut(sinks);
        Thread main = Thread.currentThread();
        Thread hook =
                new Thread(
                        () -> {
                            sim.stop();
                            try {
                                main.join(15_000);
                            } catch (InterruptedException ignored) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "simulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (sink) {
            if (o.has("start")) {
                // A virtual clock from --start: the whole duration is written at once (a day of
                // traffic for a backtest), with the event times it would have had.
                sim.run(sink, Ticker.virtual(o.instant("start").toEpochMilli()));
            } else {
                sim.run(sink);
            }
        }
        System.err.println("sent " + sim.eventsSent() + " events; sessions " + sim.sessionCounts());
    }

    static EventSink fanOut(List<EventSink> sinks) {
        return new EventSink() {
            @Override
            public void send(CheckoutEvent event) {
                for (EventSink s : sinks) {
                    s.send(event);
                }
            }

            @Override
            public void flush() {
                for (EventSink s : sinks) {
                    s.flush();
                }
            }

            @Override
            public void close() {
                for (EventSink s : sinks) {
                    s.close();
                }
            }
        };
    }

    static final Set<String> SIMULATOR_OPTIONS =
            Set.of(
                    "rate",
                    "duration",
                    "attack-ratio",
                    "seed",
                    "bootstrap",
                    "topic",
                    "out",
                    "start",
                    "help");

    static final String USAGE =
            String.join(
                    "\n",
                    "usage: CheckoutSimulator [options]",
                    "  --rate N            events per second, all sessions together (default 50)",
                    "  --duration D        how long to run: 90s, 5m, 1h or ISO-8601 PT90S (default:"
                            + " until Ctrl-C)",
                    "  --attack-ratio R    fraction of sessions that are attacks, 0..1 (default"
                            + " 0.1); look-alikes are half that",
                    "  --seed N            random seed; same seed, same sessions (default 42)",
                    "  --bootstrap H:P     Kafka bootstrap servers to produce to",
                    "  --topic NAME        Kafka topic (default checkout.events)",
                    "  --out FILE          also write JSON lines to FILE (- for stdout)",
                    "  --start ISO         simulate from this instant on a virtual clock, as fast as"
                            + " it can (needs --duration), e.g. 2026-03-02T00:00:00Z");
}
