package dev.fraudmonitor.job.types;

import dev.fraudmonitor.engine.rules.SessionState;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of the session stage's state, {@link SessionState}. */
public final class SessionStateSerializer extends StateSerializer<SessionState> {
    private static final long serialVersionUID = 1L;

    public static final SessionStateSerializer INSTANCE = new SessionStateSerializer();

    /** The version of the format below; see the package documentation for when it changes. */
    static final int FORMAT_VERSION = 1;

    private SessionStateSerializer() {}

    @Override
    public SessionState createInstance() {
        return new SessionState();
    }

    @Override
    void write(SessionState s, DataOutputView out) throws IOException {
        out.writeBoolean(s.group != null);
        if (s.group != null) GroupStateSerializer.INSTANCE.write(s.group, out);
        out.writeInt(s.events);
        out.writeLong(s.firstEventTime);
        out.writeLong(s.lastEventTime);
        out.writeInt(s.pageViews);
        Wire.writeString(out, s.lastIpCountry);
        out.writeLong(s.lastIpCountryTime);
        out.writeLong(s.factsExpireAt);
        Wire.writeLongs(out, s.seenIds);
        out.writeInt(s.seenCount);
    }

    @Override
    SessionState read(DataInputView in) throws IOException {
        SessionState s = new SessionState();
        if (in.readBoolean()) s.group = GroupStateSerializer.INSTANCE.read(in);
        s.events = in.readInt();
        s.firstEventTime = in.readLong();
        s.lastEventTime = in.readLong();
        s.pageViews = in.readInt();
        s.lastIpCountry = Wire.readString(in);
        s.lastIpCountryTime = in.readLong();
        s.factsExpireAt = in.readLong();
        s.seenIds = Wire.readLongs(in);
        s.seenCount = in.readInt();
        return s;
    }

    @Override
    SessionState copyOf(SessionState from) {
        SessionState s = new SessionState();
        s.group = from.group == null ? null : GroupStateSerializer.INSTANCE.copyOf(from.group);
        s.events = from.events;
        s.firstEventTime = from.firstEventTime;
        s.lastEventTime = from.lastEventTime;
        s.pageViews = from.pageViews;
        s.lastIpCountry = from.lastIpCountry;
        s.lastIpCountryTime = from.lastIpCountryTime;
        s.factsExpireAt = from.factsExpireAt;
        s.seenIds = from.seenIds == null ? null : from.seenIds.clone();
        s.seenCount = from.seenCount;
        return s;
    }

    @Override
    public TypeSerializerSnapshot<SessionState> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /** The snapshot of this serializer (see {@link StateSnapshot}). */
    public static final class Snapshot extends StateSnapshot<SessionState> {
        public Snapshot() {
            super(SessionState.class, INSTANCE, FORMAT_VERSION);
        }
    }
}
