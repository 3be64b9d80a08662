package dev.fraudmonitor.job.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Records and states filled by reflection, and compared field by field: what the serializer tests
 * of this package share, so that a field added to a class but not to its serializer fails, named.
 */
final class Fields {
    private Fields() {}

    /** The instance fields a serializer must carry: every public one. */
    static List<Field> fields(Class<?> type) {
        List<Field> out = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            if (!Modifier.isPublic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())) {
                fail(
                        f
                                + ": the serializers of this package handle public, non-final fields only;"
                                + " teach them (and this test) this one");
            }
            out.add(f);
        }
        return out;
    }

    static boolean isRecord(Class<?> type) {
        return !type.isEnum() && !type.isArray() && type.getName().startsWith("dev.fraudmonitor.");
    }

    /** An instance with every field set to a value no other field of it has. */
    static <T> T filled(Class<T> type, int seed) throws Exception {
        T record = type.getDeclaredConstructor().newInstance();
        int n = seed * 100;
        for (Field f : fields(type)) {
            f.set(record, valueFor(f, n++));
        }
        return record;
    }

    static Object valueFor(Field f, int n) throws Exception {
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
        } else if (t == int[].class) {
            return new int[] {1_000 + n, 0, -1};
        } else if (t == long[].class) {
            return new long[] {1_700_000_000_000L + n, 0, Long.MIN_VALUE};
        } else if (t == boolean[].class) {
            return new boolean[] {true, false, true};
        } else if (t == String[].class) {
            // Elements may be null (a hit without an observed value, say).
            return new String[] {f.getName() + "-" + n, null, "\u00e9\u4e2d", ""};
        } else if (isRecord(t)) {
            return filled(t, n);
        }
        throw new AssertionError(
                f + ": no test value for its type; teach the serializer and this test the type");
    }

    static void assertAllSet(Object record, String path) throws Exception {
        for (Field f : fields(record.getClass())) {
            Object v = f.get(record);
            boolean set =
                    v != null
                            && !(v instanceof Number num && num.longValue() == 0)
                            && !Boolean.FALSE.equals(v)
                            && !(v.getClass().isArray()
                                    && java.lang.reflect.Array.getLength(v) == 0);
            assertTrue(set, path + "." + f.getName() + " is not set");
            if (isRecord(f.getType())) {
                assertAllSet(v, path + "." + f.getName());
            }
        }
    }

    static void assertSameFields(Object expected, Object actual, String path) throws Exception {
        assertEquals(expected.getClass(), actual.getClass(), path);
        for (Field f : fields(expected.getClass())) {
            Object e = f.get(expected);
            Object a = f.get(actual);
            String where = path + "." + f.getName();
            if (e != null && a != null && isRecord(f.getType())) {
                assertSameFields(e, a, where);
            } else if (f.getType().isArray()) {
                assertTrue(
                        Objects.deepEquals(e, a),
                        where + ": expected " + deepText(e) + " but was " + deepText(a));
            } else {
                assertTrue(Objects.equals(e, a), where + ": expected " + e + " but was " + a);
            }
        }
    }

    private static String deepText(Object array) {
        return array == null ? "null" : Arrays.deepToString(new Object[] {array});
    }
}
