package dev.fraudmonitor.engine.event;

import dev.fraudmonitor.model.AccountChangeData;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.FieldEnteredData;
import dev.fraudmonitor.model.IpAddresses;
import dev.fraudmonitor.model.LoginData;
import dev.fraudmonitor.model.OrderPlacedData;
import dev.fraudmonitor.model.PageViewData;
import dev.fraudmonitor.model.PaymentAttemptData;

/** Flattens a validated contract event into the job's compact form. */
public final class ScoringEvents {
    private ScoringEvents() {}

    public static ScoringEvent from(CheckoutEvent c, long ingestTime) {
        ScoringEvent e = new ScoringEvent();
        e.eventId = c.eventId();
        e.type = c.type();
        e.eventTime = c.occurredAt().toEpochMilli();
        e.ingestTime = ingestTime;
        e.sessionId = c.sessionId();
        e.accountId = c.accountId();
        // One text per address, so grouping and the IP lists see one IP however it was written.
        e.ip = IpAddresses.normalize(c.ip());
        e.ipCountry = c.ipCountry();
        e.userAgent = c.userAgent();
        e.deviceId = c.deviceId();
        // Java 17 has no pattern switch; the data types are a sealed set, so this chain is
        // complete.
        if (c.data() instanceof LoginData d) {
            e.outcome = d.outcome().name();
            e.usernameHash = d.usernameHash();
        } else if (c.data() instanceof PageViewData d) {
            e.page = d.page();
        } else if (c.data() instanceof FieldEnteredData d) {
            e.field = d.field().name();
            e.valueHash = d.valueHash();
            e.country = d.country();
            e.emailDomain = d.emailDomain();
            e.cardBin = d.cardBin();
            e.cardLast4 = d.cardLast4();
            e.cardCountry = d.cardCountry();
        } else if (c.data() instanceof AccountChangeData d) {
            e.change = d.change().name();
        } else if (c.data() instanceof PaymentAttemptData d) {
            e.orderId = d.orderId();
            e.cardHash = d.cardHash();
            e.cardBin = d.cardBin();
            e.cardCountry = d.cardCountry();
            e.amountMinor = d.amountMinor();
            e.currency = d.currency();
            e.outcome = d.outcome().name();
            e.declineCode = d.declineCode();
        } else if (c.data() instanceof OrderPlacedData d) {
            e.orderId = d.orderId();
            e.amountMinor = d.amountMinor();
            e.currency = d.currency();
            e.itemCount = d.itemCount();
            e.cardHash = d.cardHash();
            e.cardBin = d.cardBin();
            e.cardCountry = d.cardCountry();
            e.billingCountry = d.billingCountry();
            e.shippingCountry = d.shippingCountry();
            e.shippingAddressHash = d.shippingAddressHash();
            e.emailHash = d.emailHash();
            e.emailDomain = d.emailDomain();
        }
        return e;
    }
}
