package dev.fraudmonitor.engine;

import dev.fraudmonitor.engine.rules.RuleMode;
import dev.fraudmonitor.engine.rules.RuleSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Risk that follows an entity across sessions. Keyed by one account, device, card or shipping
 * address: it remembers, for the rule set's entity horizon, the ACTIVE rules that fired in the
 * sessions that touched the entity, and tells each session what fired in the others. So an attack
 * split over sessions (a new device in one, a password change and an order in another) is scored as
 * one, and its alerts share one case id.
 *
 * <p>A session hears of the others' hits whenever it sends something through the entity (pull), and
 * a session that placed an order hears of a hit arriving later (push), so the order can still be
 * held.
 */
public final class EntityStep {
    /** The entities that link sessions, in the order their copies are made. */
    public static final String ACCOUNT = "ACCOUNT";

    public static final String DEVICE = "DEVICE";
    public static final String CARD = "CARD";
    public static final String SHIPPING_ADDRESS = "SHIPPING_ADDRESS";

    /** Not an entity: the key of an input that links nothing and is only forwarded. */
    public static final String SESSION = "SESSION";

    private final List<DecisionInput> linked = new ArrayList<>();

    /**
     * The copies of {@code in}: one per entity it carries, the first of which forwards it; a single
     * forwarding copy keyed by its session when it carries none or cannot link anything (a SHADOW
     * hit, or a hit from another session already).
     */
    public static List<EntityCopy> copies(DecisionInput in) {
        List<EntityCopy> out = new ArrayList<>(4);
        boolean links =
                in.kind != DecisionInput.Kind.LINKED_HIT
                        && !(in.isRuleHit() && !RuleMode.ACTIVE.name().equals(in.mode));
        if (links) {
            add(out, ACCOUNT, in.accountId, in);
            add(out, DEVICE, in.deviceId, in);
            add(out, CARD, in.cardHash, in);
            add(out, SHIPPING_ADDRESS, in.shippingAddressHash, in);
        }
        if (out.isEmpty()) {
            out.add(new EntityCopy(SESSION, in.sessionId, in, true));
        }
        return out;
    }

    private static void add(List<EntityCopy> out, String entity, String value, DecisionInput in) {
        if (value != null && !value.isEmpty()) {
            out.add(new EntityCopy(entity, value, in, out.isEmpty()));
        }
    }

    /**
     * Applies one copy to the entity's state; returns what goes on to the decision step: the linked
     * hits for sessions (none, and nothing kept, when the rule set turns linking off), then the
     * input itself when this copy forwards it.
     */
    public List<DecisionInput> apply(RuleSet rs, EntityState st, EntityCopy copy) {
        linked.clear();
        if (rs.entityHorizonMillis() > 0 && !SESSION.equals(copy.entity)) {
            link(rs, st, copy);
        }
        if (copy.forward) {
            linked.add(copy.input);
        }
        return linked;
    }

    private void link(RuleSet rs, EntityState st, EntityCopy copy) {
        DecisionInput in = copy.input;
        long t = in.eventTime;
        st.dropBefore(t - rs.entityHorizonMillis());
        if (in.isRuleHit()) {
            if (st.caseId == null) {
                st.caseId = caseIdOf(in.sessionId);
                st.caseStart = t;
            }
            st.putHit(in);
            int hit = indexOf(st, in);
            // Sessions that ordered with this entity hear of it: their order may need a hold.
            for (int o = 0; o < st.orderSession.length; o++) {
                if (!st.orderSession[o].equals(in.sessionId)) {
                    linked.add(
                            linkedHit(
                                    st,
                                    hit,
                                    st.orderSession[o],
                                    copy.entity,
                                    t,
                                    in.ruleSetVersion));
                }
            }
        } else if (in.kind == DecisionInput.Kind.ORDER_PLACED) {
            st.putOrderSession(in.sessionId, t);
        }
        // The session hears what fired in the others, each rule once: the decision step keeps
        // the first evidence of a rule it did not know and drops the rest unread, and under an
        // attack many sessions on one device or card fire the same rules.
        for (int i = 0; i < st.hits(); i++) {
            if (!st.hitSession[i].equals(in.sessionId) && !heardBefore(st, i, in.sessionId)) {
                linked.add(linkedHit(st, i, in.sessionId, copy.entity, t, in.ruleSetVersion));
            }
        }
    }

    /** Whether a hit before {@code i} of another session than {@code to} has the same rule. */
    private static boolean heardBefore(EntityState st, int i, String to) {
        for (int j = 0; j < i; j++) {
            if (st.hitRule[j].equals(st.hitRule[i]) && !st.hitSession[j].equals(to)) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(EntityState st, DecisionInput in) {
        for (int i = 0; i < st.hits(); i++) {
            if (st.hitSession[i].equals(in.sessionId) && st.hitRule[i].equals(in.ruleId)) {
                return i;
            }
        }
        return -1;
    }

    private static DecisionInput linkedHit(
            EntityState st, int i, String toSession, String entity, long t, long version) {
        DecisionInput m = new DecisionInput();
        m.kind = DecisionInput.Kind.LINKED_HIT;
        m.sessionId = toSession;
        m.eventTime = t;
        m.ruleSetVersion = version;
        m.linkedSessionId = st.hitSession[i];
        m.linkedBy = entity.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        m.ruleId = st.hitRule[i];
        m.ruleVersion = st.hitRuleVersion[i];
        m.mode = RuleMode.ACTIVE.name();
        m.weight = st.hitWeight[i];
        m.text = st.hitText[i];
        m.observed = st.hitObserved[i];
        m.threshold = st.hitThreshold[i];
        m.caseId = st.caseId;
        m.caseStart = st.caseStart;
        return m;
    }

    /** When the entity's state may be dropped: the horizon after the newest thing it holds. */
    public static long expiresAt(RuleSet rs, EntityState st) {
        return st.newest() + rs.entityHorizonMillis();
    }

    /** Whether {@link #expire} at {@code now} would drop anything. */
    public static boolean due(RuleSet rs, EntityState st, long now) {
        return st.oldestTime() <= now - rs.entityHorizonMillis();
    }

    /** Drops what has left the horizon at {@code now}; true when nothing is left. */
    public static boolean expire(RuleSet rs, EntityState st, long now) {
        return st.dropBefore(now - rs.entityHorizonMillis());
    }

    /** The case id an incident starting in {@code sessionId} gets: stable across replays. */
    public static String caseIdOf(String sessionId) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256")
                            .digest(("case\u0000" + sessionId).getBytes(StandardCharsets.UTF_8));
            return "case-" + HexFormat.of().formatHex(d, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
