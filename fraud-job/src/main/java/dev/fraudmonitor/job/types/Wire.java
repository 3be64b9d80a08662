package dev.fraudmonitor.job.types;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/** The encodings the record serializers share. */
final class Wire {
    private Wire() {}

    /** Masks are written 7 bits a byte: the fields set in a record are mostly the first ones. */
    static void writeMask(DataOutputView out, long mask) throws IOException {
        while ((mask & ~0x7FL) != 0) {
            out.writeByte((int) (mask & 0x7F) | 0x80);
            mask >>>= 7;
        }
        out.writeByte((int) mask);
    }

    static long readMask(DataInputView in) throws IOException {
        long mask = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            mask |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return mask;
            }
        }
        throw new IOException("corrupt field mask: more than 64 bits");
    }

    /**
     * Strings in {@link StringValue}'s encoding: the length plus one, 7 bits a byte (0 = null),
     * then each char 7 bits a byte. {@code StringValue} writes and reads that a byte at a time, and
     * a heap snapshot's stream takes a lock per byte written; the texts, ids and keys the records
     * carry are ASCII, whose chars are one byte each, so those are written and read as one array.
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): see below
    static void writeString(DataOutputView out, String s) throws IOException {
        if (s == null || !isAscii(s)) {
            StringValue.writeString(s, out);
            return;
        }
        int length = s.length();
        writeMask(out, length + 1L);
        byte[] bytes = scratch(length);
        // Copies each char's low byte into an array we pass: exact for ASCII, and no new array.
        s.getBytes(0, length, bytes, 0);
        out.write(bytes, 0, length);
    }

    static String readString(DataInputView in) throws IOException {
        int length = readLength(in);
        if (length < 0) {
            return null;
        }
        byte[] bytes = scratch(length);
        in.readFully(bytes, 0, length);
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                return readRest(in, bytes, length);
            }
        }
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }

    private static final int SCRATCH_SIZE = 256;
    private static final int SCRATCH_KEPT = 64 * 1024;

    /**
     * Every string written or read passes through an array: one per thread, so the strings of every
     * record and state cost no array of their own on the way (they were a fifth of all the job's
     * allocations, and every young collection of the heap stops the job). Longer than {@link
     * #SCRATCH_KEPT}, a string gets an array for itself alone.
     */
    private static final ThreadLocal<byte[][]> SCRATCH =
            ThreadLocal.withInitial(() -> new byte[][] {new byte[SCRATCH_SIZE]});

    private static byte[] scratch(int length) {
        if (length > SCRATCH_KEPT) {
            return new byte[length];
        }
        byte[][] holder = SCRATCH.get();
        if (holder[0].length < length) {
            holder[0] = new byte[Math.max(length, 2 * holder[0].length)];
        }
        return holder[0];
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) return false;
        }
        return true;
    }

    /**
     * A string with a char of two or more bytes: {@code bytes} holds its first {@code length}
     * bytes, which are fewer than its chars need; the rest comes from {@code in}.
     */
    private static String readRest(DataInputView in, byte[] bytes, int length) throws IOException {
        char[] chars = new char[length];
        int at = 0;
        for (int i = 0; i < length; i++) {
            int c = at < length ? bytes[at++] & 0xFF : in.readUnsignedByte();
            if (c >= 0x80) {
                c &= 0x7F;
                int shift = 7;
                int next;
                while ((next = at < length ? bytes[at++] & 0xFF : in.readUnsignedByte()) >= 0x80) {
                    c |= (next & 0x7F) << shift;
                    shift += 7;
                }
                c |= next << shift;
            }
            chars[i] = (char) c;
        }
        return new String(chars);
    }

    static void writeEnum(DataOutputView out, Enum<?> e) throws IOException {
        out.writeByte(e.ordinal());
    }

    static <E extends Enum<E>> E readEnum(DataInputView in, E[] constants) throws IOException {
        int ordinal = in.readUnsignedByte();
        if (ordinal >= constants.length) {
            throw new IOException(
                    "ordinal "
                            + ordinal
                            + " is not a constant of "
                            + constants.getClass().getComponentType().getName()
                            + ": written by a newer version of the job?");
        }
        return constants[ordinal];
    }

    /** Enums are written as one byte; checked once per enum when its serializer loads. */
    static <E extends Enum<E>> E[] byteOrdinals(E[] constants) {
        if (constants.length > 256) {
            throw new IllegalStateException(
                    constants.getClass().getComponentType().getName()
                            + " has more constants than one byte can number");
        }
        return constants;
    }

    // Arrays: their length plus one, 7 bits a byte (0 = null), then the elements.

    private static void writeLength(DataOutputView out, Object array, int length)
            throws IOException {
        writeMask(out, array == null ? 0 : length + 1L);
    }

    /** The length of the array that follows, -1 for null. */
    private static int readLength(DataInputView in) throws IOException {
        long n = readMask(in) - 1;
        if (n > Integer.MAX_VALUE) {
            throw new IOException("corrupt array length " + n);
        }
        return (int) n;
    }

    static void writeInts(DataOutputView out, int[] a) throws IOException {
        writeLength(out, a, a == null ? 0 : a.length);
        if (a != null) for (int v : a) out.writeInt(v);
    }

    static int[] readInts(DataInputView in) throws IOException {
        int n = readLength(in);
        if (n < 0) return null;
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = in.readInt();
        return a;
    }

    static void writeLongs(DataOutputView out, long[] a) throws IOException {
        writeLength(out, a, a == null ? 0 : a.length);
        if (a != null) for (long v : a) out.writeLong(v);
    }

    static long[] readLongs(DataInputView in) throws IOException {
        int n = readLength(in);
        if (n < 0) return null;
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = in.readLong();
        return a;
    }

    /**
     * A sparse array of longs: its length, then per eight elements a byte with a bit per element
     * (set when it is not 0) followed by those of the eight that are not 0. For open-addressing
     * tables, a quarter to five eighths empty; read without a buffer, as RocksDB reads a state on
     * every access.
     */
    static void writeSparseLongs(DataOutputView out, long[] a) throws IOException {
        writeLength(out, a, a == null ? 0 : a.length);
        if (a == null) return;
        for (int i = 0; i < a.length; i += 8) {
            int end = Math.min(i + 8, a.length);
            int bits = 0;
            for (int j = i; j < end; j++) {
                if (a[j] != 0) bits |= 1 << (j - i);
            }
            out.writeByte(bits);
            for (int j = i; j < end; j++) {
                if (a[j] != 0) out.writeLong(a[j]);
            }
        }
    }

    static long[] readSparseLongs(DataInputView in) throws IOException {
        int n = readLength(in);
        if (n < 0) return null;
        long[] a = new long[n];
        for (int i = 0; i < n; i += 8) {
            int bits = in.readUnsignedByte();
            for (int j = i; j < Math.min(i + 8, n); j++) {
                if ((bits & (1 << (j - i))) != 0) a[j] = in.readLong();
            }
        }
        return a;
    }

    static void writeBooleans(DataOutputView out, boolean[] a) throws IOException {
        writeLength(out, a, a == null ? 0 : a.length);
        if (a != null) for (boolean v : a) out.writeBoolean(v);
    }

    static boolean[] readBooleans(DataInputView in) throws IOException {
        int n = readLength(in);
        if (n < 0) return null;
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) a[i] = in.readBoolean();
        return a;
    }

    /** Elements may be null ({@code StringValue} writes null apart from the empty string). */
    static void writeStrings(DataOutputView out, String[] a) throws IOException {
        writeLength(out, a, a == null ? 0 : a.length);
        if (a != null) for (String v : a) writeString(out, v);
    }

    static String[] readStrings(DataInputView in) throws IOException {
        int n = readLength(in);
        if (n < 0) return null;
        String[] a = new String[n];
        for (int i = 0; i < n; i++) a[i] = readString(in);
        return a;
    }
}
