package dev.fraudmonitor.model;

/** What an alert asks of a rep: look at the session, or the order is held until released. */
public enum Action {
    REVIEW,
    HOLD
}
