package dev.fraudmonitor.model;

/** {@code data} of an ACCOUNT_CHANGE event; a risky change shortly before an order is a signal. */
public record AccountChangeData(ChangeKind change) implements EventData {}
