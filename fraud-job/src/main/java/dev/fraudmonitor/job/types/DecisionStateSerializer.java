package dev.fraudmonitor.job.types;

import dev.fraudmonitor.engine.DecisionState;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of the decision stage's state, {@link DecisionState}. */
public final class DecisionStateSerializer extends StateSerializer<DecisionState> {
    private static final long serialVersionUID = 1L;

    public static final DecisionStateSerializer INSTANCE = new DecisionStateSerializer();

    /** The version of the format below; see the package documentation for when it changes. */
    static final int FORMAT_VERSION = 1;

    private DecisionStateSerializer() {}

    @Override
    public DecisionState createInstance() {
        return new DecisionState();
    }

    @Override
    void write(DecisionState s, DataOutputView out) throws IOException {
        Wire.writeString(out, s.accountId);
        Wire.writeString(out, s.cardBin);
        Wire.writeString(out, s.cardLast4);
        out.writeLong(s.lastEventTime);
        Wire.writeStrings(out, s.ruleIds);
        Wire.writeInts(out, s.ruleVersions);
        Wire.writeInts(out, s.weights);
        Wire.writeStrings(out, s.texts);
        Wire.writeStrings(out, s.observed);
        Wire.writeStrings(out, s.thresholds);
        Wire.writeBooleans(out, s.repeats);
        Wire.writeBooleans(out, s.linked);
        Wire.writeString(out, s.caseId);
        out.writeLong(s.caseStart);
        Wire.writeStrings(out, s.orderIds);
        Wire.writeBooleans(out, s.held);
        Wire.writeString(out, s.lastAlertId);
        Wire.writeString(out, s.lastAction);
        Wire.writeString(out, s.lastRules);
        out.writeLong(s.lastAlertTime);
        out.writeInt(s.alertCount);
    }

    @Override
    DecisionState read(DataInputView in) throws IOException {
        DecisionState s = new DecisionState();
        s.accountId = Wire.readString(in);
        s.cardBin = Wire.readString(in);
        s.cardLast4 = Wire.readString(in);
        s.lastEventTime = in.readLong();
        s.ruleIds = Wire.readStrings(in);
        s.ruleVersions = Wire.readInts(in);
        s.weights = Wire.readInts(in);
        s.texts = Wire.readStrings(in);
        s.observed = Wire.readStrings(in);
        s.thresholds = Wire.readStrings(in);
        s.repeats = Wire.readBooleans(in);
        s.linked = Wire.readBooleans(in);
        s.caseId = Wire.readString(in);
        s.caseStart = in.readLong();
        s.orderIds = Wire.readStrings(in);
        s.held = Wire.readBooleans(in);
        s.lastAlertId = Wire.readString(in);
        s.lastAction = Wire.readString(in);
        s.lastRules = Wire.readString(in);
        s.lastAlertTime = in.readLong();
        s.alertCount = in.readInt();
        return s;
    }

    @Override
    DecisionState copyOf(DecisionState from) {
        DecisionState s = new DecisionState();
        s.accountId = from.accountId;
        s.cardBin = from.cardBin;
        s.cardLast4 = from.cardLast4;
        s.lastEventTime = from.lastEventTime;
        s.ruleIds = from.ruleIds == null ? null : from.ruleIds.clone();
        s.ruleVersions = from.ruleVersions == null ? null : from.ruleVersions.clone();
        s.weights = from.weights == null ? null : from.weights.clone();
        s.texts = from.texts == null ? null : from.texts.clone();
        s.observed = from.observed == null ? null : from.observed.clone();
        s.thresholds = from.thresholds == null ? null : from.thresholds.clone();
        s.repeats = from.repeats == null ? null : from.repeats.clone();
        s.linked = from.linked == null ? null : from.linked.clone();
        s.caseId = from.caseId;
        s.caseStart = from.caseStart;
        s.orderIds = from.orderIds == null ? null : from.orderIds.clone();
        s.held = from.held == null ? null : from.held.clone();
        s.lastAlertId = from.lastAlertId;
        s.lastAction = from.lastAction;
        s.lastRules = from.lastRules;
        s.lastAlertTime = from.lastAlertTime;
        s.alertCount = from.alertCount;
        return s;
    }

    @Override
    public TypeSerializerSnapshot<DecisionState> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /** The snapshot of this serializer (see {@link StateSnapshot}). */
    public static final class Snapshot extends StateSnapshot<DecisionState> {
        public Snapshot() {
            super(DecisionState.class, INSTANCE, FORMAT_VERSION);
        }
    }
}
