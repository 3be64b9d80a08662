package dev.fraudmonitor.model;

/**
 * {@code data} of a FIELD_ENTERED event: the customer filled a checkout field. Only hashes and
 * coarse facts (country, e-mail domain, card BIN and last four) are sent, never the value itself.
 *
 * @param valueHash keyed hash of the value
 * @param country may be null; ISO 3166-1 alpha-2
 * @param emailDomain may be null
 * @param cardBin may be null; 6 to 8 digits
 * @param cardLast4 may be null; 4 digits
 * @param cardCountry may be null; ISO 3166-1 alpha-2
 */
public record FieldEnteredData(
        FieldKind field,
        String valueHash,
        String country,
        String emailDomain,
        String cardBin,
        String cardLast4,
        String cardCountry)
        implements EventData {}
