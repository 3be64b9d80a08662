package dev.fraudmonitor.job.types;

import dev.fraudmonitor.job.event.DecodeResult;
import dev.fraudmonitor.model.EventType;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of {@link DecodeResult}. The source and the split that follows it are chained, so it
 * is used only where Flink copies or buffers records between them.
 */
public final class DecodeResultSerializer extends TypeSerializerSingleton<DecodeResult> {
    private static final long serialVersionUID = 1L;

    public static final DecodeResultSerializer INSTANCE = new DecodeResultSerializer();

    /** The version of the format below; see the package documentation for when it changes. */
    static final int FORMAT_VERSION = 1;

    private DecodeResultSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public DecodeResult createInstance() {
        return new DecodeResult();
    }

    @Override
    public DecodeResult copy(DecodeResult from) {
        return copyOf(from);
    }

    @Override
    public DecodeResult copy(DecodeResult from, DecodeResult reuse) {
        return copyOf(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(DecodeResult record, DataOutputView target) throws IOException {
        write(record, target);
    }

    @Override
    public DecodeResult deserialize(DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public DecodeResult deserialize(DecodeResult reuse, DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        write(read(source), target);
    }

    @Override
    public TypeSerializerSnapshot<DecodeResult> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    // One bit per field, in declaration order: set when the field is non-null, non-zero or true.
    private static final long EVENT = 1L << 0;
    private static final long DEAD_LETTER = 1L << 1;

    static void write(DecodeResult d, DataOutputView out) throws IOException {
        long mask = 0;
        if (d.event != null) mask |= EVENT;
        if (d.deadLetter != null) mask |= DEAD_LETTER;
        Wire.writeMask(out, mask);
        if (d.event != null) ScoringEventSerializer.write(d.event, out);
        if (d.deadLetter != null) {
            out.writeInt(d.deadLetter.length);
            out.write(d.deadLetter);
        }
    }

    static DecodeResult read(DataInputView in) throws IOException {
        long mask = Wire.readMask(in);
        DecodeResult d = new DecodeResult();
        if ((mask & EVENT) != 0) d.event = ScoringEventSerializer.read(in);
        if ((mask & DEAD_LETTER) != 0) {
            d.deadLetter = new byte[in.readInt()];
            in.readFully(d.deadLetter);
        }
        return d;
    }

    static DecodeResult copyOf(DecodeResult from) {
        DecodeResult d = new DecodeResult();
        d.event = from.event == null ? null : ScoringEventSerializer.copyOf(from.event);
        d.deadLetter = from.deadLetter == null ? null : from.deadLetter.clone();
        return d;
    }

    /** The snapshot of this serializer (see {@link RecordSnapshot}). */
    public static final class Snapshot extends RecordSnapshot<DecodeResult> {
        public Snapshot() {
            super(INSTANCE, FORMAT_VERSION, EventType.class);
        }
    }
}
