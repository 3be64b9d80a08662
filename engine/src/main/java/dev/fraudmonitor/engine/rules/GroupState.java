package dev.fraudmonitor.engine.rules;

import java.util.Arrays;

/**
 * Everything the grouped rules remember about one group key (one account, one IP, ...).
 *
 * <p>Public fields of primitives and primitive arrays only: the job's hand-written serializer
 * ({@code job/types}) writes each of them, and its tests fail for a field it does not know. The
 * state is a flat table of entries, one per velocity bucket, distinct value, remembered value or
 * change kind; entry {@code i} is ({@code spec[i]}, {@code time[i]}, {@code val[i]}):
 *
 * <ul>
 *   <li>COUNT/SUM bucket: time = bucket start (event time), val = count or sum;
 *   <li>DISTINCT value / NEW_VALUE history: time = last seen, val = 64-bit hash of the value;
 *   <li>CHANGE_BEFORE_ORDER: time = last change of that kind, val = change kind ordinal.
 * </ul>
 *
 * {@code spec} is the 32-bit hash of the aggregate's identity ({@link Rule#aggregateKey()}), so
 * rules that share it share the counts, and a threshold or window change keeps them. Entries are
 * bounded per aggregate (buckets by window/width, distinct values by 256, history by 64), so the
 * cost per event does not grow with the number of events. Arrays are exactly sized (null when
 * empty): a key with one or two events costs about 100–150 bytes of heap.
 *
 * <p>It also remembers when each rule last fired for this key ({@code fireRule}/{@code fireTime})
 * to mark repeats within the rule set's alert cooldown.
 */
public class GroupState {
    /** DISTINCT aggregates are exact up to this many values per key, then saturate. */
    public static final int DISTINCT_CAP = 256;

    /** NEW_VALUE remembers at most this many values per key (the oldest is forgotten). */
    public static final int HISTORY_CAP = 64;

    public int[] spec;
    public long[] time;
    public long[] val;
    public int[] fireRule;
    public long[] fireTime;

    /** When everything held now will have expired, event-time millis; 0 when empty. */
    public long expiresAt;

    public GroupState() {}

    public int size() {
        return spec == null ? 0 : spec.length;
    }

    public boolean isEmpty() {
        return size() == 0 && (fireRule == null || fireRule.length == 0);
    }

    /**
     * When an operator should call {@link #expire}: all current contents are gone by then (0 if
     * empty).
     */
    public long nextExpiry() {
        return expiresAt;
    }

    /**
     * Drops entries older than their aggregate's retention at {@code now} (and entries of
     * aggregates no enabled rule uses any more), and fire times older than the alert cooldown.
     *
     * @return true when nothing is left (the operator can clear the state)
     */
    public boolean expire(long now, RuleSet rs) {
        long horizon = 0;
        int n = size();
        int kept = 0;
        for (int i = 0; i < n; i++) {
            AggSpec s = rs.spec(spec[i]);
            if (s == null) continue;
            long until = time[i] + s.retentionMillis;
            if (until <= now) continue;
            horizon = Math.max(horizon, until);
            spec[kept] = spec[i];
            time[kept] = time[i];
            val[kept] = val[i];
            kept++;
        }
        truncate(kept);
        long cooldown = rs.alertCooldownMillis();
        int f = fireRule == null ? 0 : fireRule.length;
        int fk = 0;
        for (int i = 0; i < f; i++) {
            long until = fireTime[i] + cooldown;
            if (until <= now) continue;
            horizon = Math.max(horizon, until);
            fireRule[fk] = fireRule[i];
            fireTime[fk] = fireTime[i];
            fk++;
        }
        if (fk == 0) {
            fireRule = null;
            fireTime = null;
        } else if (fk < f) {
            fireRule = Arrays.copyOf(fireRule, fk);
            fireTime = Arrays.copyOf(fireTime, fk);
        }
        expiresAt = horizon;
        return isEmpty();
    }

    // ---- buckets (COUNT / SUM) ----

    /**
     * Adds {@code amount} to the bucket holding {@code t}; drops this aggregate's buckets older
     * than the retention.
     */
    void addToBucket(AggSpec s, long t, long amount) {
        long w = s.widthMillis;
        long b = Math.floorDiv(t, w) * w;
        long oldest = t - s.retentionMillis;
        int n = size();
        boolean realigned = false;
        for (int i = 0; i < n; i++) {
            if (spec[i] != s.id) continue;
            long bt = Math.floorDiv(time[i], w) * w;
            if (bt != time[i]) { // the rule set changed the bucket width: re-align, keep the counts
                time[i] = bt;
                realigned = true;
            }
        }
        if (realigned) mergeDuplicateBuckets(s.id);
        removeStale(s.id, oldest);
        int hit = find(s.id, b);
        if (hit >= 0) {
            val[hit] = saturatingAdd(val[hit], amount);
        } else {
            append(s.id, b, amount);
        }
        extend(b + s.retentionMillis);
    }

    private void mergeDuplicateBuckets(int id) {
        int n = size();
        for (int i = 0; i < n; i++) {
            if (spec[i] != id || time[i] == Long.MIN_VALUE) continue;
            for (int j = i + 1; j < n; j++) {
                if (spec[j] == id && time[j] == time[i]) {
                    val[i] = saturatingAdd(val[i], val[j]);
                    time[j] = Long.MIN_VALUE; // removed by removeStale
                }
            }
        }
    }

    /** Sum of this aggregate's buckets whose start lies in (from, to]. */
    /**
     * A SUM of amounts stops at {@code Long.MAX_VALUE} instead of wrapping negative, which would
     * turn a huge spend into no spend at all.
     */
    static long saturatingAdd(long a, long b) {
        long r = a + b;
        // Overflow only when both operands have the same sign and the result's sign differs.
        if (((a ^ r) & (b ^ r)) < 0) {
            return r < 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return r;
    }

    long sumBuckets(AggSpec s, long from, long to) {
        long w = s.widthMillis;
        long sum = 0;
        int n = size();
        for (int i = 0; i < n; i++) {
            if (spec[i] != s.id) continue;
            long bt = Math.floorDiv(time[i], w) * w;
            if (bt > from && bt <= to) sum = saturatingAdd(sum, val[i]);
        }
        return sum;
    }

    /**
     * The newest time this aggregate holds (a bucket start or a value's last sighting), or {@code
     * Long.MIN_VALUE} when it holds nothing.
     */
    long newestTime(AggSpec s) {
        long newest = Long.MIN_VALUE;
        int n = size();
        for (int i = 0; i < n; i++) {
            if (spec[i] == s.id && time[i] > newest) newest = time[i];
        }
        return newest;
    }

    // ---- distinct values / value history ----

    /**
     * Records value {@code hash} seen at {@code t}; evicts the oldest value when at {@code cap}.
     */
    void touchValue(AggSpec s, long hash, long t, int cap) {
        long oldest = t - s.retentionMillis;
        removeStale(s.id, oldest);
        int n = size();
        int count = 0;
        int oldestIdx = -1;
        for (int i = 0; i < n; i++) {
            if (spec[i] != s.id) continue;
            if (val[i] == hash) {
                if (t > time[i]) time[i] = t;
                extend(time[i] + s.retentionMillis);
                return;
            }
            count++;
            if (oldestIdx < 0 || time[i] < time[oldestIdx]) oldestIdx = i;
        }
        if (count >= cap) {
            val[oldestIdx] = hash;
            time[oldestIdx] = t;
        } else {
            append(s.id, t, hash);
        }
        extend(t + s.retentionMillis);
    }

    /** Number of this aggregate's values last seen in (from, to]. */
    int countValues(AggSpec s, long from, long to) {
        int n = size();
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (spec[i] == s.id && time[i] > from && time[i] <= to) c++;
        }
        return c;
    }

    /** Number of this aggregate's values last seen after {@code from}. */
    int countValuesSince(AggSpec s, long from) {
        return countValues(s, from, Long.MAX_VALUE);
    }

    /** Whether value {@code hash} was last seen after {@code from}. */
    boolean hasValueSince(AggSpec s, long hash, long from) {
        int n = size();
        for (int i = 0; i < n; i++) {
            if (spec[i] == s.id && val[i] == hash && time[i] > from) return true;
        }
        return false;
    }

    // ---- change log ----

    void recordChange(AggSpec s, int changeOrdinal, long t) {
        touchValue(s, changeOrdinal, t, 16);
    }

    /**
     * Index of the latest change whose kind is in {@code mask} and time in [from, to]; -1 if none.
     */
    int latestChange(AggSpec s, int mask, long from, long to) {
        int n = size();
        int best = -1;
        for (int i = 0; i < n; i++) {
            if (spec[i] != s.id) continue;
            if ((mask & (1 << (int) val[i])) == 0) continue;
            if (time[i] < from || time[i] > to) continue;
            if (best < 0 || time[i] > time[best]) best = i;
        }
        return best;
    }

    // ---- first sighting ----

    /**
     * The first time this key was seen for the aggregate, recording a sighting at {@code t}. One
     * entry: its time is the last sighting (the entry lasts the retention after it), its value the
     * first.
     */
    long firstSeen(AggSpec s, long t) {
        int n = size();
        for (int i = 0; i < n; i++) {
            if (spec[i] != s.id) continue;
            if (t > time[i]) time[i] = t;
            if (t < val[i]) val[i] = t;
            extend(time[i] + s.retentionMillis);
            return val[i];
        }
        append(s.id, t, t);
        extend(t + s.retentionMillis);
        return t;
    }

    /** The first sighting recorded for the aggregate, {@code Long.MIN_VALUE} when none. */
    long firstSighting(AggSpec s) {
        int n = size();
        for (int i = 0; i < n; i++) {
            if (spec[i] == s.id) return val[i];
        }
        return Long.MIN_VALUE;
    }

    // ---- sequences ----

    /**
     * Records that step {@code step} was reached by a chain that started at {@code start}, at
     * {@code t}. One entry per step: its time is when the step was last reached, its value the step
     * and the chain's start ({@code start * 16 + step}); the latest start wins.
     */
    void advanceSequence(AggSpec s, int step, long start, long t) {
        removeStale(s.id, t - s.retentionMillis);
        int n = size();
        for (int i = 0; i < n; i++) {
            if (spec[i] != s.id || (int) Math.floorMod(val[i], 16L) != step) continue;
            long known = Math.floorDiv(val[i], 16L);
            if (start >= known) {
                val[i] = start * 16 + step;
                time[i] = Math.max(time[i], t);
            }
            extend(time[i] + s.retentionMillis);
            return;
        }
        append(s.id, t, start * 16 + step);
        extend(t + s.retentionMillis);
    }

    /** The start of the latest chain that reached {@code step} and started after {@code from}. */
    long sequenceStart(AggSpec s, int step, long from) {
        int n = size();
        for (int i = 0; i < n; i++) {
            if (spec[i] != s.id || (int) Math.floorMod(val[i], 16L) != step) continue;
            long start = Math.floorDiv(val[i], 16L);
            return start >= from ? start : Long.MIN_VALUE;
        }
        return Long.MIN_VALUE;
    }

    // ---- repeats ----

    /**
     * Records that rule {@code ruleHash} fired at {@code t}.
     *
     * @return true when it already fired for this key less than {@code cooldownMillis} away
     */
    boolean recordFire(int ruleHash, long t, long cooldownMillis) {
        int f = fireRule == null ? 0 : fireRule.length;
        for (int i = 0; i < f; i++) {
            if (fireRule[i] == ruleHash) {
                boolean repeat = Math.abs(t - fireTime[i]) < cooldownMillis;
                // The cooldown runs from the fire that was news, not from the latest repeat: a
                // key that keeps firing (a campaign going on, another attack on the same key) is
                // news again once per cooldown instead of never.
                if (!repeat && t > fireTime[i]) fireTime[i] = t;
                extend(fireTime[i] + cooldownMillis);
                return repeat;
            }
        }
        fireRule = fireRule == null ? new int[1] : Arrays.copyOf(fireRule, f + 1);
        fireTime = fireTime == null ? new long[1] : Arrays.copyOf(fireTime, f + 1);
        fireRule[f] = ruleHash;
        fireTime[f] = t;
        extend(t + cooldownMillis);
        return false;
    }

    // ---- table plumbing ----

    private int find(int id, long t) {
        int n = size();
        for (int i = 0; i < n; i++) if (spec[i] == id && time[i] == t) return i;
        return -1;
    }

    private void append(int id, long t, long v) {
        int n = size();
        if (n == 0) {
            spec = new int[1];
            time = new long[1];
            val = new long[1];
        } else {
            spec = Arrays.copyOf(spec, n + 1);
            time = Arrays.copyOf(time, n + 1);
            val = Arrays.copyOf(val, n + 1);
        }
        spec[n] = id;
        time[n] = t;
        val[n] = v;
    }

    private void removeStale(int id, long oldest) {
        int n = size();
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (spec[i] == id && time[i] <= oldest) continue;
            spec[kept] = spec[i];
            time[kept] = time[i];
            val[kept] = val[i];
            kept++;
        }
        truncate(kept);
    }

    private void truncate(int kept) {
        int n = size();
        if (kept == n) return;
        if (kept == 0) {
            spec = null;
            time = null;
            val = null;
        } else {
            spec = Arrays.copyOf(spec, kept);
            time = Arrays.copyOf(time, kept);
            val = Arrays.copyOf(val, kept);
        }
    }

    private void extend(long until) {
        if (until > expiresAt) expiresAt = until;
    }

    /** Rough heap footprint in bytes (compressed oops), for sizing. */
    public long estimatedBytes() {
        long b = 16 + 5 * 4 + 8; // header, 5 refs, expiresAt
        if (spec != null) b += arr(spec.length * 4L) + 2 * arr(time.length * 8L);
        if (fireRule != null) b += arr(fireRule.length * 4L) + arr(fireTime.length * 8L);
        return b;
    }

    private static long arr(long payload) {
        return (16 + payload + 7) / 8 * 8;
    }
}
