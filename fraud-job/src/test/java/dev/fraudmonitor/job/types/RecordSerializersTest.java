package dev.fraudmonitor.job.types;

import static dev.fraudmonitor.job.types.Fields.assertAllSet;
import static dev.fraudmonitor.job.types.Fields.assertSameFields;
import static dev.fraudmonitor.job.types.Fields.fields;
import static dev.fraudmonitor.job.types.Fields.filled;
import static dev.fraudmonitor.job.types.Fields.isRecord;
import static dev.fraudmonitor.job.types.Fields.valueFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.DecisionState;
import dev.fraudmonitor.engine.EntityCopy;
import dev.fraudmonitor.engine.EntityState;
import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.GroupBy;
import dev.fraudmonitor.engine.rules.GroupState;
import dev.fraudmonitor.engine.rules.SessionState;
import dev.fraudmonitor.job.event.DecodeResult;
import dev.fraudmonitor.model.EventType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every record and state serializer against its class, by reflection: a field added to a class but
 * not to its serializer (or its copy) fails here, naming the field.
 */
class RecordSerializersTest {

    /**
     * The SHA-256 (first 16 hex digits) of each serializer's bytes for {@link #filled}, per format
     * version. A change of the bytes without a new format version is a silent wire-format change:
     * bump {@code FORMAT_VERSION} and add the new pin here.
     */
    private static final Map<String, String> FORMAT_PINS =
            Map.ofEntries(
                    Map.entry("ScoringEvent@1", "a424b3f1e3c43f84"),
                    Map.entry("GroupCopy@1", "f9b9d285aa52a690"),
                    Map.entry("EntityCopy@1", "e98b72670d136518"),
                    Map.entry("DecisionInput@1", "7dca3cb01164ca96"),
                    Map.entry("DecodeResult@1", "d16bb13c2962ca9b"),
                    Map.entry("SessionState@1", "f9d201d8712da5dd"),
                    Map.entry("SessionState@2", "632c64cbc258992d"),
                    Map.entry("SessionState@3", "9612fb74cd3e2a85"),
                    Map.entry("GroupState@1", "c692822c7a4942b4"),
                    Map.entry("EntityState@1", "39d47fca7ab64a59"),
                    Map.entry("DecisionState@1", "f109f0da77a233a1"));

    static Stream<Arguments> serializers() {
        return Stream.of(
                Arguments.of(ScoringEvent.class, ScoringEventSerializer.INSTANCE),
                Arguments.of(GroupCopy.class, GroupCopySerializer.INSTANCE),
                Arguments.of(EntityCopy.class, EntityCopySerializer.INSTANCE),
                Arguments.of(DecisionInput.class, DecisionInputSerializer.INSTANCE),
                Arguments.of(DecodeResult.class, DecodeResultSerializer.INSTANCE),
                Arguments.of(SessionState.class, SessionStateSerializer.INSTANCE),
                Arguments.of(GroupState.class, GroupStateSerializer.INSTANCE),
                Arguments.of(EntityState.class, EntityStateSerializer.INSTANCE),
                Arguments.of(DecisionState.class, DecisionStateSerializer.INSTANCE));
    }

    @ParameterizedTest
    @MethodSource("serializers")
    <T> void everyFieldSetSurvivesSerializationAndCopy(Class<T> type, TypeSerializer<T> s)
            throws Exception {
        T record = filled(type, 1);
        assertAllSet(record, type.getSimpleName());
        assertSameFields(record, roundTrip(s, record), type.getSimpleName());
        assertSameFields(record, s.copy(record), type.getSimpleName() + " (copy)");
        assertSameFields(record, s.copy(record, s.createInstance()), type.getSimpleName());
        assertSameFields(record, copyThroughBytes(s, record), type.getSimpleName());
    }

    @ParameterizedTest
    @MethodSource("serializers")
    <T> void allFieldsUnsetSurvive(Class<T> type, TypeSerializer<T> s) throws Exception {
        T record = s.createInstance();
        assertSameFields(record, roundTrip(s, record), type.getSimpleName());
        assertSameFields(record, s.copy(record), type.getSimpleName());
    }

    /** One field set, the others unset: each field's presence bit is its own. */
    @ParameterizedTest
    @MethodSource("serializers")
    <T> void eachFieldAloneSurvives(Class<T> type, TypeSerializer<T> s) throws Exception {
        for (Field f : fields(type)) {
            T record = s.createInstance();
            f.set(record, valueFor(f, 7));
            assertSameFields(record, roundTrip(s, record), type.getSimpleName() + " with " + f);
        }
    }

    @ParameterizedTest
    @MethodSource("serializers")
    <T> void copiesShareNoMutableRecord(Class<T> type, TypeSerializer<T> s) throws Exception {
        T record = filled(type, 1);
        T copy = s.copy(record);
        for (Field f : fields(type)) {
            Object v = f.get(record);
            if (isRecord(f.getType()) || f.getType().isArray()) {
                assertNotSame(v, f.get(copy), f.toString());
            }
        }
    }

    /** Snapshots write to a stream, not to Flink's in-memory buffer: the same bytes either way. */
    @ParameterizedTest
    @MethodSource("serializers")
    <T> void aStreamGetsTheSameBytesAsABuffer(Class<T> type, TypeSerializer<T> s) throws Exception {
        T record = filled(type, 1);
        DataOutputSerializer buffer = new DataOutputSerializer(64);
        s.serialize(record, buffer);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        s.serialize(record, new DataOutputViewStreamWrapper(stream));
        assertArrayEquals(buffer.getCopyOfBuffer(), stream.toByteArray());
        T read =
                s.deserialize(
                        new DataInputViewStreamWrapper(
                                new ByteArrayInputStream(stream.toByteArray())));
        assertSameFields(record, read, type.getSimpleName());
    }

    /** A snapshot writes value after value into one stream: each value's bytes and no more. */
    @ParameterizedTest
    @MethodSource("serializers")
    <T> void valuesWrittenOneAfterAnotherToAStreamReadBackInTurn(Class<T> type, TypeSerializer<T> s)
            throws Exception {
        T big = filled(type, 1);
        T empty = s.createInstance();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        DataOutputViewStreamWrapper out = new DataOutputViewStreamWrapper(stream);
        for (T value : List.of(big, empty, big)) {
            DataOutputSerializer buffer = new DataOutputSerializer(64);
            s.serialize(value, buffer);
            expected.write(buffer.getCopyOfBuffer());
            s.serialize(value, out);
        }
        assertArrayEquals(expected.toByteArray(), stream.toByteArray());
        DataInputViewStreamWrapper in =
                new DataInputViewStreamWrapper(new ByteArrayInputStream(stream.toByteArray()));
        assertSameFields(big, s.deserialize(in), type.getSimpleName());
        assertSameFields(empty, s.deserialize(in), type.getSimpleName() + " (empty)");
        assertSameFields(big, s.deserialize(in), type.getSimpleName());
        assertEquals(-1, in.read(), "nothing left");
    }

    @ParameterizedTest
    @MethodSource("serializers")
    <T> void formatIsPinnedToItsVersion(Class<T> type, TypeSerializer<T> s) throws Exception {
        String pin = type.getSimpleName() + "@" + s.snapshotConfiguration().getCurrentVersion();
        DataOutputSerializer out = new DataOutputSerializer(256);
        s.serialize(filled(type, 1), out);
        String hash = pin(out.getCopyOfBuffer());
        assertEquals(
                FORMAT_PINS.get(pin),
                hash,
                pin
                        + ": the bytes changed but the format version did not; bump FORMAT_VERSION"
                        + " in "
                        + s.getClass().getSimpleName()
                        + " and pin the new version here");
    }

    @ParameterizedTest
    @MethodSource("serializers")
    <T> void snapshotRestoresTheSameSerializerCompatibleAsIs(Class<T> type, TypeSerializer<T> s)
            throws Exception {
        TypeSerializerSnapshot<T> restored = writeAndRead(s.snapshotConfiguration());
        assertSame(s.snapshotConfiguration().getClass(), restored.getClass());
        TypeSerializerSchemaCompatibility<T> c =
                s.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertTrue(c.isCompatibleAsIs(), c.toString());
        assertEquals(s, restored.restoreSerializer());
    }

    @ParameterizedTest
    @MethodSource("serializers")
    <T> void serializerSurvivesJavaSerializationAsTheSameInstance(
            Class<T> type, TypeSerializer<T> s) throws Exception {
        byte[] bytes = InstantiationUtil.serializeObject(s);
        assertSame(s, InstantiationUtil.deserializeObject(bytes, getClass().getClassLoader()));
        assertSame(s, s.duplicate());
    }

    @Test
    void anEnumConstantAppendedSinceTheSnapshotIsCompatible() throws Exception {
        List<String> older = names(GroupBy.values());
        older.remove(older.size() - 1);
        TypeSerializerSnapshot<GroupCopy> old =
                readCrafted(
                        GroupCopySerializer.Snapshot.class,
                        GroupCopySerializer.FORMAT_VERSION,
                        List.of(older, names(EventType.values())));
        assertTrue(
                new GroupCopySerializer.Snapshot()
                        .resolveSchemaCompatibility(old)
                        .isCompatibleAsIs());
    }

    @Test
    void reorderedOrRemovedEnumConstantsAreIncompatible() throws Exception {
        List<String> reordered = names(EventType.values());
        reordered.add(0, reordered.remove(reordered.size() - 1));
        List<String> longer = names(EventType.values());
        longer.add("REFUND");
        for (List<String> eventTypes : List.of(reordered, longer)) {
            TypeSerializerSnapshot<ScoringEvent> old =
                    readCrafted(
                            ScoringEventSerializer.Snapshot.class,
                            ScoringEventSerializer.FORMAT_VERSION,
                            List.of(eventTypes));
            assertTrue(
                    new ScoringEventSerializer.Snapshot()
                            .resolveSchemaCompatibility(old)
                            .isIncompatible(),
                    eventTypes.toString());
        }
    }

    /**
     * Session state written by the older format versions, the bytes pinned for each, is read by the
     * snapshot such a savepoint carries, which asks for a migration to the current format.
     */
    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2})
    void sessionStateOfAnOlderFormatVersionIsReadAndMigrated(int version) throws Exception {
        SessionState then = filled(SessionState.class, 1);
        if (version == 1) {
            // filled(SessionState, 1) as the class was then: factsExpireAt took the value after
            // lastIpCountryTime's, and the fields after it one more each.
            then.seenIds = new long[] {1_700_000_000_108L, 0, Long.MIN_VALUE};
            then.seenCount = 1_109;
        }
        DataOutputSerializer out = new DataOutputSerializer(256);
        SessionStateOldFormat.write(then, version, 1_700_000_000_107L, out);
        assertEquals(FORMAT_PINS.get("SessionState@" + version), pin(out.getCopyOfBuffer()));

        TypeSerializerSnapshot<SessionState> old =
                readCrafted(SessionStateSerializer.Snapshot.class, version, List.of());
        assertEquals(version, old.getCurrentVersion());
        assertTrue(
                new SessionStateSerializer.Snapshot()
                        .resolveSchemaCompatibility(old)
                        .isCompatibleAfterMigration());
        SessionState read =
                old.restoreSerializer()
                        .deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertSameFields(then, read, "SessionState");
        assertThrows(
                IOException.class,
                () ->
                        readCrafted(
                                SessionStateSerializer.Snapshot.class,
                                SessionStateSerializer.FORMAT_VERSION + 1,
                                List.of()));
    }

    /** The table of a session with one event: four slots, three of them empty. */
    @Test
    void theDeduplicationTableIsWrittenWithoutItsEmptySlots() throws Exception {
        SessionState s = new SessionState();
        s.firstSighting("e-1");
        DataOutputSerializer dense = new DataOutputSerializer(64);
        SessionStateOldFormat.write(s, 2, 0, dense);
        DataOutputSerializer sparse = new DataOutputSerializer(64);
        SessionStateSerializer.INSTANCE.serialize(s, sparse);
        assertEquals(
                3 * Long.BYTES - 1,
                dense.length() - sparse.length(),
                "three empty slots less, one byte of bits more");
        SessionState read =
                SessionStateSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(sparse.getCopyOfBuffer()));
        assertSameFields(s, read, "SessionState");
        assertTrue(!read.firstSighting("e-1") && read.firstSighting("e-2"));

        // More than eight slots: a byte of bits per eight.
        for (int i = 3; i <= 20; i++) s.firstSighting("e-" + i);
        assertEquals(32, s.seenIds.length);
        sparse.clear();
        SessionStateSerializer.INSTANCE.serialize(s, sparse);
        assertSameFields(
                s,
                SessionStateSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(sparse.getCopyOfBuffer())),
                "SessionState");
    }

    @Test
    void anotherFormatVersionIsRefusedWhenTheSnapshotIsRead() {
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                readCrafted(
                                        ScoringEventSerializer.Snapshot.class,
                                        ScoringEventSerializer.FORMAT_VERSION + 1,
                                        List.of(names(EventType.values()))));
        assertTrue(e.getMessage().contains("format version"), e.getMessage());
    }

    @Test
    void anotherSerializersSnapshotIsIncompatible() {
        TypeSerializerSnapshot<ScoringEvent> other = cast(new DecodeResultSerializer.Snapshot());
        assertTrue(
                new ScoringEventSerializer.Snapshot()
                        .resolveSchemaCompatibility(other)
                        .isIncompatible());
    }

    @Test
    void anUnknownOrdinalIsAnErrorNotAWrongConstant() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(16);
        out.writeByte(1 << 1); // only the type field is set
        out.writeByte(EventType.values().length);
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                ScoringEventSerializer.INSTANCE.deserialize(
                                        new DataInputDeserializer(out.getCopyOfBuffer())));
        assertTrue(e.getMessage().contains("EventType"), e.getMessage());
    }

    @Test
    void sharedEventsAreWrittenOncePerCopyAndReadBackApart() throws Exception {
        // The session stage sends one event object in several copies; each copy must stand alone.
        ScoringEvent e = filled(ScoringEvent.class, 3);
        GroupCopy a = new GroupCopy(GroupBy.IP, e.ip, e);
        GroupCopy b = new GroupCopy(GroupBy.ACCOUNT, e.accountId, e);
        GroupCopy ra = roundTrip(GroupCopySerializer.INSTANCE, a);
        GroupCopy rb = roundTrip(GroupCopySerializer.INSTANCE, b);
        assertNotSame(ra.event, rb.event);
        assertNotEquals(ra.key, rb.key);
        assertSameFields(e, rb.event, "event");
    }

    // Helpers.

    private static <T> T roundTrip(TypeSerializer<T> s, T record) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(record, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T read = s.deserialize(in);
        assertEquals(0, in.available(), "bytes left unread");
        return read;
    }

    private static <T> T copyThroughBytes(TypeSerializer<T> s, T record) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(record, out);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        s.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertArrayEquals(out.getCopyOfBuffer(), copied.getCopyOfBuffer());
        return s.deserialize(new DataInputDeserializer(copied.getCopyOfBuffer()));
    }

    private static String pin(byte[] bytes) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                .substring(0, 16);
    }

    private static <T> TypeSerializerSnapshot<T> writeAndRead(TypeSerializerSnapshot<T> snapshot)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()),
                RecordSerializersTest.class.getClassLoader());
    }

    /** A snapshot as an older or newer job would have written it. */
    private static <T> TypeSerializerSnapshot<T> readCrafted(
            Class<?> snapshotClass, int version, List<List<String>> enumConstants)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeUTF(snapshotClass.getName());
        out.writeInt(version);
        out.writeInt(enumConstants.size());
        for (List<String> names : enumConstants) {
            out.writeInt(names.size());
            for (String n : names) {
                out.writeUTF(n);
            }
        }
        return TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()),
                RecordSerializersTest.class.getClassLoader());
    }

    @SuppressWarnings("unchecked")
    private static <T> TypeSerializerSnapshot<T> cast(TypeSerializerSnapshot<?> s) {
        return (TypeSerializerSnapshot<T>) s;
    }

    private static List<String> names(Enum<?>[] constants) {
        List<String> out = new ArrayList<>();
        for (Enum<?> c : constants) {
            out.add(c.name());
        }
        return out;
    }
}
