package dev.fraudmonitor.job.types;

import dev.fraudmonitor.engine.EntityState;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of the entity stage's state, {@link EntityState}. */
public final class EntityStateSerializer extends StateSerializer<EntityState> {
    private static final long serialVersionUID = 1L;

    public static final EntityStateSerializer INSTANCE = new EntityStateSerializer();

    /** The version of the format below; see the package documentation for when it changes. */
    static final int FORMAT_VERSION = 1;

    private EntityStateSerializer() {}

    @Override
    public EntityState createInstance() {
        return new EntityState();
    }

    @Override
    void write(EntityState s, DataOutputView out) throws IOException {
        Wire.writeString(out, s.caseId);
        out.writeLong(s.caseStart);
        Wire.writeStrings(out, s.hitSession);
        Wire.writeStrings(out, s.hitRule);
        Wire.writeInts(out, s.hitRuleVersion);
        Wire.writeInts(out, s.hitWeight);
        Wire.writeStrings(out, s.hitText);
        Wire.writeStrings(out, s.hitObserved);
        Wire.writeStrings(out, s.hitThreshold);
        Wire.writeLongs(out, s.hitTime);
        Wire.writeStrings(out, s.orderSession);
        Wire.writeLongs(out, s.orderTime);
    }

    @Override
    EntityState read(DataInputView in) throws IOException {
        EntityState s = new EntityState();
        s.caseId = Wire.readString(in);
        s.caseStart = in.readLong();
        s.hitSession = Wire.readStrings(in);
        s.hitRule = Wire.readStrings(in);
        s.hitRuleVersion = Wire.readInts(in);
        s.hitWeight = Wire.readInts(in);
        s.hitText = Wire.readStrings(in);
        s.hitObserved = Wire.readStrings(in);
        s.hitThreshold = Wire.readStrings(in);
        s.hitTime = Wire.readLongs(in);
        s.orderSession = Wire.readStrings(in);
        s.orderTime = Wire.readLongs(in);
        return s;
    }

    @Override
    EntityState copyOf(EntityState from) {
        EntityState s = new EntityState();
        s.caseId = from.caseId;
        s.caseStart = from.caseStart;
        s.hitSession = from.hitSession == null ? null : from.hitSession.clone();
        s.hitRule = from.hitRule == null ? null : from.hitRule.clone();
        s.hitRuleVersion = from.hitRuleVersion == null ? null : from.hitRuleVersion.clone();
        s.hitWeight = from.hitWeight == null ? null : from.hitWeight.clone();
        s.hitText = from.hitText == null ? null : from.hitText.clone();
        s.hitObserved = from.hitObserved == null ? null : from.hitObserved.clone();
        s.hitThreshold = from.hitThreshold == null ? null : from.hitThreshold.clone();
        s.hitTime = from.hitTime == null ? null : from.hitTime.clone();
        s.orderSession = from.orderSession == null ? null : from.orderSession.clone();
        s.orderTime = from.orderTime == null ? null : from.orderTime.clone();
        return s;
    }

    @Override
    public TypeSerializerSnapshot<EntityState> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /** The snapshot of this serializer (see {@link StateSnapshot}). */
    public static final class Snapshot extends StateSnapshot<EntityState> {
        public Snapshot() {
            super(EntityState.class, INSTANCE, FORMAT_VERSION);
        }
    }
}
