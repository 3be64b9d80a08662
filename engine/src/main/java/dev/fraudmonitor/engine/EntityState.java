package dev.fraudmonitor.engine;

import java.util.Arrays;

/**
 * What one entity (an account, a device, a card, a shipping address) remembers within the entity
 * horizon: the ACTIVE rules that fired in sessions touching it, the sessions that placed orders
 * with it, and the incident (case) it belongs to. Bounded: the oldest entries give way. Parallel
 * arrays of public fields, which the job's hand-written serializer ({@code job/types}) writes.
 */
public class EntityState {
    static final int MAX_HITS = 16;
    static final int MAX_ORDER_SESSIONS = 8;

    public String caseId;
    public long caseStart;

    public String[] hitSession = new String[0];
    public String[] hitRule = new String[0];
    public int[] hitRuleVersion = new int[0];
    public int[] hitWeight = new int[0];
    public String[] hitText = new String[0];
    public String[] hitObserved = new String[0];
    public String[] hitThreshold = new String[0];
    public long[] hitTime = new long[0];

    public String[] orderSession = new String[0];
    public long[] orderTime = new long[0];

    public EntityState() {}

    int hits() {
        return hitSession.length;
    }

    /** Records a hit; the newest evidence of a (session, rule) replaces the older. */
    void putHit(DecisionInput in) {
        int i = 0;
        while (i < hits()
                && !(hitSession[i].equals(in.sessionId) && hitRule[i].equals(in.ruleId))) {
            i++;
        }
        boolean known = i < hits();
        if (!known) {
            if (i == MAX_HITS) {
                i = oldest(hitTime);
            } else {
                grow(i + 1);
            }
        }
        hitSession[i] = in.sessionId;
        hitRule[i] = in.ruleId;
        hitRuleVersion[i] = in.ruleVersion;
        hitWeight[i] = in.weight;
        hitText[i] = in.text;
        hitObserved[i] = in.observed;
        hitThreshold[i] = in.threshold;
        hitTime[i] = known ? Math.max(hitTime[i], in.eventTime) : in.eventTime;
    }

    /** Records that a session placed an order with this entity. */
    void putOrderSession(String sessionId, long t) {
        int i = Arrays.asList(orderSession).indexOf(sessionId);
        if (i < 0) {
            i = orderSession.length;
            if (i == MAX_ORDER_SESSIONS) {
                i = oldest(orderTime);
            } else {
                orderSession = Arrays.copyOf(orderSession, i + 1);
                orderTime = Arrays.copyOf(orderTime, i + 1);
            }
            orderSession[i] = sessionId;
        }
        orderTime[i] = Math.max(orderTime[i], t);
    }

    /** Drops what is at or before {@code from}; true when nothing is left. */
    boolean dropBefore(long from) {
        int kept = 0;
        for (int i = 0; i < hits(); i++) {
            if (hitTime[i] <= from) continue;
            hitSession[kept] = hitSession[i];
            hitRule[kept] = hitRule[i];
            hitRuleVersion[kept] = hitRuleVersion[i];
            hitWeight[kept] = hitWeight[i];
            hitText[kept] = hitText[i];
            hitObserved[kept] = hitObserved[i];
            hitThreshold[kept] = hitThreshold[i];
            hitTime[kept] = hitTime[i];
            kept++;
        }
        grow(kept);
        int keptOrders = 0;
        for (int i = 0; i < orderSession.length; i++) {
            if (orderTime[i] <= from) continue;
            orderSession[keptOrders] = orderSession[i];
            orderTime[keptOrders] = orderTime[i];
            keptOrders++;
        }
        orderSession = Arrays.copyOf(orderSession, keptOrders);
        orderTime = Arrays.copyOf(orderTime, keptOrders);
        if (kept == 0) {
            caseId = null;
            caseStart = 0;
        }
        return isEmpty();
    }

    public boolean isEmpty() {
        return hits() == 0 && orderSession.length == 0;
    }

    /** The oldest time held, {@code Long.MAX_VALUE} when empty. */
    long oldestTime() {
        long t = Long.MAX_VALUE;
        for (long h : hitTime) t = Math.min(t, h);
        for (long o : orderTime) t = Math.min(t, o);
        return t;
    }

    /** The newest time held, 0 when empty. */
    long newest() {
        long t = 0;
        for (long h : hitTime) t = Math.max(t, h);
        for (long o : orderTime) t = Math.max(t, o);
        return t;
    }

    private void grow(int n) {
        hitSession = Arrays.copyOf(hitSession, n);
        hitRule = Arrays.copyOf(hitRule, n);
        hitRuleVersion = Arrays.copyOf(hitRuleVersion, n);
        hitWeight = Arrays.copyOf(hitWeight, n);
        hitText = Arrays.copyOf(hitText, n);
        hitObserved = Arrays.copyOf(hitObserved, n);
        hitThreshold = Arrays.copyOf(hitThreshold, n);
        hitTime = Arrays.copyOf(hitTime, n);
    }

    private static int oldest(long[] times) {
        int o = 0;
        for (int i = 1; i < times.length; i++) {
            if (times[i] < times[o]) o = i;
        }
        return o;
    }
}
