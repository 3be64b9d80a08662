package dev.fraudmonitor.job.types;

import dev.fraudmonitor.engine.rules.SessionState;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Session state as format versions 1 and 2 wrote it, with the snapshot those versions wrote: the
 * old jobs the upgrade tests restore from. The layouts are frozen; {@code RecordSerializersTest}
 * checks their bytes against each version's pin. Version 1 also held {@code factsExpireAt}, which
 * the class no longer has; it is written as the old job computed it, the newest event plus the
 * default one-hour timeout. Both wrote every slot of the de-duplication table.
 */
final class SessionStateOldFormat extends StateSerializer<SessionState> {
    private static final long serialVersionUID = 1L;

    static final SessionStateOldFormat VERSION_1 = new SessionStateOldFormat(1);
    static final SessionStateOldFormat VERSION_2 = new SessionStateOldFormat(2);

    private final int version;

    private SessionStateOldFormat(int version) {
        this.version = version;
    }

    static void write(SessionState s, int version, long factsExpireAt, DataOutputView out)
            throws IOException {
        out.writeBoolean(s.group != null);
        if (s.group != null) GroupStateSerializer.INSTANCE.write(s.group, out);
        out.writeInt(s.events);
        out.writeLong(s.firstEventTime);
        out.writeLong(s.lastEventTime);
        out.writeInt(s.pageViews);
        Wire.writeString(out, s.lastIpCountry);
        out.writeLong(s.lastIpCountryTime);
        if (version == 1) out.writeLong(factsExpireAt);
        Wire.writeLongs(out, s.seenIds);
        out.writeInt(s.seenCount);
    }

    @Override
    void write(SessionState s, DataOutputView out) throws IOException {
        write(s, version, s.events == 0 ? 0 : s.lastEventTime + 3_600_000L, out);
    }

    @Override
    SessionState read(DataInputView in) throws IOException {
        return (version == 1
                        ? SessionStateSerializer.OlderFormat.VERSION_1
                        : SessionStateSerializer.OlderFormat.VERSION_2)
                .read(in);
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
        return new SessionStateSerializer.Snapshot().describing(version);
    }

    private Object readResolve() {
        return version == 1 ? VERSION_1 : VERSION_2;
    }
}
