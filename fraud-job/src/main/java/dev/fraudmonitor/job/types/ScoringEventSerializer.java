package dev.fraudmonitor.job.types;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.model.EventType;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of {@link ScoringEvent}, the validated event on its way to the session stage and, in
 * every group copy, on to the group stage.
 */
public final class ScoringEventSerializer extends TypeSerializerSingleton<ScoringEvent> {
    private static final long serialVersionUID = 1L;

    public static final ScoringEventSerializer INSTANCE = new ScoringEventSerializer();

    /** The version of the format below; see the package documentation for when it changes. */
    static final int FORMAT_VERSION = 1;

    private static final EventType[] EVENT_TYPES = Wire.byteOrdinals(EventType.values());

    private ScoringEventSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public ScoringEvent createInstance() {
        return new ScoringEvent();
    }

    @Override
    public ScoringEvent copy(ScoringEvent from) {
        return copyOf(from);
    }

    @Override
    public ScoringEvent copy(ScoringEvent from, ScoringEvent reuse) {
        return copyOf(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ScoringEvent record, DataOutputView target) throws IOException {
        write(record, target);
    }

    @Override
    public ScoringEvent deserialize(DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public ScoringEvent deserialize(ScoringEvent reuse, DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        write(read(source), target);
    }

    @Override
    public TypeSerializerSnapshot<ScoringEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    // One bit per field, in declaration order: set when the field is non-null, non-zero or true.
    private static final long EVENT_ID = 1L << 0;
    private static final long TYPE = 1L << 1;
    private static final long EVENT_TIME = 1L << 2;
    private static final long INGEST_TIME = 1L << 3;
    private static final long SESSION_ID = 1L << 4;
    private static final long ACCOUNT_ID = 1L << 5;
    private static final long IP = 1L << 6;
    private static final long IP_COUNTRY = 1L << 7;
    private static final long USER_AGENT = 1L << 8;
    private static final long DEVICE_ID = 1L << 9;
    private static final long OUTCOME = 1L << 10;
    private static final long USERNAME_HASH = 1L << 11;
    private static final long PAGE = 1L << 12;
    private static final long FIELD = 1L << 13;
    private static final long VALUE_HASH = 1L << 14;
    private static final long COUNTRY = 1L << 15;
    private static final long CHANGE = 1L << 16;
    private static final long ORDER_ID = 1L << 17;
    private static final long CARD_HASH = 1L << 18;
    private static final long CARD_BIN = 1L << 19;
    private static final long CARD_LAST4 = 1L << 20;
    private static final long CARD_COUNTRY = 1L << 21;
    private static final long AMOUNT_MINOR = 1L << 22;
    private static final long CURRENCY = 1L << 23;
    private static final long DECLINE_CODE = 1L << 24;
    private static final long ITEM_COUNT = 1L << 25;
    private static final long BILLING_COUNTRY = 1L << 26;
    private static final long SHIPPING_COUNTRY = 1L << 27;
    private static final long SHIPPING_ADDRESS_HASH = 1L << 28;
    private static final long EMAIL_HASH = 1L << 29;
    private static final long EMAIL_DOMAIN = 1L << 30;

    static void write(ScoringEvent e, DataOutputView out) throws IOException {
        long mask = 0;
        if (e.eventId != null) mask |= EVENT_ID;
        if (e.type != null) mask |= TYPE;
        if (e.eventTime != 0) mask |= EVENT_TIME;
        if (e.ingestTime != 0) mask |= INGEST_TIME;
        if (e.sessionId != null) mask |= SESSION_ID;
        if (e.accountId != null) mask |= ACCOUNT_ID;
        if (e.ip != null) mask |= IP;
        if (e.ipCountry != null) mask |= IP_COUNTRY;
        if (e.userAgent != null) mask |= USER_AGENT;
        if (e.deviceId != null) mask |= DEVICE_ID;
        if (e.outcome != null) mask |= OUTCOME;
        if (e.usernameHash != null) mask |= USERNAME_HASH;
        if (e.page != null) mask |= PAGE;
        if (e.field != null) mask |= FIELD;
        if (e.valueHash != null) mask |= VALUE_HASH;
        if (e.country != null) mask |= COUNTRY;
        if (e.change != null) mask |= CHANGE;
        if (e.orderId != null) mask |= ORDER_ID;
        if (e.cardHash != null) mask |= CARD_HASH;
        if (e.cardBin != null) mask |= CARD_BIN;
        if (e.cardLast4 != null) mask |= CARD_LAST4;
        if (e.cardCountry != null) mask |= CARD_COUNTRY;
        if (e.amountMinor != 0) mask |= AMOUNT_MINOR;
        if (e.currency != null) mask |= CURRENCY;
        if (e.declineCode != null) mask |= DECLINE_CODE;
        if (e.itemCount != 0) mask |= ITEM_COUNT;
        if (e.billingCountry != null) mask |= BILLING_COUNTRY;
        if (e.shippingCountry != null) mask |= SHIPPING_COUNTRY;
        if (e.shippingAddressHash != null) mask |= SHIPPING_ADDRESS_HASH;
        if (e.emailHash != null) mask |= EMAIL_HASH;
        if (e.emailDomain != null) mask |= EMAIL_DOMAIN;
        Wire.writeMask(out, mask);
        if (e.eventId != null) Wire.writeString(out, e.eventId);
        if (e.type != null) Wire.writeEnum(out, e.type);
        if (e.eventTime != 0) out.writeLong(e.eventTime);
        if (e.ingestTime != 0) out.writeLong(e.ingestTime);
        if (e.sessionId != null) Wire.writeString(out, e.sessionId);
        if (e.accountId != null) Wire.writeString(out, e.accountId);
        if (e.ip != null) Wire.writeString(out, e.ip);
        if (e.ipCountry != null) Wire.writeString(out, e.ipCountry);
        if (e.userAgent != null) Wire.writeString(out, e.userAgent);
        if (e.deviceId != null) Wire.writeString(out, e.deviceId);
        if (e.outcome != null) Wire.writeString(out, e.outcome);
        if (e.usernameHash != null) Wire.writeString(out, e.usernameHash);
        if (e.page != null) Wire.writeString(out, e.page);
        if (e.field != null) Wire.writeString(out, e.field);
        if (e.valueHash != null) Wire.writeString(out, e.valueHash);
        if (e.country != null) Wire.writeString(out, e.country);
        if (e.change != null) Wire.writeString(out, e.change);
        if (e.orderId != null) Wire.writeString(out, e.orderId);
        if (e.cardHash != null) Wire.writeString(out, e.cardHash);
        if (e.cardBin != null) Wire.writeString(out, e.cardBin);
        if (e.cardLast4 != null) Wire.writeString(out, e.cardLast4);
        if (e.cardCountry != null) Wire.writeString(out, e.cardCountry);
        if (e.amountMinor != 0) out.writeLong(e.amountMinor);
        if (e.currency != null) Wire.writeString(out, e.currency);
        if (e.declineCode != null) Wire.writeString(out, e.declineCode);
        if (e.itemCount != 0) out.writeInt(e.itemCount);
        if (e.billingCountry != null) Wire.writeString(out, e.billingCountry);
        if (e.shippingCountry != null) Wire.writeString(out, e.shippingCountry);
        if (e.shippingAddressHash != null) Wire.writeString(out, e.shippingAddressHash);
        if (e.emailHash != null) Wire.writeString(out, e.emailHash);
        if (e.emailDomain != null) Wire.writeString(out, e.emailDomain);
    }

    static ScoringEvent read(DataInputView in) throws IOException {
        long mask = Wire.readMask(in);
        ScoringEvent e = new ScoringEvent();
        if ((mask & EVENT_ID) != 0) e.eventId = Wire.readString(in);
        if ((mask & TYPE) != 0) e.type = Wire.readEnum(in, EVENT_TYPES);
        if ((mask & EVENT_TIME) != 0) e.eventTime = in.readLong();
        if ((mask & INGEST_TIME) != 0) e.ingestTime = in.readLong();
        if ((mask & SESSION_ID) != 0) e.sessionId = Wire.readString(in);
        if ((mask & ACCOUNT_ID) != 0) e.accountId = Wire.readString(in);
        if ((mask & IP) != 0) e.ip = Wire.readString(in);
        if ((mask & IP_COUNTRY) != 0) e.ipCountry = Wire.readString(in);
        if ((mask & USER_AGENT) != 0) e.userAgent = Wire.readString(in);
        if ((mask & DEVICE_ID) != 0) e.deviceId = Wire.readString(in);
        if ((mask & OUTCOME) != 0) e.outcome = Wire.readString(in);
        if ((mask & USERNAME_HASH) != 0) e.usernameHash = Wire.readString(in);
        if ((mask & PAGE) != 0) e.page = Wire.readString(in);
        if ((mask & FIELD) != 0) e.field = Wire.readString(in);
        if ((mask & VALUE_HASH) != 0) e.valueHash = Wire.readString(in);
        if ((mask & COUNTRY) != 0) e.country = Wire.readString(in);
        if ((mask & CHANGE) != 0) e.change = Wire.readString(in);
        if ((mask & ORDER_ID) != 0) e.orderId = Wire.readString(in);
        if ((mask & CARD_HASH) != 0) e.cardHash = Wire.readString(in);
        if ((mask & CARD_BIN) != 0) e.cardBin = Wire.readString(in);
        if ((mask & CARD_LAST4) != 0) e.cardLast4 = Wire.readString(in);
        if ((mask & CARD_COUNTRY) != 0) e.cardCountry = Wire.readString(in);
        if ((mask & AMOUNT_MINOR) != 0) e.amountMinor = in.readLong();
        if ((mask & CURRENCY) != 0) e.currency = Wire.readString(in);
        if ((mask & DECLINE_CODE) != 0) e.declineCode = Wire.readString(in);
        if ((mask & ITEM_COUNT) != 0) e.itemCount = in.readInt();
        if ((mask & BILLING_COUNTRY) != 0) e.billingCountry = Wire.readString(in);
        if ((mask & SHIPPING_COUNTRY) != 0) e.shippingCountry = Wire.readString(in);
        if ((mask & SHIPPING_ADDRESS_HASH) != 0) e.shippingAddressHash = Wire.readString(in);
        if ((mask & EMAIL_HASH) != 0) e.emailHash = Wire.readString(in);
        if ((mask & EMAIL_DOMAIN) != 0) e.emailDomain = Wire.readString(in);
        return e;
    }

    static ScoringEvent copyOf(ScoringEvent from) {
        ScoringEvent e = new ScoringEvent();
        e.eventId = from.eventId;
        e.type = from.type;
        e.eventTime = from.eventTime;
        e.ingestTime = from.ingestTime;
        e.sessionId = from.sessionId;
        e.accountId = from.accountId;
        e.ip = from.ip;
        e.ipCountry = from.ipCountry;
        e.userAgent = from.userAgent;
        e.deviceId = from.deviceId;
        e.outcome = from.outcome;
        e.usernameHash = from.usernameHash;
        e.page = from.page;
        e.field = from.field;
        e.valueHash = from.valueHash;
        e.country = from.country;
        e.change = from.change;
        e.orderId = from.orderId;
        e.cardHash = from.cardHash;
        e.cardBin = from.cardBin;
        e.cardLast4 = from.cardLast4;
        e.cardCountry = from.cardCountry;
        e.amountMinor = from.amountMinor;
        e.currency = from.currency;
        e.declineCode = from.declineCode;
        e.itemCount = from.itemCount;
        e.billingCountry = from.billingCountry;
        e.shippingCountry = from.shippingCountry;
        e.shippingAddressHash = from.shippingAddressHash;
        e.emailHash = from.emailHash;
        e.emailDomain = from.emailDomain;
        return e;
    }

    /** The snapshot of this serializer (see {@link RecordSnapshot}). */
    public static final class Snapshot extends RecordSnapshot<ScoringEvent> {
        public Snapshot() {
            super(INSTANCE, FORMAT_VERSION, EventType.class);
        }
    }
}
