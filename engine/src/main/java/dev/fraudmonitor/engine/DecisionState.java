package dev.fraudmonitor.engine;

import java.util.Arrays;

/**
 * What the decision stage remembers about one session: the ACTIVE rules fired in it (latest
 * evidence each), its orders, and the last alert sent. Parallel arrays of public fields, which the
 * job's hand-written serializer ({@code job/types}) writes; a session fires a handful of rules at
 * most.
 */
public class DecisionState {
    public String accountId;
    public String cardBin;
    public String cardLast4;
    public long lastEventTime;

    public String[] ruleIds = new String[0];
    public int[] ruleVersions = new int[0];
    public int[] weights = new int[0];
    public String[] texts = new String[0];
    public String[] observed = new String[0];
    public String[] thresholds = new String[0];

    /**
     * True while every hit of that rule in this session repeated an alert sent for another session.
     */
    public boolean[] repeats = new boolean[0];

    /** True while the rule is known only from another session linked through an entity. */
    public boolean[] linked = new boolean[0];

    /** The incident this session belongs to, and when that incident started (event time). */
    public String caseId;

    public long caseStart;

    public String[] orderIds = new String[0];
    public boolean[] held = new boolean[0];

    public String lastAlertId;
    public String lastAction;
    public String lastRules;
    public long lastAlertTime;
    public int alertCount;

    public DecisionState() {}

    private int indexOfRule(String ruleId) {
        for (int i = 0; i < ruleIds.length; i++) {
            if (ruleIds[i].equals(ruleId)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Records that a rule fired, here or ({@code linkedHit}) in a linked session.
     *
     * @return true when this is news: a rule not known before, or one known only from a linked
     *     session that now fired here
     */
    boolean putRule(
            String ruleId,
            int version,
            int weight,
            String text,
            String obs,
            String threshold,
            boolean repeat,
            boolean linkedHit) {
        int i = indexOfRule(ruleId);
        boolean news;
        if (i < 0) {
            i = ruleIds.length;
            ruleIds = Arrays.copyOf(ruleIds, i + 1);
            ruleVersions = Arrays.copyOf(ruleVersions, i + 1);
            weights = Arrays.copyOf(weights, i + 1);
            texts = Arrays.copyOf(texts, i + 1);
            observed = Arrays.copyOf(observed, i + 1);
            thresholds = Arrays.copyOf(thresholds, i + 1);
            repeats = Arrays.copyOf(repeats, i + 1);
            linked = Arrays.copyOf(linked, i + 1);
            ruleIds[i] = ruleId;
            // Evidence from another session repeats what that session was told already.
            repeats[i] = repeat || linkedHit;
            linked[i] = linkedHit;
            news = true;
        } else if (linkedHit) {
            return false; // known already, from this session or another
        } else {
            news = linked[i];
            repeats[i] = linked[i] ? repeat : repeats[i] && repeat;
            linked[i] = false;
        }
        ruleVersions[i] = version;
        weights[i] = weight;
        texts[i] = text;
        observed[i] = obs;
        thresholds[i] = threshold;
        return news;
    }

    boolean addOrder(String orderId) {
        for (String o : orderIds) {
            if (o.equals(orderId)) {
                return false;
            }
        }
        int n = orderIds.length;
        orderIds = Arrays.copyOf(orderIds, n + 1);
        held = Arrays.copyOf(held, n + 1);
        orderIds[n] = orderId;
        return true;
    }

    boolean allRepeats() {
        for (boolean r : repeats) {
            if (!r) {
                return false;
            }
        }
        return true;
    }
}
