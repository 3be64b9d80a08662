package dev.fraudmonitor.engine.rules;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.model.FieldKind;
import java.util.Locale;

/** An event attribute a rule counts distinct values of, sums, or remembers. */
public enum Attribute {
    USERNAME,
    CARD,
    DEVICE,
    IP,
    ACCOUNT,
    /** The email hash of an order, or the value hash of an EMAIL field entry. */
    EMAIL,
    /** The shipping address hash of an order, or the value hash of a SHIPPING_ADDRESS entry. */
    SHIPPING_ADDRESS,
    /** The IP country ({@code ipCountry}). */
    COUNTRY,
    /** The amount in minor units (SUM only). */
    AMOUNT;

    /** The attribute's value on the event, null when absent. Not defined for AMOUNT. */
    public String valueOf(ScoringEvent e) {
        switch (this) {
            case USERNAME:
                return e.usernameHash;
            case CARD:
                return e.cardHash;
            case DEVICE:
                return e.deviceId;
            case IP:
                return e.ip;
            case ACCOUNT:
                return e.accountId;
            case EMAIL:
                return e.emailHash != null ? e.emailHash : GroupBy.fieldValue(e, FieldKind.EMAIL);
            case SHIPPING_ADDRESS:
                return e.shippingAddressHash != null
                        ? e.shippingAddressHash
                        : GroupBy.fieldValue(e, FieldKind.SHIPPING_ADDRESS);
            case COUNTRY:
                return e.ipCountry;
            case AMOUNT:
                return e.amountMinor > 0 ? Long.toString(e.amountMinor) : null;
            default:
                throw new AssertionError(this);
        }
    }

    public String words() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
