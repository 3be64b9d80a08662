package dev.fraudmonitor.model;

/** {@code data.change} of an ACCOUNT_CHANGE event. */
public enum ChangeKind {
    EMAIL,
    PASSWORD,
    PHONE,
    SHIPPING_ADDRESS,
    PAYMENT_METHOD
}
