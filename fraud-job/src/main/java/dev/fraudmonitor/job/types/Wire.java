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
}
