package dev.fraudmonitor.job.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.EntityCopy;
import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.GroupBy;
import dev.fraudmonitor.job.event.DecodeResult;
import dev.fraudmonitor.model.EventType;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every record serializer against its class, by reflection: a field added to a record but not to
 * its serializer (or its copy) fails here, naming the field.
 */
class RecordSerializersTest {

    /**
     * The SHA-256 (first 16 hex digits) of each serializer's bytes for {@link #filled}, per format
     * version. A change of the bytes without a new format version is a silent wire-format change:
     * bump {@code FORMAT_VERSION} and add the new pin here.
     */
    private static final Map<String, String> FORMAT_PINS =
            Map.of(
                    "ScoringEvent@1", "a424b3f1e3c43f84",
                    "GroupCopy@1", "f9b9d285aa52a690",
                    "EntityCopy@1", "e98b72670d136518",
                    "DecisionInput@1", "7dca3cb01164ca96",
                    "DecodeResult@1", "d16bb13c2962ca9b");

    static Stream<Arguments> serializers() {
        return Stream.of(
                Arguments.of(ScoringEvent.class, ScoringEventSerializer.INSTANCE),
                Arguments.of(GroupCopy.class, GroupCopySerializer.INSTANCE),
                Arguments.of(EntityCopy.class, EntityCopySerializer.INSTANCE),
                Arguments.of(DecisionInput.class, DecisionInputSerializer.INSTANCE),
                Arguments.of(DecodeResult.class, DecodeResultSerializer.INSTANCE));
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

    @ParameterizedTest
    @MethodSource("serializers")
    <T> void formatIsPinnedToItsVersion(Class<T> type, TypeSerializer<T> s) throws Exception {
        String pin = type.getSimpleName() + "@" + s.snapshotConfiguration().getCurrentVersion();
        DataOutputSerializer out = new DataOutputSerializer(256);
        s.serialize(filled(type, 1), out);
        String hash =
                HexFormat.of()
                        .formatHex(
                                MessageDigest.getInstance("SHA-256").digest(out.getCopyOfBuffer()))
                        .substring(0, 16);
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

    /** The instance fields a serializer must carry: every public one. */
    private static List<Field> fields(Class<?> type) {
        List<Field> out = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            if (!Modifier.isPublic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())) {
                fail(
                        f
                                + ": the record serializers handle public, non-final fields only;"
                                + " teach them (and this test) this one");
            }
            out.add(f);
        }
        return out;
    }

    private static boolean isRecord(Class<?> type) {
        return !type.isEnum() && !type.isArray() && type.getName().startsWith("dev.fraudmonitor.");
    }

    /** An instance with every field set to a value no other field of it has. */
    private static <T> T filled(Class<T> type, int seed) throws Exception {
        T record = type.getDeclaredConstructor().newInstance();
        int n = seed * 100;
        for (Field f : fields(type)) {
            f.set(record, valueFor(f, n++));
        }
        return record;
    }

    private static Object valueFor(Field f, int n) throws Exception {
        Class<?> t = f.getType();
        if (t == String.class) {
            // Not only ASCII: names and free text may carry any character.
            return f.getName() + "-" + n + "-\u00e9\u4e2d";
        } else if (t == long.class) {
            return 1_700_000_000_000L + n;
        } else if (t == int.class) {
            return 1_000 + n;
        } else if (t == boolean.class) {
            return true;
        } else if (t.isEnum()) {
            // The last constant: the highest ordinal the format must carry.
            Object[] constants = t.getEnumConstants();
            return constants[(n % constants.length + constants.length - 1) % constants.length];
        } else if (t == byte[].class) {
            return new byte[] {1, (byte) n, -1};
        } else if (isRecord(t)) {
            return filled(t, n);
        }
        throw new AssertionError(
                f + ": no test value for its type; teach the serializer and this test the type");
    }

    private static void assertAllSet(Object record, String path) throws Exception {
        for (Field f : fields(record.getClass())) {
            Object v = f.get(record);
            boolean set =
                    v != null
                            && !(v instanceof Number num && num.longValue() == 0)
                            && !Boolean.FALSE.equals(v);
            assertTrue(set, path + "." + f.getName() + " is not set");
            if (isRecord(f.getType())) {
                assertAllSet(v, path + "." + f.getName());
            }
        }
    }

    private static void assertSameFields(Object expected, Object actual, String path)
            throws Exception {
        assertEquals(expected.getClass(), actual.getClass(), path);
        for (Field f : fields(expected.getClass())) {
            Object e = f.get(expected);
            Object a = f.get(actual);
            String where = path + "." + f.getName();
            if (e != null && a != null && isRecord(f.getType())) {
                assertSameFields(e, a, where);
            } else if (e instanceof byte[] eb && a instanceof byte[] ab) {
                assertTrue(Arrays.equals(eb, ab), where);
            } else {
                assertTrue(Objects.equals(e, a), where + ": expected " + e + " but was " + a);
            }
        }
    }
}
