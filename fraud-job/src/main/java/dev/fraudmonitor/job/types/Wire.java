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
     * A string as its UTF-8 bytes in one block (length × 2 first, as a varint), which for the ASCII
     * ids and hashes the records carry is an array copy each way; Flink's {@link StringValue} goes
     * char by char. A string UTF-8 cannot keep exactly (an unpaired surrogate, which JSON escapes
     * can produce) goes as a {@code StringValue} instead, flagged by an odd length.
     */
    static void writeString(DataOutputView out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        // The encoder writes '?' for an unpaired surrogate, so a string whose bytes are as many
        // as its chars is plain ASCII unless one of them is a '?'.
        boolean suspect = b.length != s.length() || contains(b, (byte) '?');
        if (suspect && hasUnpairedSurrogate(s)) {
            writeMask(out, 1);
            StringValue.writeString(s, out);
            return;
        }
        writeMask(out, (long) b.length << 1);
        out.write(b);
    }

    static String readString(DataInputView in) throws IOException {
        long n = readMask(in);
        if ((n & 1) != 0) {
            return StringValue.readString(in);
        }
        byte[] b = new byte[Math.toIntExact(n >>> 1)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static boolean contains(byte[] b, byte x) {
        for (byte v : b) {
            if (v == x) {
                return true;
            }
        }
        return false;
    }

    static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
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
}
