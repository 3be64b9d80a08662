package dev.fraudmonitor.job.types;

import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.rules.GroupBy;
import dev.fraudmonitor.model.EventType;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of {@link GroupCopy}: the whole event goes with every copy, because any rule of the
 * copy's grouping may read any attribute of it.
 */
public final class GroupCopySerializer extends TypeSerializerSingleton<GroupCopy> {
    private static final long serialVersionUID = 1L;

    public static final GroupCopySerializer INSTANCE = new GroupCopySerializer();

    /** The version of the format below; see the package documentation for when it changes. */
    static final int FORMAT_VERSION = 1;

    private static final GroupBy[] GROUP_BYS = Wire.byteOrdinals(GroupBy.values());

    private GroupCopySerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public GroupCopy createInstance() {
        return new GroupCopy();
    }

    @Override
    public GroupCopy copy(GroupCopy from) {
        return copyOf(from);
    }

    @Override
    public GroupCopy copy(GroupCopy from, GroupCopy reuse) {
        return copyOf(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(GroupCopy record, DataOutputView target) throws IOException {
        write(record, target);
    }

    @Override
    public GroupCopy deserialize(DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public GroupCopy deserialize(GroupCopy reuse, DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        write(read(source), target);
    }

    @Override
    public TypeSerializerSnapshot<GroupCopy> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    // One bit per field, in declaration order: set when the field is non-null, non-zero or true.
    private static final long KEY = 1L << 0;
    private static final long KIND = 1L << 1;
    private static final long EVENT = 1L << 2;

    static void write(GroupCopy c, DataOutputView out) throws IOException {
        long mask = 0;
        if (c.key != null) mask |= KEY;
        if (c.kind != null) mask |= KIND;
        if (c.event != null) mask |= EVENT;
        Wire.writeMask(out, mask);
        if (c.key != null) Wire.writeString(out, c.key);
        if (c.kind != null) Wire.writeEnum(out, c.kind);
        if (c.event != null) ScoringEventSerializer.write(c.event, out);
    }

    static GroupCopy read(DataInputView in) throws IOException {
        long mask = Wire.readMask(in);
        GroupCopy c = new GroupCopy();
        if ((mask & KEY) != 0) c.key = Wire.readString(in);
        if ((mask & KIND) != 0) c.kind = Wire.readEnum(in, GROUP_BYS);
        if ((mask & EVENT) != 0) c.event = ScoringEventSerializer.read(in);
        return c;
    }

    static GroupCopy copyOf(GroupCopy from) {
        GroupCopy c = new GroupCopy();
        c.key = from.key;
        c.kind = from.kind;
        c.event = from.event == null ? null : ScoringEventSerializer.copyOf(from.event);
        return c;
    }

    /** The snapshot of this serializer (see {@link RecordSnapshot}). */
    public static final class Snapshot extends RecordSnapshot<GroupCopy> {
        public Snapshot() {
            super(INSTANCE, FORMAT_VERSION, GroupBy.class, EventType.class);
        }
    }
}
