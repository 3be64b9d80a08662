package dev.fraudmonitor.bench;

import dev.fraudmonitor.demo.BlockList;
import dev.fraudmonitor.job.event.ScoringEvent;
import dev.fraudmonitor.job.event.ScoringEvents;
import dev.fraudmonitor.job.rules.GroupBy;
import dev.fraudmonitor.job.rules.GroupEvaluator;
import dev.fraudmonitor.job.rules.GroupState;
import dev.fraudmonitor.job.rules.Hit;
import dev.fraudmonitor.job.rules.ListKind;
import dev.fraudmonitor.job.rules.ListSnapshot;
import dev.fraudmonitor.job.rules.RuleSet;
import dev.fraudmonitor.job.rules.RuleSetParser;
import dev.fraudmonitor.job.rules.Scorer;
import dev.fraudmonitor.job.rules.SessionEvaluator;
import dev.fraudmonitor.job.rules.SessionState;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.EventCodec;
import dev.fraudmonitor.model.InvalidEventException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH microbenchmarks of the per-event hot paths, on 200,000 simulated events (the end-to-end
 * benchmark's mix) and the default rule set with the simulator's block lists:
 *
 * <ul>
 *   <li>{@code decode}: contract JSON to {@link CheckoutEvent} ({@link EventCodec}, validation
 *       included); {@code decodeAndFlatten} adds the flattening to {@link ScoringEvent}.
 *   <li>{@code sessionEvaluate}: {@link SessionEvaluator} for one event against its session's
 *       state.
 *   <li>{@code groupEvaluate}: {@link GroupEvaluator} (state update + every rule of that grouping)
 *       for one copy of an event against its group key's state; the job makes about {@code
 *       copiesPerEvent} copies of each event.
 *   <li>{@code score}: {@link Scorer} over a session's fired rules (sets as the stream fires them).
 * </ul>
 *
 * States start empty and are replaced when the events wrap around, so every pass sees the same
 * history; state lookup (a state backend's work) is not included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g"})
public class RuleEngineBenchmarks {
    static final int EVENTS = 200_000;

    RuleSet rules;
    ListSnapshot lists;
    EventCodec codec;
    byte[][] encoded;
    ScoringEvent[] events;
    int[] sessionOf;
    SessionState[] sessions;
    GroupBy[] copyKind;
    ScoringEvent[] copyEvent;
    int[] copyKeyOf;
    GroupState[] groups;
    final List<List<Hit>> hitSets = new ArrayList<>();
    final List<Hit> hits = new ArrayList<>();
    int e;
    int c;
    int h;
    int d;

    @Setup
    public void setUp() throws Exception {
        String json;
        try (InputStream in =
                getClass().getClassLoader().getResourceAsStream("rules/default-rules.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        rules = RuleSetParser.parse(json);
        codec = new EventCodec();
        List<byte[]> enc = new ArrayList<>();
        List<ScoringEvent> evs = new ArrayList<>();
        Events.Summary s =
                Events.generate(
                        EVENTS,
                        5000,
                        0.1,
                        42,
                        System.currentTimeMillis() - 3_600_000,
                        sent -> {
                            enc.add(codec.encode(sent.event()));
                            evs.add(ScoringEvents.from(sent.event(), sent.sentAt()));
                        });
        lists = lists(s.blockList());
        encoded = enc.toArray(byte[][]::new);
        events = evs.toArray(ScoringEvent[]::new);

        Map<String, Integer> sessionIds = new HashMap<>();
        sessionOf = new int[events.length];
        Map<String, Integer> groupKeys = new HashMap<>();
        List<GroupBy> kinds = new ArrayList<>();
        List<ScoringEvent> copyEvents = new ArrayList<>();
        List<Integer> keyOf = new ArrayList<>();
        for (int i = 0; i < events.length; i++) {
            ScoringEvent ev = events[i];
            sessionOf[i] = sessionIds.computeIfAbsent(ev.sessionId, k -> sessionIds.size());
            for (GroupBy kind : rules.groupings()) {
                String v = kind == GroupBy.SESSION ? null : kind.keyOf(ev);
                if (v == null) continue;
                kinds.add(kind);
                copyEvents.add(ev);
                keyOf.add(groupKeys.computeIfAbsent(kind + "|" + v, k -> groupKeys.size()));
            }
        }
        sessions = new SessionState[sessionIds.size()];
        groups = new GroupState[groupKeys.size()];
        copyKind = kinds.toArray(GroupBy[]::new);
        copyEvent = copyEvents.toArray(ScoringEvent[]::new);
        copyKeyOf = keyOf.stream().mapToInt(Integer::intValue).toArray();
        resetSessions();
        resetGroups();

        // The hit sets sessions accumulate, as the decision stage scores them.
        Map<Integer, List<Hit>> bySession = new HashMap<>();
        List<Hit> out = new ArrayList<>();
        for (int i = 0; i < events.length; i++) {
            out.clear();
            SessionEvaluator.evaluate(rules, lists, sessions[sessionOf[i]], events[i], out);
            if (!out.isEmpty()) {
                List<Hit> acc = bySession.computeIfAbsent(sessionOf[i], k -> new ArrayList<>());
                acc.addAll(out);
                hitSets.add(List.copyOf(acc));
            }
        }
        for (int i = 0; i < copyEvent.length; i++) {
            out.clear();
            GroupEvaluator.evaluate(
                    rules, lists, copyKind[i], groups[copyKeyOf[i]], copyEvent[i], out);
            if (!out.isEmpty()) hitSets.add(List.copyOf(out));
        }
        if (hitSets.isEmpty()) {
            throw new IllegalStateException("no rule fired on the simulated traffic");
        }
        resetSessions();
        resetGroups();
        System.out.printf(
                "%n%,d events, %,d sessions, %,d group copies (%.2f per event), %,d group keys,"
                        + " %,d hit sets; mix %s%n",
                events.length,
                sessions.length,
                copyEvent.length,
                copyEvent.length / (double) events.length,
                groups.length,
                hitSets.size(),
                s.mixText());
    }

    private void resetSessions() {
        for (int i = 0; i < sessions.length; i++) sessions[i] = new SessionState();
    }

    private void resetGroups() {
        for (int i = 0; i < groups.length; i++) groups[i] = new GroupState();
    }

    private static ListSnapshot lists(BlockList b) {
        Map<ListKind, Set<String>> block = new EnumMap<>(ListKind.class);
        for (Map.Entry<String, List<String>> e : b.byKind().entrySet()) {
            block.put(
                    ListKind.valueOf(e.getKey().toUpperCase(java.util.Locale.ROOT)),
                    new HashSet<>(e.getValue()));
        }
        return new ListSnapshot(1, block, Map.of());
    }

    @Benchmark
    public CheckoutEvent decode() throws InvalidEventException {
        byte[] b = encoded[d];
        if (++d == encoded.length) d = 0;
        return codec.decode(b);
    }

    @Benchmark
    public ScoringEvent decodeAndFlatten() throws InvalidEventException {
        byte[] b = encoded[d];
        if (++d == encoded.length) d = 0;
        return ScoringEvents.from(codec.decode(b), 0);
    }

    @Benchmark
    public int sessionEvaluate() {
        hits.clear();
        SessionEvaluator.evaluate(rules, lists, sessions[sessionOf[e]], events[e], hits);
        if (++e == events.length) {
            e = 0;
            resetSessions();
        }
        return hits.size();
    }

    @Benchmark
    public int groupEvaluate() {
        hits.clear();
        GroupEvaluator.evaluate(
                rules, lists, copyKind[c], groups[copyKeyOf[c]], copyEvent[c], hits);
        if (++c == copyEvent.length) {
            c = 0;
            resetGroups();
        }
        return hits.size();
    }

    @Benchmark
    public Action score() {
        List<Hit> set = hitSets.get(h);
        if (++h == hitSets.size()) h = 0;
        return Scorer.action(rules, Scorer.score(set), true);
    }
}
