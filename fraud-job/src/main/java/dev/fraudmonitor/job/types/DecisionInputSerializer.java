package dev.fraudmonitor.job.types;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.model.EventType;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of {@link DecisionInput}: rule hits, order notices and linked hits on their way to the
 * entity and decision stages.
 */
public final class DecisionInputSerializer extends TypeSerializerSingleton<DecisionInput> {
    private static final long serialVersionUID = 1L;

    public static final DecisionInputSerializer INSTANCE = new DecisionInputSerializer();

    /** The version of the format below; see the package documentation for when it changes. */
    static final int FORMAT_VERSION = 1;

    private static final DecisionInput.Kind[] KINDS =
            Wire.byteOrdinals(DecisionInput.Kind.values());
    private static final EventType[] EVENT_TYPES = Wire.byteOrdinals(EventType.values());

    private DecisionInputSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public DecisionInput createInstance() {
        return new DecisionInput();
    }

    @Override
    public DecisionInput copy(DecisionInput from) {
        return copyOf(from);
    }

    @Override
    public DecisionInput copy(DecisionInput from, DecisionInput reuse) {
        return copyOf(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(DecisionInput record, DataOutputView target) throws IOException {
        write(record, target);
    }

    @Override
    public DecisionInput deserialize(DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public DecisionInput deserialize(DecisionInput reuse, DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        write(read(source), target);
    }

    @Override
    public TypeSerializerSnapshot<DecisionInput> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    // One bit per field, in declaration order: set when the field is non-null, non-zero or true.
    private static final long KIND = 1L << 0;
    private static final long SESSION_ID = 1L << 1;
    private static final long ACCOUNT_ID = 1L << 2;
    private static final long EVENT_ID = 1L << 3;
    private static final long EVENT_TYPE = 1L << 4;
    private static final long EVENT_TIME = 1L << 5;
    private static final long INGEST_TIME = 1L << 6;
    private static final long ORDER_ID = 1L << 7;
    private static final long CARD_BIN = 1L << 8;
    private static final long CARD_LAST4 = 1L << 9;
    private static final long RULE_SET_VERSION = 1L << 10;
    private static final long DEVICE_ID = 1L << 11;
    private static final long CARD_HASH = 1L << 12;
    private static final long SHIPPING_ADDRESS_HASH = 1L << 13;
    private static final long LINKED_SESSION_ID = 1L << 14;
    private static final long LINKED_BY = 1L << 15;
    private static final long CASE_ID = 1L << 16;
    private static final long CASE_START = 1L << 17;
    private static final long RULE_ID = 1L << 18;
    private static final long RULE_VERSION = 1L << 19;
    private static final long MODE = 1L << 20;
    private static final long WEIGHT = 1L << 21;
    private static final long TEXT = 1L << 22;
    private static final long OBSERVED = 1L << 23;
    private static final long THRESHOLD = 1L << 24;
    private static final long REPEAT = 1L << 25;

    static void write(DecisionInput m, DataOutputView out) throws IOException {
        long mask = 0;
        if (m.kind != null) mask |= KIND;
        if (m.sessionId != null) mask |= SESSION_ID;
        if (m.accountId != null) mask |= ACCOUNT_ID;
        if (m.eventId != null) mask |= EVENT_ID;
        if (m.eventType != null) mask |= EVENT_TYPE;
        if (m.eventTime != 0) mask |= EVENT_TIME;
        if (m.ingestTime != 0) mask |= INGEST_TIME;
        if (m.orderId != null) mask |= ORDER_ID;
        if (m.cardBin != null) mask |= CARD_BIN;
        if (m.cardLast4 != null) mask |= CARD_LAST4;
        if (m.ruleSetVersion != 0) mask |= RULE_SET_VERSION;
        if (m.deviceId != null) mask |= DEVICE_ID;
        if (m.cardHash != null) mask |= CARD_HASH;
        if (m.shippingAddressHash != null) mask |= SHIPPING_ADDRESS_HASH;
        if (m.linkedSessionId != null) mask |= LINKED_SESSION_ID;
        if (m.linkedBy != null) mask |= LINKED_BY;
        if (m.caseId != null) mask |= CASE_ID;
        if (m.caseStart != 0) mask |= CASE_START;
        if (m.ruleId != null) mask |= RULE_ID;
        if (m.ruleVersion != 0) mask |= RULE_VERSION;
        if (m.mode != null) mask |= MODE;
        if (m.weight != 0) mask |= WEIGHT;
        if (m.text != null) mask |= TEXT;
        if (m.observed != null) mask |= OBSERVED;
        if (m.threshold != null) mask |= THRESHOLD;
        if (m.repeat) mask |= REPEAT;
        Wire.writeMask(out, mask);
        if (m.kind != null) Wire.writeEnum(out, m.kind);
        if (m.sessionId != null) Wire.writeString(out, m.sessionId);
        if (m.accountId != null) Wire.writeString(out, m.accountId);
        if (m.eventId != null) Wire.writeString(out, m.eventId);
        if (m.eventType != null) Wire.writeEnum(out, m.eventType);
        if (m.eventTime != 0) out.writeLong(m.eventTime);
        if (m.ingestTime != 0) out.writeLong(m.ingestTime);
        if (m.orderId != null) Wire.writeString(out, m.orderId);
        if (m.cardBin != null) Wire.writeString(out, m.cardBin);
        if (m.cardLast4 != null) Wire.writeString(out, m.cardLast4);
        if (m.ruleSetVersion != 0) out.writeLong(m.ruleSetVersion);
        if (m.deviceId != null) Wire.writeString(out, m.deviceId);
        if (m.cardHash != null) Wire.writeString(out, m.cardHash);
        if (m.shippingAddressHash != null) Wire.writeString(out, m.shippingAddressHash);
        if (m.linkedSessionId != null) Wire.writeString(out, m.linkedSessionId);
        if (m.linkedBy != null) Wire.writeString(out, m.linkedBy);
        if (m.caseId != null) Wire.writeString(out, m.caseId);
        if (m.caseStart != 0) out.writeLong(m.caseStart);
        if (m.ruleId != null) Wire.writeString(out, m.ruleId);
        if (m.ruleVersion != 0) out.writeInt(m.ruleVersion);
        if (m.mode != null) Wire.writeString(out, m.mode);
        if (m.weight != 0) out.writeInt(m.weight);
        if (m.text != null) Wire.writeString(out, m.text);
        if (m.observed != null) Wire.writeString(out, m.observed);
        if (m.threshold != null) Wire.writeString(out, m.threshold);
    }

    static DecisionInput read(DataInputView in) throws IOException {
        long mask = Wire.readMask(in);
        DecisionInput m = new DecisionInput();
        if ((mask & KIND) != 0) m.kind = Wire.readEnum(in, KINDS);
        if ((mask & SESSION_ID) != 0) m.sessionId = Wire.readString(in);
        if ((mask & ACCOUNT_ID) != 0) m.accountId = Wire.readString(in);
        if ((mask & EVENT_ID) != 0) m.eventId = Wire.readString(in);
        if ((mask & EVENT_TYPE) != 0) m.eventType = Wire.readEnum(in, EVENT_TYPES);
        if ((mask & EVENT_TIME) != 0) m.eventTime = in.readLong();
        if ((mask & INGEST_TIME) != 0) m.ingestTime = in.readLong();
        if ((mask & ORDER_ID) != 0) m.orderId = Wire.readString(in);
        if ((mask & CARD_BIN) != 0) m.cardBin = Wire.readString(in);
        if ((mask & CARD_LAST4) != 0) m.cardLast4 = Wire.readString(in);
        if ((mask & RULE_SET_VERSION) != 0) m.ruleSetVersion = in.readLong();
        if ((mask & DEVICE_ID) != 0) m.deviceId = Wire.readString(in);
        if ((mask & CARD_HASH) != 0) m.cardHash = Wire.readString(in);
        if ((mask & SHIPPING_ADDRESS_HASH) != 0) m.shippingAddressHash = Wire.readString(in);
        if ((mask & LINKED_SESSION_ID) != 0) m.linkedSessionId = Wire.readString(in);
        if ((mask & LINKED_BY) != 0) m.linkedBy = Wire.readString(in);
        if ((mask & CASE_ID) != 0) m.caseId = Wire.readString(in);
        if ((mask & CASE_START) != 0) m.caseStart = in.readLong();
        if ((mask & RULE_ID) != 0) m.ruleId = Wire.readString(in);
        if ((mask & RULE_VERSION) != 0) m.ruleVersion = in.readInt();
        if ((mask & MODE) != 0) m.mode = Wire.readString(in);
        if ((mask & WEIGHT) != 0) m.weight = in.readInt();
        if ((mask & TEXT) != 0) m.text = Wire.readString(in);
        if ((mask & OBSERVED) != 0) m.observed = Wire.readString(in);
        if ((mask & THRESHOLD) != 0) m.threshold = Wire.readString(in);
        m.repeat = (mask & REPEAT) != 0;
        return m;
    }

    static DecisionInput copyOf(DecisionInput from) {
        DecisionInput m = new DecisionInput();
        m.kind = from.kind;
        m.sessionId = from.sessionId;
        m.accountId = from.accountId;
        m.eventId = from.eventId;
        m.eventType = from.eventType;
        m.eventTime = from.eventTime;
        m.ingestTime = from.ingestTime;
        m.orderId = from.orderId;
        m.cardBin = from.cardBin;
        m.cardLast4 = from.cardLast4;
        m.ruleSetVersion = from.ruleSetVersion;
        m.deviceId = from.deviceId;
        m.cardHash = from.cardHash;
        m.shippingAddressHash = from.shippingAddressHash;
        m.linkedSessionId = from.linkedSessionId;
        m.linkedBy = from.linkedBy;
        m.caseId = from.caseId;
        m.caseStart = from.caseStart;
        m.ruleId = from.ruleId;
        m.ruleVersion = from.ruleVersion;
        m.mode = from.mode;
        m.weight = from.weight;
        m.text = from.text;
        m.observed = from.observed;
        m.threshold = from.threshold;
        m.repeat = from.repeat;
        return m;
    }

    /** The snapshot of this serializer (see {@link RecordSnapshot}). */
    public static final class Snapshot extends RecordSnapshot<DecisionInput> {
        public Snapshot() {
            super(INSTANCE, FORMAT_VERSION, DecisionInput.Kind.class, EventType.class);
        }
    }
}
