package dev.fraudmonitor.model;

/**
 * {@code data} of a LOGIN event; the username is only ever a producer-side keyed hash.
 *
 * @param usernameHash keyed hash of the username the customer typed
 */
public record LoginData(LoginOutcome outcome, String usernameHash) implements EventData {}
