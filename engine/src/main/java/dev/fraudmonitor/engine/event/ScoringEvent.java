package dev.fraudmonitor.engine.event;

import dev.fraudmonitor.model.EventType;

/**
 * One validated checkout event, flattened into the compact form the job passes between operators
 * and rules.
 *
 * <p>Public fields on purpose: rules read them without a type switch, and the job's hand-written
 * serializer ({@code ScoringEventSerializer} in fraud-job) writes only those that are set; a new
 * field must be added there too (its test fails until it is). Fields that do not apply to an
 * event's type are null (or 0 for numbers). It never holds a raw card number, password or full
 * address: the contract only carries hashes, BINs and last-4 digits, and the decoder rejects
 * anything that looks like a card number.
 */
public class ScoringEvent {
    // Envelope.
    public String eventId;
    public EventType type;

    /** Event time, epoch millis ({@code occurredAt}). */
    public long eventTime;

    /** When the job read the event from Kafka (the Kafka record timestamp), epoch millis. */
    public long ingestTime;

    public String sessionId;
    public String accountId;
    public String ip;
    public String ipCountry;
    public String userAgent;
    public String deviceId;

    // LOGIN: SUCCESS/FAILURE; PAYMENT_ATTEMPT: AUTHORIZED/DECLINED.
    public String outcome;
    public String usernameHash;

    // PAGE_VIEW.
    public String page;

    // FIELD_ENTERED: field kind name, and the optional facts about the entered value.
    public String field;
    public String valueHash;
    public String country;

    // ACCOUNT_CHANGE: change kind name.
    public String change;

    // PAYMENT_ATTEMPT and ORDER_PLACED (cardBin/cardLast4/cardCountry/emailDomain also
    // FIELD_ENTERED).
    public String orderId;
    public String cardHash;
    public String cardBin;
    public String cardLast4;
    public String cardCountry;
    public long amountMinor;
    public String currency;
    public String declineCode;
    public int itemCount;
    public String billingCountry;
    public String shippingCountry;
    public String shippingAddressHash;
    public String emailHash;
    public String emailDomain;

    public ScoringEvent() {}

    @Override
    public String toString() {
        // Identifiers only: enough to find the event, nothing a log should not hold.
        return "ScoringEvent{"
                + type
                + " "
                + eventId
                + " session="
                + sessionId
                + " t="
                + eventTime
                + "}";
    }
}
