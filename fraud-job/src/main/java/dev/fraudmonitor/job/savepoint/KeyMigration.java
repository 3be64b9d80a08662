package dev.fraudmonitor.job.savepoint;

import dev.fraudmonitor.job.operators.DecisionStage;
import dev.fraudmonitor.job.operators.EntityStage;
import dev.fraudmonitor.job.operators.GroupStage;
import dev.fraudmonitor.job.operators.RulesInForce;
import dev.fraudmonitor.job.operators.SessionStage;
import dev.fraudmonitor.job.operators.StateKeys;
import dev.fraudmonitor.job.types.StateTypes;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * Rewrites a savepoint of a version that kept the stages' state under string keys into one keyed by
 * {@link StateKeys}: each stage's state moves from its session id or grouping value to that value's
 * 64-bit key; every other operator's state (Kafka offsets, sink transactions) is copied as it is.
 * The rules in force are carried over; expiry timers are not: on RocksDB the first start gives
 * every key one ({@code StageOperator}), on the heap the sweep needs none.
 *
 * <p>A batch job: {@code flink run -c dev.fraudmonitor.job.savepoint.KeyMigration <cluster jar>
 * --from <savepoint> --to <directory>} on the cluster that can read both, or {@code
 * scripts/migrate-savepoint} on this machine. Exit code 0 when written, 1 when the savepoint cannot
 * be migrated (the message says why), 2 on usage errors.
 */
public final class KeyMigration {
    static final String USAGE =
            """
            Usage: migrate-savepoint --from SAVEPOINT --to DIRECTORY

            Rewrites a savepoint taken by a version that kept the stages' state under string keys
            (before 64-bit state keys) so this version can start from it:
              flink run --fromSavepoint DIRECTORY ...
            SAVEPOINT is the path `flink stop` printed; DIRECTORY must not exist yet.
            """;

    /** A keyed stage of the job: its uid and the state it keeps per key. */
    record Stage<S>(String uid, ValueStateDescriptor<S> state, TypeInformation<S> type)
            implements java.io.Serializable {
        OperatorIdentifier id() {
            return OperatorIdentifier.forUid(uid);
        }
    }

    static final List<Stage<?>> STAGES =
            List.of(
                    new Stage<>("session-stage", SessionStage.STATE, StateTypes.SESSION_STATE),
                    new Stage<>("group-stage", GroupStage.STATE, StateTypes.GROUP_STATE),
                    new Stage<>("entity-stage", EntityStage.STATE, StateTypes.ENTITY_STATE),
                    new Stage<>("decision-stage", DecisionStage.STATE, StateTypes.DECISION_STATE));

    private KeyMigration() {}

    /** Keys moved and keys that collided, per stage uid. */
    public record Result(Map<String, Long> keys, Map<String, Long> collisions) {}

    public static void main(String[] args) throws Exception {
        String from = null;
        String to = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--from" -> from = i + 1 < args.length ? args[++i] : null;
                case "--to" -> to = i + 1 < args.length ? args[++i] : null;
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return;
                }
                default -> {
                    System.err.println("migrate-savepoint: unknown argument " + args[i]);
                    System.err.print(USAGE);
                    System.exit(2);
                }
            }
        }
        if (from == null || to == null) {
            System.err.println("migrate-savepoint: --from and --to are both required");
            System.err.print(USAGE);
            System.exit(2);
        }
        try {
            migrate(StreamExecutionEnvironment.getExecutionEnvironment(), from, to, System.out);
        } catch (MigrationException e) {
            System.err.println("migrate-savepoint: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Reads {@code from}, writes the rewritten savepoint to {@code to}, reports to {@code log}. */
    public static Result migrate(
            StreamExecutionEnvironment env, String from, String to, PrintStream log)
            throws Exception {
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        Path target = new Path(to, "_metadata");
        if (target.getFileSystem().exists(target)) {
            throw new MigrationException(
                    to + " already holds a savepoint; give a directory that does not exist yet",
                    null);
        }
        log.println("Reading " + from);
        SavepointReader reader;
        try {
            reader = SavepointReader.read(env, from);
        } catch (Exception e) {
            throw new MigrationException(
                    "cannot read a savepoint at "
                            + from
                            + " ("
                            + e.getMessage()
                            + "); give the path `flink stop` printed",
                    e);
        }
        log.println("Reading the rules in force");
        Map<String, List<String>> rules = new LinkedHashMap<>();
        for (Stage<?> stage : STAGES) {
            rules.put(stage.uid(), rulesInForce(reader, stage));
        }
        SavepointWriter writer = SavepointWriter.fromExistingSavepoint(env, from);
        for (Stage<?> stage : STAGES) {
            writer = rewrite(reader, writer, stage, rules.get(stage.uid()));
        }
        writer.write(to);
        log.println(
                "Rewriting the keys of "
                        + STAGES.size()
                        + " stages to "
                        + to
                        + " (a batch job: a savepoint with millions of keys takes minutes)");
        JobExecutionResult done;
        try {
            done = env.execute("migrate savepoint to 64-bit state keys");
        } catch (Exception e) {
            if (stringKeysRefused(e)) {
                throw new MigrationException(
                        "the stages' state in "
                                + from
                                + " is not keyed by strings: it was taken by a version with 64-bit"
                                + " state keys (or migrated already) and needs no migration",
                        e);
            }
            throw e;
        }
        log.println("Reading back what was written");
        Map<String, Long> written = written(env, to);
        Map<String, Long> keys = new LinkedHashMap<>();
        Map<String, Long> collisions = new LinkedHashMap<>();
        for (Stage<?> stage : STAGES) {
            Long read = done.getAccumulatorResult(Read.KEYS + stage.uid());
            long n = written.get(stage.uid());
            keys.put(stage.uid(), n);
            collisions.put(stage.uid(), (read == null ? 0L : read) - n);
            log.printf(
                    "  %-15s %,d keys%s%n",
                    stage.uid(),
                    n,
                    collisions.get(stage.uid()) == 0
                            ? ""
                            : ", " + collisions.get(stage.uid()) + " more shared a key (one kept)");
        }
        log.println("Wrote " + to + "; start the job with --fromSavepoint " + to);
        return new Result(keys, collisions);
    }

    /** Reads back the savepoint written: the keys each stage holds in it. */
    private static Map<String, Long> written(StreamExecutionEnvironment env, String to)
            throws Exception {
        SavepointReader reader = SavepointReader.read(env, to);
        for (Stage<?> stage : STAGES) {
            reader.readKeyedState(stage.id(), new Count<>(stage), Types.LONG, Types.LONG)
                    .sinkTo(new DiscardingSink<>());
        }
        JobExecutionResult done = env.execute("count the keys of the migrated savepoint");
        Map<String, Long> written = new LinkedHashMap<>();
        for (Stage<?> stage : STAGES) {
            Long n = done.getAccumulatorResult(Count.KEYS + stage.uid());
            written.put(stage.uid(), n == null ? 0L : n);
        }
        return written;
    }

    private static List<String> rulesInForce(SavepointReader reader, Stage<?> stage)
            throws Exception {
        DataStream<String> saved =
                reader.readUnionState(stage.id(), RulesInForce.SAVED.getName(), Types.STRING);
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        try (CloseableIterator<String> it = saved.executeAndCollect()) {
            it.forEachRemaining(distinct::add);
        }
        return new ArrayList<>(distinct);
    }

    private static <S> SavepointWriter rewrite(
            SavepointReader reader, SavepointWriter writer, Stage<S> stage, List<String> rules)
            throws Exception {
        TypeInformation<Tuple2<Long, S>> entry = new TupleTypeInfo<>(Types.LONG, stage.type());
        DataStream<Tuple2<Long, S>> entries =
                reader.readKeyedState(stage.id(), new Read<>(stage), Types.STRING, entry);
        return writer.removeOperator(stage.id())
                .withOperator(
                        stage.id(),
                        OperatorTransformation.bootstrapWith(entries)
                                .keyBy(e -> e.f0, Types.LONG)
                                .transform(new Write<>(stage, rules)));
    }

    /** Flink refused to read the stage's keys as strings: they are not. */
    private static boolean stringKeysRefused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("key serializer") || m.contains("StateMigrationException")) {
                return true;
            }
        }
        return false;
    }

    /** One stage's state, each entry under the new key of its string key. */
    static final class Read<S> extends KeyedStateReaderFunction<String, Tuple2<Long, S>> {
        private static final long serialVersionUID = 1L;
        static final String KEYS = "keys read ";
        private final Stage<S> stage;
        private transient ValueState<S> state;

        Read(Stage<S> stage) {
            this.stage = stage;
        }

        @Override
        public void open(OpenContext openContext) {
            state = getRuntimeContext().getState(stage.state());
        }

        @Override
        public void readKey(String key, Context ctx, Collector<Tuple2<Long, S>> out)
                throws Exception {
            S value = state.value();
            if (value != null) {
                out.collect(Tuple2.of(StateKeys.of(key), value));
                getRuntimeContext().getLongCounter(KEYS + stage.uid()).add(1);
            }
        }
    }

    /** Writes each entry under its new key, and the rules in force once. */
    static final class Write<S> extends KeyedStateBootstrapFunction<Long, Tuple2<Long, S>>
            implements CheckpointedFunction {
        private static final long serialVersionUID = 1L;

        private final Stage<S> stage;
        private final List<String> rules;
        private transient ValueState<S> state;
        private transient ListState<String> rulesState;

        Write(Stage<S> stage, List<String> rules) {
            this.stage = stage;
            this.rules = rules;
        }

        @Override
        public void open(OpenContext openContext) {
            state = getRuntimeContext().getState(stage.state());
        }

        @Override
        public void processElement(Tuple2<Long, S> e, Context ctx) throws Exception {
            // Two values with one 64-bit key (about 3 in a million at 10 M keys per subtask): the
            // first stays, and the count read back says how many did not.
            if (state.value() == null) {
                state.update(e.f1);
            }
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            rulesState = context.getOperatorStateStore().getUnionListState(RulesInForce.SAVED);
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            // Union state: every subtask restores every copy, so one subtask writes them.
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                rulesState.update(rules);
            } else {
                rulesState.clear();
            }
        }
    }

    /** Counts the keys holding a stage's state. */
    static final class Count<S> extends KeyedStateReaderFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        static final String KEYS = "keys written ";
        private final Stage<S> stage;
        private transient ValueState<S> state;

        Count(Stage<S> stage) {
            this.stage = stage;
        }

        @Override
        public void open(OpenContext openContext) {
            state = getRuntimeContext().getState(stage.state());
        }

        @Override
        public void readKey(Long key, Context ctx, Collector<Long> out) throws Exception {
            if (state.value() != null) {
                getRuntimeContext().getLongCounter(KEYS + stage.uid()).add(1);
            }
        }
    }

    /** The savepoint cannot be migrated; the message says why and what to do. */
    static final class MigrationException extends Exception {
        private static final long serialVersionUID = 1L;

        MigrationException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
