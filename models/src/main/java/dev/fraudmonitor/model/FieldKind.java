package dev.fraudmonitor.model;

/** {@code data.field} of a FIELD_ENTERED event. */
public enum FieldKind {
    EMAIL,
    PHONE,
    SHIPPING_ADDRESS,
    BILLING_ADDRESS,
    CARD,
    COUPON,
    NAME
}
