package dev.fraudmonitor.job.types;

import dev.fraudmonitor.engine.rules.GroupState;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of the group stage's state, {@link GroupState}, also part of a session's state. */
public final class GroupStateSerializer extends StateSerializer<GroupState> {
    private static final long serialVersionUID = 1L;

    public static final GroupStateSerializer INSTANCE = new GroupStateSerializer();

    /** The version of the format below; see the package documentation for when it changes. */
    static final int FORMAT_VERSION = 1;

    private GroupStateSerializer() {}

    @Override
    public GroupState createInstance() {
        return new GroupState();
    }

    @Override
    void write(GroupState s, DataOutputView out) throws IOException {
        Wire.writeInts(out, s.spec);
        Wire.writeLongs(out, s.time);
        Wire.writeLongs(out, s.val);
        Wire.writeInts(out, s.fireRule);
        Wire.writeLongs(out, s.fireTime);
        out.writeLong(s.expiresAt);
    }

    @Override
    GroupState read(DataInputView in) throws IOException {
        GroupState s = new GroupState();
        s.spec = Wire.readInts(in);
        s.time = Wire.readLongs(in);
        s.val = Wire.readLongs(in);
        s.fireRule = Wire.readInts(in);
        s.fireTime = Wire.readLongs(in);
        s.expiresAt = in.readLong();
        return s;
    }

    @Override
    GroupState copyOf(GroupState from) {
        GroupState s = new GroupState();
        s.spec = from.spec == null ? null : from.spec.clone();
        s.time = from.time == null ? null : from.time.clone();
        s.val = from.val == null ? null : from.val.clone();
        s.fireRule = from.fireRule == null ? null : from.fireRule.clone();
        s.fireTime = from.fireTime == null ? null : from.fireTime.clone();
        s.expiresAt = from.expiresAt;
        return s;
    }

    @Override
    public TypeSerializerSnapshot<GroupState> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /** The snapshot of this serializer (see {@link StateSnapshot}). */
    public static final class Snapshot extends StateSnapshot<GroupState> {
        public Snapshot() {
            super(GroupState.class, INSTANCE, FORMAT_VERSION);
        }
    }
}
