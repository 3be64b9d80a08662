package dev.fraudmonitor.model;

/**
 * {@code data} of a PAYMENT_ATTEMPT event; declines in a burst are how card testing shows.
 *
 * @param amountMinor amount in minor units of {@code currency}, never negative
 * @param currency ISO 4217
 * @param declineCode may be null
 */
public record PaymentAttemptData(
        String orderId,
        String cardHash,
        String cardBin,
        String cardCountry,
        long amountMinor,
        String currency,
        PaymentOutcome outcome,
        String declineCode)
        implements EventData {}
