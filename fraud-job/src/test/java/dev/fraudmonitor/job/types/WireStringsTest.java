package dev.fraudmonitor.job.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Wire}'s strings are {@link StringValue}'s encoding written and read faster: every state
 * and record written before must read back, so the bytes must be the same for any string.
 */
class WireStringsTest {

    static List<String> strings() {
        List<String> out = new ArrayList<>();
        out.add(null);
        out.add("");
        out.add("a");
        out.add("session-42|ACCOUNT");
        out.add("\u007f");
        out.add("\u0080");
        out.add("caf\u00e9");
        out.add("\u00e9t\u00e9");
        out.add("\u4e2d\u6587 text");
        out.add("emoji \ud83d\ude00 end");
        out.add("x".repeat(126));
        out.add("x".repeat(127));
        out.add("x".repeat(128));
        out.add("y".repeat(20_000));
        out.add("z".repeat(70_000));
        out.add("y".repeat(300) + "\u00fc");
        out.add("\uffff".repeat(3));
        return out;
    }

    @ParameterizedTest
    @MethodSource("strings")
    void theBytesAreStringValuesOnEveryOutput(String s) throws Exception {
        DataOutputSerializer expected = new DataOutputSerializer(16);
        StringValue.writeString(s, expected);

        DataOutputSerializer buffer = new DataOutputSerializer(16);
        Wire.writeString(buffer, s);
        assertArrayEquals(expected.getCopyOfBuffer(), buffer.getCopyOfBuffer());

        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        Wire.writeString(new DataOutputViewStreamWrapper(stream), s);
        assertArrayEquals(expected.getCopyOfBuffer(), stream.toByteArray());
    }

    /** Followed by a marker, so a read that takes a byte too many or too few shows. */
    @ParameterizedTest
    @MethodSource("strings")
    void whatStringValueWroteReadsBackExactly(String s) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(16);
        StringValue.writeString(s, out);
        out.writeInt(0x5EED);
        byte[] bytes = out.getCopyOfBuffer();

        DataInputDeserializer buffer = new DataInputDeserializer(bytes);
        assertEquals(s, Wire.readString(buffer));
        assertEquals(0x5EED, buffer.readInt());

        DataInputViewStreamWrapper stream =
                new DataInputViewStreamWrapper(new ByteArrayInputStream(bytes));
        assertEquals(s, Wire.readString(stream));
        assertEquals(0x5EED, stream.readInt());
    }

    @ParameterizedTest
    @MethodSource("strings")
    void whatWireWroteStringValueReads(String s) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(16);
        Wire.writeString(out, s);
        Wire.writeString(out, s);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertEquals(s, StringValue.readString(in));
        assertEquals(s, Wire.readString(in));
        assertEquals(0, in.available());
    }

    /**
     * A thread's strings pass through one array on their way: each must come back whole and alone,
     * whatever longer or non-ASCII string went through before it.
     */
    @Test
    void stringsWrittenOneAfterAnotherReadBackInTurn() throws Exception {
        List<String> all = strings();
        List<String> reversed = new ArrayList<>(all);
        Collections.reverse(reversed);
        all.addAll(reversed);
        DataOutputSerializer out = new DataOutputSerializer(16);
        for (String s : all) {
            Wire.writeString(out, s);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (String s : all) {
            assertEquals(s, Wire.readString(in));
        }
        assertEquals(0, in.available());
    }
}
