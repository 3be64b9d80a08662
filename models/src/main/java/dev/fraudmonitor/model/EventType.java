package dev.fraudmonitor.model;

/** The {@code type} of a checkout event. */
public enum EventType {
    LOGIN,
    PAGE_VIEW,
    FIELD_ENTERED,
    ACCOUNT_CHANGE,
    PAYMENT_ATTEMPT,
    ORDER_PLACED
}
