package dev.fraudmonitor.model;

/** {@code data.outcome} of a LOGIN event. */
public enum LoginOutcome {
    SUCCESS,
    FAILURE
}
