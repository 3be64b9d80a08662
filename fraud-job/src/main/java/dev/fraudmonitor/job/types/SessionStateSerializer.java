package dev.fraudmonitor.job.types;

import dev.fraudmonitor.engine.rules.SessionState;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of the session stage's state, {@link SessionState}. */
public final class SessionStateSerializer extends StateSerializer<SessionState> {
    private static final long serialVersionUID = 1L;

    public static final SessionStateSerializer INSTANCE = new SessionStateSerializer();

    /**
     * The version of the format below; see the package documentation for when it changes. Version 1
     * also wrote {@code factsExpireAt} (a long after {@code lastIpCountryTime}), which the session
     * stage never read: it computes expiry from the newest event. Versions 1 and 2 wrote every slot
     * of the de-duplication table {@code seenIds}, empty ones too; version 3 writes the slots in
     * use, behind a bit per slot. {@link OlderFormat} reads versions 1 and 2.
     */
    static final int FORMAT_VERSION = 3;

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
        Wire.writeSparseLongs(out, s.seenIds);
        out.writeInt(s.seenCount);
    }

    @Override
    SessionState read(DataInputView in) throws IOException {
        return read(in, FORMAT_VERSION);
    }

    private static SessionState read(DataInputView in, int version) throws IOException {
        SessionState s = new SessionState();
        if (in.readBoolean()) s.group = GroupStateSerializer.INSTANCE.read(in);
        s.events = in.readInt();
        s.firstEventTime = in.readLong();
        s.lastEventTime = in.readLong();
        s.pageViews = in.readInt();
        s.lastIpCountry = Wire.readString(in);
        s.lastIpCountryTime = in.readLong();
        if (version == 1) {
            in.readLong(); // factsExpireAt
        }
        s.seenIds = version < 3 ? Wire.readLongs(in) : Wire.readSparseLongs(in);
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

    /**
     * The snapshot of this serializer (see {@link StateSnapshot}); it also restores versions 1 and
     * 2.
     */
    public static final class Snapshot extends StateSnapshot<SessionState> {
        public Snapshot() {
            super(SessionState.class, INSTANCE, FORMAT_VERSION);
        }

        @Override
        protected TypeSerializer<SessionState> serializerFor(int version) {
            return switch (version) {
                case 1 -> OlderFormat.VERSION_1;
                case 2 -> OlderFormat.VERSION_2;
                default -> super.serializerFor(version);
            };
        }
    }

    /**
     * Reads session state in an older format version, so that savepoints taken before the current
     * one restore: Flink reads them with this and writes them in the current format (on restore for
     * the heap backend, by a migration pass for RocksDB). It never writes.
     */
    static final class OlderFormat extends StateSerializer<SessionState> {
        private static final long serialVersionUID = 1L;

        static final OlderFormat VERSION_1 = new OlderFormat(1);
        static final OlderFormat VERSION_2 = new OlderFormat(2);

        private final int version;

        private OlderFormat(int version) {
            this.version = version;
        }

        @Override
        public SessionState createInstance() {
            return new SessionState();
        }

        @Override
        void write(SessionState s, DataOutputView out) {
            throw new UnsupportedOperationException(
                    "session state is written in format version "
                            + FORMAT_VERSION
                            + "; version "
                            + version
                            + " is only read, to migrate it");
        }

        @Override
        SessionState read(DataInputView in) throws IOException {
            return SessionStateSerializer.read(in, version);
        }

        @Override
        SessionState copyOf(SessionState from) {
            return SessionStateSerializer.INSTANCE.copyOf(from);
        }

        @Override
        public TypeSerializerSnapshot<SessionState> snapshotConfiguration() {
            return new Snapshot().describing(version);
        }

        private Object readResolve() {
            return version == 1 ? VERSION_1 : VERSION_2;
        }
    }
}
