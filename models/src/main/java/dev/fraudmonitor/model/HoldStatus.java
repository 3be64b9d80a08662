package dev.fraudmonitor.model;

/** Whether fulfilment may ship an order; a hold is only ever released by a person. */
public enum HoldStatus {
    HELD,
    RELEASED
}
