package dev.fraudmonitor.job.types;

import dev.fraudmonitor.engine.rules.SessionState;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Session state as format version 1 wrote it, with the snapshot that version wrote: the old job the
 * upgrade tests restore from. The layout is frozen; {@code RecordSerializersTest} checks its bytes
 * against version 1's pin. Version 1 also held {@code factsExpireAt}, which the class no longer
 * has; it is written as the old job computed it, the newest event plus the default one-hour
 * timeout.
 */
final class SessionStateFormat1 extends StateSerializer<SessionState> {
    private static final long serialVersionUID = 1L;

    static final SessionStateFormat1 INSTANCE = new SessionStateFormat1();

    private SessionStateFormat1() {}

    static void write(SessionState s, long factsExpireAt, DataOutputView out) throws IOException {
        out.writeBoolean(s.group != null);
        if (s.group != null) GroupStateSerializer.INSTANCE.write(s.group, out);
        out.writeInt(s.events);
        out.writeLong(s.firstEventTime);
        out.writeLong(s.lastEventTime);
        out.writeInt(s.pageViews);
        Wire.writeString(out, s.lastIpCountry);
        out.writeLong(s.lastIpCountryTime);
        out.writeLong(factsExpireAt);
        Wire.writeLongs(out, s.seenIds);
        out.writeInt(s.seenCount);
    }

    @Override
    void write(SessionState s, DataOutputView out) throws IOException {
        write(s, s.events == 0 ? 0 : s.lastEventTime + 3_600_000L, out);
    }

    @Override
    SessionState read(DataInputView in) throws IOException {
        return SessionStateSerializer.Version1.INSTANCE.read(in);
    }

    @Override
    SessionState copyOf(SessionState from) {
        return SessionStateSerializer.INSTANCE.copyOf(from);
    }

    @Override
    public SessionState createInstance() {
        return new SessionState();
    }

    @Override
    public TypeSerializerSnapshot<SessionState> snapshotConfiguration() {
        return new SessionStateSerializer.Snapshot().describing(1);
    }

    private Object readResolve() {
        return INSTANCE;
    }
}
