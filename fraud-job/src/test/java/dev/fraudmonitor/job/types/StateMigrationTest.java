package dev.fraudmonitor.job.types;

import static dev.fraudmonitor.job.types.Fields.assertAllSet;
import static dev.fraudmonitor.job.types.Fields.assertSameFields;
import static dev.fraudmonitor.job.types.Fields.filled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.engine.DecisionState;
import dev.fraudmonitor.engine.EntityState;
import dev.fraudmonitor.engine.rules.GroupState;
import dev.fraudmonitor.engine.rules.SessionState;
import dev.fraudmonitor.job.operators.DecisionStage;
import dev.fraudmonitor.job.operators.EntityStage;
import dev.fraudmonitor.job.operators.GroupStage;
import dev.fraudmonitor.job.operators.SessionStage;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Savepoints of the job from before its state serializers kept every stage's state with Flink's
 * POJO serializer. Each stage's state as that job wrote it (its name, the POJO serializer) is
 * restored through the descriptor the stage now registers, on both backends the job offers, and
 * must read back field for field, and survive a second snapshot in the new format.
 */
class StateMigrationTest {

    static Stream<Arguments> states() {
        return Stream.of(true, false)
                .flatMap(
                        rocksdb ->
                                Stream.of(
                                        Arguments.of(
                                                SessionStage.STATE, SessionState.class, rocksdb),
                                        Arguments.of(GroupStage.STATE, GroupState.class, rocksdb),
                                        Arguments.of(EntityStage.STATE, EntityState.class, rocksdb),
                                        Arguments.of(
                                                DecisionStage.STATE,
                                                DecisionState.class,
                                                rocksdb)));
    }

    @ParameterizedTest(name = "{1}, RocksDB {2}")
    @MethodSource("states")
    <S> void stateWrittenByThePojoSerializerIsReadBackAndRewritten(
            ValueStateDescriptor<S> stageState, Class<S> type, boolean rocksdb) throws Exception {
        S written = filled(type, 1);
        assertAllSet(written, type.getSimpleName());
        ValueStateDescriptor<S> asBefore =
                new ValueStateDescriptor<>(stageState.getName(), TypeInformation.of(type));

        OperatorSubtaskState old = snapshotOf(new Write<>(asBefore, written), rocksdb);
        Read<S> now = new Read<>(stageState);
        OperatorSubtaskState migrated;
        try (var h = harness(now, rocksdb)) {
            h.initializeState(old);
            h.open();
            h.processElement("key-1", 0L);
            assertSameFields(written, single(h.extractOutputValues()), type.getSimpleName());
            migrated = h.snapshot(2L, 2L);
        }
        try (var h = harness(new Read<>(stageState), rocksdb)) {
            h.initializeState(migrated);
            h.open();
            h.processElement("key-1", 0L);
            assertSameFields(written, single(h.extractOutputValues()), type.getSimpleName());
        }
    }

    static Stream<Arguments> olderSessionFormats() {
        return Stream.of(false, true)
                .flatMap(rocksdb -> Stream.of(Arguments.of(1, rocksdb), Arguments.of(2, rocksdb)));
    }

    /**
     * Session state written in an older format version (1 also held {@code factsExpireAt}; 1 and 2
     * wrote the de-duplication table's empty slots) by a job before the current one: restored
     * through the stage's descriptor and read back field for field; the next snapshot restores
     * again. On RocksDB the first restore fails without the migration (the bytes stay in the old
     * format under the current reader); which format the second snapshot is in is Flink's to choose
     * and is not asserted here.
     */
    @ParameterizedTest(name = "version {0}, RocksDB {1}")
    @MethodSource("olderSessionFormats")
    void sessionStateInAnOlderFormatIsReadBackAndRewritten(int version, boolean rocksdb)
            throws Exception {
        SessionState written = filled(SessionState.class, 1);
        ValueStateDescriptor<SessionState> asBefore =
                new ValueStateDescriptor<>(
                        SessionStage.STATE.getName(),
                        version == 1
                                ? SessionStateOldFormat.VERSION_1
                                : SessionStateOldFormat.VERSION_2);

        OperatorSubtaskState old = snapshotOf(new Write<>(asBefore, written), rocksdb);
        OperatorSubtaskState migrated;
        try (var h = harness(new Read<>(SessionStage.STATE), rocksdb)) {
            h.initializeState(old);
            h.open();
            h.processElement("key-1", 0L);
            assertSameFields(written, single(h.extractOutputValues()), "SessionState");
            migrated = h.snapshot(2L, 2L);
        }
        // Written by the current serializer now (by RocksDB's migration pass, or the heap's
        // snapshot), it restores again.
        try (var h = harness(new Read<>(SessionStage.STATE), rocksdb)) {
            h.initializeState(migrated);
            h.open();
            h.processElement("key-1", 0L);
            assertSameFields(written, single(h.extractOutputValues()), "SessionState");
        }
    }

    @Test
    void aPojoSnapshotOfTheSameClassMigratesAndOfAnotherIsIncompatible() {
        TypeSerializerSnapshot<SessionState> pojo =
                TypeInformation.of(SessionState.class)
                        .createSerializer(new SerializerConfigImpl())
                        .snapshotConfiguration();
        assertTrue(
                new SessionStateSerializer.Snapshot()
                        .resolveSchemaCompatibility(pojo)
                        .isCompatibleAfterMigration());

        @SuppressWarnings("unchecked")
        TypeSerializerSnapshot<SessionState> otherPojo =
                (TypeSerializerSnapshot<SessionState>)
                        (TypeSerializerSnapshot<?>)
                                TypeInformation.of(GroupState.class)
                                        .createSerializer(new SerializerConfigImpl())
                                        .snapshotConfiguration();
        assertTrue(
                new SessionStateSerializer.Snapshot()
                        .resolveSchemaCompatibility(otherPojo)
                        .isIncompatible());
    }

    private static <S> S single(List<S> values) {
        assertEquals(1, values.size(), "one state read back");
        return values.get(0);
    }

    private static <O> OperatorSubtaskState snapshotOf(
            KeyedProcessFunction<String, String, O> f, boolean rocksdb) throws Exception {
        try (var h = harness(f, rocksdb)) {
            h.open();
            h.processElement("key-1", 0L);
            return h.snapshot(1L, 1L);
        }
    }

    private static <O> KeyedOneInputStreamOperatorTestHarness<String, String, O> harness(
            KeyedProcessFunction<String, String, O> f, boolean rocksdb) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(f), k -> k, Types.STRING);
        StateBackend backend =
                rocksdb ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
        h.setStateBackend(backend);
        return h;
    }

    /** Keeps {@code value} for the key it is given, through {@code descriptor}. */
    private static final class Write<S> extends KeyedProcessFunction<String, String, Void> {
        private final ValueStateDescriptor<S> descriptor;
        private final S value;
        private transient ValueState<S> state;

        Write(ValueStateDescriptor<S> descriptor, S value) {
            this.descriptor = descriptor;
            this.value = value;
        }

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(descriptor);
        }

        @Override
        public void processElement(String key, Context ctx, Collector<Void> out) throws Exception {
            state.update(value);
        }
    }

    /** Emits the value kept for the key it is given, through {@code descriptor}. */
    private static final class Read<S> extends KeyedProcessFunction<String, String, S> {
        private final ValueStateDescriptor<S> descriptor;
        private transient ValueState<S> state;

        Read(ValueStateDescriptor<S> descriptor) {
            this.descriptor = descriptor;
        }

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(descriptor);
        }

        @Override
        public void processElement(String key, Context ctx, Collector<S> out) throws Exception {
            out.collect(state.value());
        }
    }
}
