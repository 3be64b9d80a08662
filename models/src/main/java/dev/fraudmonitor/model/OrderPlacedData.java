package dev.fraudmonitor.model;

/**
 * {@code data} of an ORDER_PLACED event: the point where a hold can still stop the shipment.
 *
 * @param amountMinor amount in minor units of {@code currency}, never negative
 * @param itemCount at least 1
 */
public record OrderPlacedData(
        String orderId,
        long amountMinor,
        String currency,
        int itemCount,
        String cardHash,
        String cardBin,
        String cardCountry,
        String billingCountry,
        String shippingCountry,
        String shippingAddressHash,
        String emailHash,
        String emailDomain)
        implements EventData {}
