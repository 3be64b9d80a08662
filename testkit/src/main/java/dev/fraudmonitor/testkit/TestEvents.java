package dev.fraudmonitor.testkit;

import dev.fraudmonitor.model.AccountChangeData;
import dev.fraudmonitor.model.ChangeKind;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.EventCodec;
import dev.fraudmonitor.model.EventData;
import dev.fraudmonitor.model.EventType;
import dev.fraudmonitor.model.FieldEnteredData;
import dev.fraudmonitor.model.FieldKind;
import dev.fraudmonitor.model.LoginData;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.model.OrderPlacedData;
import dev.fraudmonitor.model.PageViewData;
import dev.fraudmonitor.model.PaymentAttemptData;
import dev.fraudmonitor.model.PaymentOutcome;
import java.time.Instant;
import java.util.UUID;

/** Contract events for integration tests, built through the same codec the checkout team uses. */
public final class TestEvents {
    private static final EventCodec CODEC = new EventCodec();

    private TestEvents() {}

    /** The envelope of one browser session; each call makes an event of it at a given time. */
    public record Session(
            String sessionId, String accountId, String ip, String ipCountry, String deviceId) {
        public static Session guest(String ip, String country) {
            return new Session(
                    "s-" + UUID.randomUUID(), null, ip, country, "d-" + UUID.randomUUID());
        }

        public Session as(String account) {
            return new Session(sessionId, account, ip, ipCountry, deviceId);
        }

        public Session onDevice(String device) {
            return new Session(sessionId, accountId, ip, ipCountry, device);
        }

        public CheckoutEvent event(EventType type, Instant at, EventData data) {
            return new CheckoutEvent(
                    "e-" + UUID.randomUUID(),
                    type,
                    at,
                    sessionId,
                    accountId,
                    ip,
                    ipCountry,
                    "Mozilla/5.0 (X11; Linux x86_64)",
                    deviceId,
                    data);
        }

        public CheckoutEvent pageView(Instant at, String page) {
            return event(EventType.PAGE_VIEW, at, new PageViewData(page, null));
        }

        public CheckoutEvent login(Instant at, String usernameHash, LoginOutcome outcome) {
            return event(EventType.LOGIN, at, new LoginData(outcome, usernameHash));
        }

        public CheckoutEvent field(Instant at, FieldKind field) {
            return event(
                    EventType.FIELD_ENTERED,
                    at,
                    new FieldEnteredData(field, "h-" + field, null, null, null, null, null));
        }

        public CheckoutEvent accountChange(Instant at, ChangeKind change) {
            return event(EventType.ACCOUNT_CHANGE, at, new AccountChangeData(change));
        }

        public CheckoutEvent payment(
                Instant at,
                String orderId,
                String cardHash,
                long amountMinor,
                PaymentOutcome outcome) {
            return event(
                    EventType.PAYMENT_ATTEMPT,
                    at,
                    new PaymentAttemptData(
                            orderId,
                            cardHash,
                            "411111",
                            "US",
                            amountMinor,
                            "USD",
                            outcome,
                            outcome == PaymentOutcome.DECLINED ? "05" : null));
        }

        public CheckoutEvent order(
                Instant at,
                String orderId,
                String cardHash,
                long amountMinor,
                String billingCountry,
                String shippingCountry,
                String cardCountry) {
            return event(
                    EventType.ORDER_PLACED,
                    at,
                    new OrderPlacedData(
                            orderId,
                            amountMinor,
                            "USD",
                            1,
                            cardHash,
                            "411111",
                            cardCountry,
                            billingCountry,
                            shippingCountry,
                            "addr-" + accountId,
                            "em-" + accountId,
                            "example.com"));
        }
    }

    public static byte[] encode(CheckoutEvent e) {
        return CODEC.encode(e);
    }
}
