package dev.fraudmonitor.model;

/** {@code data.outcome} of a PAYMENT_ATTEMPT event. */
public enum PaymentOutcome {
    AUTHORIZED,
    DECLINED
}
