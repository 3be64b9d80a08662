package dev.fraudmonitor.model;

/**
 * Why an input record was rejected. Stable names: they are dead-letter {@code reason} values and
 * metric tags, so operators can tell a broken producer from an attack.
 */
public enum RejectReason {
    /** Not a JSON object: malformed, not UTF-8, an array or a scalar. */
    NOT_JSON,
    /** Larger than the configured byte limit; rejected before parsing. */
    TOO_LARGE,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A field has the wrong JSON type, an unknown enum value or an absurd value. */
    BAD_VALUE,
    /** {@code type} is not one of the v1 event types. */
    UNKNOWN_TYPE,
    /** {@code occurredAt} is not an ISO-8601 instant. */
    BAD_TIMESTAMP,
    /** Something in the record looks like a raw card number. */
    PAN_DETECTED
}
