package dev.fraudmonitor.bench;

import dev.fraudmonitor.demo.BlockList;
import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.GroupStep;
import dev.fraudmonitor.engine.InMemoryEngine;
import dev.fraudmonitor.engine.RulesSnapshot;
import dev.fraudmonitor.engine.RulesSource;
import dev.fraudmonitor.engine.SessionStep;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.event.ScoringEvents;
import dev.fraudmonitor.engine.rules.GroupState;
import dev.fraudmonitor.engine.rules.ListKind;
import dev.fraudmonitor.engine.rules.ListSnapshot;
import dev.fraudmonitor.engine.rules.RuleSetParser;
import dev.fraudmonitor.engine.rules.SessionState;
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
 * benchmark's mix) and the default rule set with the simulator's block lists. Every one runs the
 * engine the job runs:
 *
 * <ul>
 *   <li>{@code decode}: contract JSON to {@link CheckoutEvent} ({@link EventCodec}, validation
 *       included); {@code decodeAndFlatten} adds the flattening to {@link ScoringEvent}.
 *   <li>{@code sessionStep}: {@link SessionStep} for one event against its session's state.
 *   <li>{@code groupStep}: {@link GroupStep} for one group copy (the copies {@link SessionStep}
 *       sends) against its key's state.
 *   <li>{@code engine}: one event through all three steps ({@link InMemoryEngine}), decisions
 *       included, with in-memory state.
 * </ul>
 *
 * States start empty and are replaced when the events wrap around, so every pass sees the same
 * history; state lookup in a state backend is not included.
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

    RulesSnapshot rules;
    EventCodec codec;
    byte[][] encoded;
    ScoringEvent[] events;
    int[] sessionOf;
    SessionState[] sessions;
    GroupCopy[] copies;
    int[] copyKeyOf;
    GroupState[] groups;
    final SessionStep sessionStep = new SessionStep();
    final GroupStep groupStep = new GroupStep();
    InMemoryEngine engine;
    int e;
    int c;
    int d;
    int n;

    @Setup
    public void setUp() throws Exception {
        String json;
        try (InputStream in =
                getClass().getClassLoader().getResourceAsStream("rules/default-rules.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
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
        rules = new RulesSnapshot(RuleSetParser.parse(json), lists(s.blockList()));
        encoded = enc.toArray(byte[][]::new);
        events = evs.toArray(ScoringEvent[]::new);

        Map<String, Integer> sessionIds = new HashMap<>();
        sessionOf = new int[events.length];
        for (int i = 0; i < events.length; i++) {
            sessionOf[i] = sessionIds.computeIfAbsent(events[i].sessionId, k -> sessionIds.size());
        }
        sessions = new SessionState[sessionIds.size()];
        resetSessions();
        // The copies the session step sends, in stream order.
        Map<String, Integer> groupKeys = new HashMap<>();
        List<GroupCopy> sent = new ArrayList<>();
        List<Integer> keyOf = new ArrayList<>();
        for (int i = 0; i < events.length; i++) {
            sessionStep.apply(rules, sessions[sessionOf[i]], events[i]);
            for (GroupCopy copy : sessionStep.toGroups()) {
                sent.add(copy);
                keyOf.add(groupKeys.computeIfAbsent(copy.key, k -> groupKeys.size()));
            }
        }
        resetSessions();
        copies = sent.toArray(GroupCopy[]::new);
        copyKeyOf = keyOf.stream().mapToInt(Integer::intValue).toArray();
        groups = new GroupState[groupKeys.size()];
        resetGroups();
        engine = new InMemoryEngine(RulesSource.fixed(rules), new InMemoryEngine.Listener() {});
        System.out.printf(
                "%n%,d events, %,d sessions, %,d group copies (%.2f per event), %,d group keys;"
                        + " mix %s%n",
                events.length,
                sessions.length,
                copies.length,
                copies.length / (double) events.length,
                groups.length,
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
    public int sessionStep() {
        sessionStep.apply(rules, sessions[sessionOf[e]], events[e]);
        if (++e == events.length) {
            e = 0;
            resetSessions();
        }
        return sessionStep.toGroups().size();
    }

    @Benchmark
    public int groupStep() {
        int hits = groupStep.apply(rules, groups[copyKeyOf[c]], copies[c]).size();
        if (++c == copies.length) {
            c = 0;
            resetGroups();
        }
        return hits;
    }

    @Benchmark
    public long engine() {
        engine.accept(events[n]);
        if (++n == events.length) {
            n = 0;
            engine = new InMemoryEngine(RulesSource.fixed(rules), new InMemoryEngine.Listener() {});
        }
        return engine.events();
    }
}
