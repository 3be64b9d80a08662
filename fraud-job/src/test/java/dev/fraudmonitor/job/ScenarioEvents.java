package dev.fraudmonitor.job;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.ListKind;
import dev.fraudmonitor.engine.rules.Scenarios.Scenario;
import dev.fraudmonitor.model.AccountChangeData;
import dev.fraudmonitor.model.ChangeKind;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.EventData;
import dev.fraudmonitor.model.FieldEnteredData;
import dev.fraudmonitor.model.FieldKind;
import dev.fraudmonitor.model.LoginData;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.model.OrderPlacedData;
import dev.fraudmonitor.model.PageViewData;
import dev.fraudmonitor.model.PaymentAttemptData;
import dev.fraudmonitor.model.PaymentOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One rule {@link Scenario} (the flat event sequences the rule engine is tested with) replayed as
 * contract events, so the running job judges the very sequences {@code DefaultRulesTest} judges.
 *
 * <p>Scenarios share placeholder values (most events carry the same default IP, say) that must not
 * add up once every scenario runs in one job, so each replay gets its own namespace: identifiers
 * are prefixed with a tag and IPs are remapped, equal values staying equal within the scenario.
 * Event times are shifted so that the scenario's last event happens at {@code end}: recent, as in
 * production, with its history the same weeks before. Contract fields a scenario leaves out and no
 * default rule reads (a payment's BIN, an order's e-mail hash) get fixed placeholder values.
 */
final class ScenarioEvents {
    final Scenario scenario;
    final List<CheckoutEvent> history = new ArrayList<>();
    final List<CheckoutEvent> events = new ArrayList<>();

    private final String tag;
    private final int index;
    private final Map<String, String> ips = new HashMap<>();

    ScenarioEvents(Scenario scenario, int index, Instant end) {
        this.scenario = scenario;
        this.index = index;
        this.tag = "sc" + index;
        long last = scenario.events().stream().mapToLong(e -> e.eventTime).max().orElseThrow();
        long shift = end.toEpochMilli() - last;
        for (ScoringEvent e : scenario.history()) {
            history.add(convert(e, shift));
        }
        for (ScoringEvent e : scenario.events()) {
            events.add(convert(e, shift));
        }
    }

    /** The replayed ids of the sessions the scenario's verdict is about. */
    Set<String> judgedSessions() {
        Set<String> out = new LinkedHashSet<>();
        scenario.sessions().forEach(s -> out.add(id(s)));
        return out;
    }

    /** The replayed ids of every session of the scenario, history included. */
    Set<String> allSessions() {
        Set<String> out = new LinkedHashSet<>();
        history.forEach(e -> out.add(e.sessionId()));
        events.forEach(e -> out.add(e.sessionId()));
        return out;
    }

    /** A block-list value as this replay spells it (e-mail domains are shared, not renamed). */
    String listValue(ListKind kind, String value) {
        return switch (kind) {
            case IP -> ip(value);
            case EMAIL_DOMAIN -> value;
            case CARD, DEVICE, ACCOUNT -> id(value);
        };
    }

    String id(String value) {
        return value == null ? null : tag + "-" + value;
    }

    private String ip(String value) {
        return ips.computeIfAbsent(
                value, v -> "10." + index + "." + ips.size() / 250 + "." + (ips.size() % 250 + 1));
    }

    private CheckoutEvent convert(ScoringEvent e, long shift) {
        EventData data =
                switch (e.type) {
                    case LOGIN ->
                            new LoginData(
                                    LoginOutcome.valueOf(e.outcome),
                                    required(id(e.usernameHash), e));
                    // The scenarios name pages after their epoch millis; a 13-digit run could pass
                    // for a card number and be dead-lettered, so it is written in base 36.
                    case PAGE_VIEW ->
                            new PageViewData("/p/" + Long.toString(e.eventTime, 36), null);
                    case FIELD_ENTERED ->
                            new FieldEnteredData(
                                    FieldKind.valueOf(e.field),
                                    required(id(e.valueHash), e),
                                    e.country,
                                    e.emailDomain,
                                    e.cardBin,
                                    e.cardLast4,
                                    e.cardCountry);
                    case ACCOUNT_CHANGE -> new AccountChangeData(ChangeKind.valueOf(e.change));
                    case PAYMENT_ATTEMPT ->
                            new PaymentAttemptData(
                                    e.orderId != null ? id(e.orderId) : id("pay-" + e.eventId),
                                    required(id(e.cardHash), e),
                                    e.cardBin != null ? e.cardBin : "411111",
                                    firstNonNull(e.cardCountry, e.ipCountry, "US"),
                                    e.amountMinor,
                                    e.currency != null ? e.currency : "EUR",
                                    PaymentOutcome.valueOf(e.outcome),
                                    e.declineCode);
                    case ORDER_PLACED ->
                            new OrderPlacedData(
                                    required(id(e.orderId), e),
                                    e.amountMinor,
                                    e.currency != null ? e.currency : "EUR",
                                    Math.max(1, e.itemCount),
                                    required(id(e.cardHash), e),
                                    e.cardBin != null ? e.cardBin : "411111",
                                    required(e.cardCountry, e),
                                    required(e.billingCountry, e),
                                    required(e.shippingCountry, e),
                                    required(id(e.shippingAddressHash), e),
                                    e.emailHash != null
                                            ? id(e.emailHash)
                                            : id("email-" + firstNonNull(e.accountId, e.sessionId)),
                                    required(e.emailDomain, e));
                };
        return new CheckoutEvent(
                id(e.eventId),
                e.type,
                Instant.ofEpochMilli(e.eventTime + shift),
                id(e.sessionId),
                id(e.accountId),
                ip(e.ip),
                e.ipCountry,
                e.userAgent,
                id(e.deviceId),
                data);
    }

    private String required(String value, ScoringEvent e) {
        if (value == null) {
            throw new IllegalArgumentException(
                    scenario.name() + ": " + e + " lacks a field the contract requires");
        }
        return value;
    }

    private static String firstNonNull(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
