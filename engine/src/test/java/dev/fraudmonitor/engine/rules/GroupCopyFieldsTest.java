package dev.fraudmonitor.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.GroupStep;
import dev.fraudmonitor.engine.RulesSnapshot;
import dev.fraudmonitor.engine.SessionStep;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.model.EventType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A group copy carries only some of the event's fields ({@link GroupCopy#carried}): the group step
 * must decide on it exactly as on the whole event, or a rule would silently stop seeing what it
 * reads.
 */
class GroupCopyFieldsTest {

    /** The fields only session rules read; a new event field has to be put on one side or other. */
    private static final Set<String> LEFT_OUT =
            Set.of(
                    "userAgent",
                    "page",
                    "country",
                    "cardCountry",
                    "currency",
                    "declineCode",
                    "itemCount",
                    "billingCountry",
                    "shippingCountry");

    @Test
    void aCopyCarriesEveryFieldButThoseOnlySessionRulesRead() throws Exception {
        ScoringEvent e = new ScoringEvent();
        List<Field> fields = eventFields();
        for (Field f : fields) {
            f.set(e, sampleValue(f));
        }
        ScoringEvent c = GroupCopy.carried(e);
        Set<String> leftOut = new TreeSet<>();
        for (Field f : fields) {
            Object v = f.get(c);
            if (v == null || v.equals(0) || v.equals(0L)) {
                leftOut.add(f.getName());
            } else {
                assertEquals(f.get(e), v, f.getName());
            }
        }
        assertEquals(new TreeSet<>(LEFT_OUT), leftOut);
    }

    @Test
    void theGroupStepDecidesOnACopyAsOnTheWholeEvent() throws Exception {
        List<Scenarios.Scenario> scenarios = new ArrayList<>(Scenarios.attacks());
        scenarios.addAll(Scenarios.benign());
        scenarios.add(enteredData());
        // With the block lists alone most rules fire; with allow lists too, some hits are hidden.
        ListSnapshot[] listSets = {Scenarios.blockLists(), withAllowLists(scenarios)};
        RuleSet[] ruleSets = {
            DefaultRulesTest.defaults(),
            TestRules.set(
                    NewRuleKindsTest.FAILED_LOGIN_SHARE,
                    NewRuleKindsTest.RESET_ADDRESS_ORDER,
                    """
                    {"id": "young-card", "kind": "FIRST_SEEN", "weight": 35,
                     "description": "{observed}", "groupBy": "CARD", "maxAge": "PT1H",
                     "history": "P30D", "filter": {"types": ["ORDER_PLACED"]}}""",
                    """
                    {"id": "bin-declines", "kind": "VELOCITY", "weight": 40,
                     "description": "{observed}", "groupBy": "BIN", "aggregate": "DISTINCT",
                     "distinctOf": "CARD", "window": "PT10M", "threshold": 1,
                     "filter": {"types": ["PAYMENT_ATTEMPT"], "outcome": "DECLINED"}}""",
                    """
                    {"id": "emails-per-device", "kind": "VELOCITY", "weight": 40,
                     "description": "{observed}", "groupBy": "DEVICE", "aggregate": "DISTINCT",
                     "distinctOf": "EMAIL", "window": "PT1H", "threshold": 0}""",
                    """
                    {"id": "addresses-per-device", "kind": "VELOCITY", "weight": 40,
                     "description": "{observed}", "groupBy": "DEVICE", "aggregate": "DISTINCT",
                     "distinctOf": "SHIPPING_ADDRESS", "window": "PT1H", "threshold": 0}""",
                    """
                    {"id": "spend-per-account", "kind": "VELOCITY", "weight": 30,
                     "description": "{observed}", "groupBy": "ACCOUNT", "aggregate": "SUM",
                     "sumOf": "AMOUNT", "window": "PT1H", "threshold": 1,
                     "filter": {"types": ["ORDER_PLACED"]}}""")
        };
        int hits = 0;
        int allowListedCopies = 0;
        for (int run = 0; run < ruleSets.length * listSets.length; run++) {
            ListSnapshot lists = listSets[run % listSets.length];
            RulesSnapshot rules = new RulesSnapshot(ruleSets[run / listSets.length], lists);
            for (Scenarios.Scenario s : scenarios) {
                List<ScoringEvent> events = new ArrayList<>(s.history());
                events.addAll(s.events());
                events.sort(Comparator.comparingLong(ev -> ev.eventTime));
                SessionStep sessionStep = new SessionStep();
                GroupStep onCopy = new GroupStep();
                GroupStep onWhole = new GroupStep();
                Map<String, SessionState> sessions = new HashMap<>();
                Map<String, GroupState> copyStates = new HashMap<>();
                Map<String, GroupState> wholeStates = new HashMap<>();
                for (ScoringEvent e : events) {
                    sessionStep.apply(
                            rules,
                            sessions.computeIfAbsent(e.sessionId, k -> new SessionState()),
                            e);
                    for (GroupCopy copy : sessionStep.toGroups()) {
                        GroupCopy whole = new GroupCopy();
                        whole.key = copy.key;
                        whole.kind = copy.kind;
                        whole.event = e;
                        List<String> a =
                                describe(
                                        onCopy.apply(
                                                rules,
                                                copyStates.computeIfAbsent(
                                                        copy.key, k -> new GroupState()),
                                                copy));
                        List<String> b =
                                describe(
                                        onWhole.apply(
                                                rules,
                                                wholeStates.computeIfAbsent(
                                                        copy.key, k -> new GroupState()),
                                                whole));
                        assertEquals(b, a, s.name() + ", " + e + ", " + copy.key);
                        hits += a.size();
                        if (lists.allowListed(e)) allowListedCopies++;
                    }
                }
            }
        }
        assertTrue(hits > 100, "the scenarios fire group rules: " + hits);
        assertTrue(allowListedCopies > 10, "allow-listed copies: " + allowListedCopies);
    }

    /**
     * What the scenarios leave out: data entered into fields (e-mail, address, card), and orders
     * and payments with an e-mail hash and a card's BIN and last 4, from one device.
     */
    private static Scenarios.Scenario enteredData() {
        List<ScoringEvent> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String session = "entered-" + i;
            long t = Ev.T0 + Ev.min(i);
            events.add(
                    Ev.of(EventType.FIELD_ENTERED, t, session)
                            .device("dev-e")
                            .account("acc-e")
                            .field("EMAIL", "email-" + i)
                            .build());
            events.add(
                    Ev.of(EventType.FIELD_ENTERED, t + 1, session)
                            .device("dev-e")
                            .field("SHIPPING_ADDRESS", "addr-" + i)
                            .build());
            ScoringEvent card =
                    Ev.of(EventType.FIELD_ENTERED, t + 2, session)
                            .device("dev-e")
                            .field("CARD", null)
                            .build();
            card.cardBin = "4000" + i + "0";
            card.cardLast4 = "100" + i;
            events.add(card);
            ScoringEvent pay =
                    Ev.payment(t + 3, session, "card-" + i, "DECLINED").device("dev-e").build();
            pay.cardBin = "411111";
            events.add(pay);
            ScoringEvent order =
                    Ev.order(t + 4, session, 5_000 + i)
                            .device("dev-e")
                            .account("acc-e")
                            .card("card-" + i)
                            .build();
            order.emailHash = "email-order-" + i;
            order.cardBin = "4000" + i + "0";
            order.cardLast4 = "100" + i;
            events.add(order);
        }
        return new Scenarios.Scenario("entered data", List.of(), events, List.of());
    }

    /** The scenarios' block lists, and an allow list of one value of each kind from the attacks. */
    private static ListSnapshot withAllowLists(List<Scenarios.Scenario> scenarios) {
        ListSnapshot block = Scenarios.blockLists();
        Map<ListKind, Set<String>> blocked = new EnumMap<>(ListKind.class);
        Map<ListKind, Set<String>> allowed = new EnumMap<>(ListKind.class);
        for (ListKind k : ListKind.values()) {
            blocked.put(k, block.blockList(k));
            for (Scenarios.Scenario s : scenarios) {
                for (ScoringEvent e : s.events()) {
                    String v = k.keyOf(e);
                    if (v != null && !allowed.containsKey(k) && !block.blocked(k, v)) {
                        allowed.put(k, Set.of(v));
                    }
                }
            }
        }
        return new ListSnapshot(1, blocked, allowed);
    }

    /** Every field of each input, so two lists compare equal only when the inputs do. */
    private static List<String> describe(List<DecisionInput> inputs) throws Exception {
        List<String> out = new ArrayList<>();
        for (DecisionInput in : inputs) {
            Set<String> parts = new LinkedHashSet<>();
            for (Field f : DecisionInput.class.getFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    parts.add(f.getName() + "=" + Objects.toString(f.get(in)));
                }
            }
            out.add(String.join(" ", parts));
        }
        return out;
    }

    private static List<Field> eventFields() {
        List<Field> out = new ArrayList<>();
        for (Field f : ScoringEvent.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                out.add(f);
            }
        }
        return out;
    }

    private static Object sampleValue(Field f) {
        Class<?> t = f.getType();
        if (t == String.class) return "v-" + f.getName();
        if (t == long.class) return 7L;
        if (t == int.class) return 7;
        if (t.isEnum()) return t.getEnumConstants()[0];
        throw new AssertionError("a field of a type this test does not fill: " + f);
    }
}
