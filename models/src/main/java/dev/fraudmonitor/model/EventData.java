package dev.fraudmonitor.model;

/**
 * The type-specific part of a {@link CheckoutEvent}. Sealed so a {@code switch} over the event
 * types is checked by the compiler when a type is added.
 */
public sealed interface EventData
        permits LoginData,
                PageViewData,
                FieldEnteredData,
                AccountChangeData,
                PaymentAttemptData,
                OrderPlacedData {}
