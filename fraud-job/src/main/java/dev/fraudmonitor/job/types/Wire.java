package dev.fraudmonitor.job.types;

import java.io.IOException;
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

    static void writeString(DataOutputView out, String s) throws IOException {
        StringValue.writeString(s, out);
    }

    static String readString(DataInputView in) throws IOException {
        return StringValue.readString(in);
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
