package dev.fraudmonitor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {
    private static final EventCodec CODEC = new EventCodec();
    private static final String PAN = "4111111111111111";

    static final String ENVELOPE =
            """
            "eventId":"e-1","occurredAt":"2026-01-31T12:00:00Z","sessionId":"s-1",\
            "accountId":"a-1","ip":"203.0.113.7","ipCountry":"DE","userAgent":"Mozilla/5.0",\
            "deviceId":"d-1",\
            """;

    static String event(String type, String data) {
        return "{" + ENVELOPE + "\"type\":\"" + type + "\",\"data\":" + data + "}";
    }

    static final String LOGIN =
            event("LOGIN", "{\"outcome\":\"FAILURE\",\"usernameHash\":\"u-h\"}");
    static final String PAGE_VIEW =
            event("PAGE_VIEW", "{\"page\":\"/cart\",\"referrer\":\"https://example.com/\"}");
    static final String FIELD_ENTERED =
            event(
                    "FIELD_ENTERED",
                    """
                    {"field":"CARD","valueHash":"v-h","country":"FR","emailDomain":"example.com",\
                    "cardBin":"411111","cardLast4":"1111","cardCountry":"US"}""");
    static final String ACCOUNT_CHANGE = event("ACCOUNT_CHANGE", "{\"change\":\"PASSWORD\"}");
    static final String PAYMENT_ATTEMPT =
            event(
                    "PAYMENT_ATTEMPT",
                    """
                    {"orderId":"o-1","cardHash":"c-h","cardBin":"41111111","cardCountry":"US",\
                    "amountMinor":12999,"currency":"EUR","outcome":"DECLINED","declineCode":"51"}""");
    static final String ORDER_PLACED =
            event(
                    "ORDER_PLACED",
                    """
                    {"orderId":"o-1","amountMinor":0,"currency":"USD","itemCount":3,"cardHash":"c-h",\
                    "cardBin":"555555","cardCountry":"GB","billingCountry":"GB","shippingCountry":"NL",\
                    "shippingAddressHash":"sa-h","emailHash":"e-h","emailDomain":"example.org"}""");

    static String base(String type) {
        return switch (type) {
            case "LOGIN" -> LOGIN;
            case "PAGE_VIEW" -> PAGE_VIEW;
            case "FIELD_ENTERED" -> FIELD_ENTERED;
            case "ACCOUNT_CHANGE" -> ACCOUNT_CHANGE;
            case "PAYMENT_ATTEMPT" -> PAYMENT_ATTEMPT;
            case "ORDER_PLACED" -> ORDER_PLACED;
            default -> throw new IllegalArgumentException(type);
        };
    }

    static ObjectNode tree(String json) {
        try {
            return (ObjectNode) Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    static ObjectNode parentOf(ObjectNode root, String path) {
        return path.startsWith("data.") ? (ObjectNode) root.get("data") : root;
    }

    static String leaf(String path) {
        return path.startsWith("data.") ? path.substring(5) : path;
    }

    static InvalidEventException reject(byte[] json) {
        return assertThrows(InvalidEventException.class, () -> CODEC.decode(json));
    }

    static InvalidEventException reject(String json) {
        return reject(json.getBytes(StandardCharsets.UTF_8));
    }

    // ---- accepted -----------------------------------------------------------------------------

    @Test
    void decodesEveryFieldOfEveryType() throws Exception {
        CheckoutEvent login = CODEC.decode(LOGIN.getBytes(StandardCharsets.UTF_8));
        assertEquals(
                new CheckoutEvent(
                        "e-1",
                        EventType.LOGIN,
                        Instant.parse("2026-01-31T12:00:00Z"),
                        "s-1",
                        "a-1",
                        "203.0.113.7",
                        "DE",
                        "Mozilla/5.0",
                        "d-1",
                        new LoginData(LoginOutcome.FAILURE, "u-h")),
                login);
        assertEquals(new PageViewData("/cart", "https://example.com/"), decode(PAGE_VIEW).data());
        assertEquals(
                new FieldEnteredData(
                        FieldKind.CARD, "v-h", "FR", "example.com", "411111", "1111", "US"),
                decode(FIELD_ENTERED).data());
        assertEquals(new AccountChangeData(ChangeKind.PASSWORD), decode(ACCOUNT_CHANGE).data());
        assertEquals(
                new PaymentAttemptData(
                        "o-1",
                        "c-h",
                        "41111111",
                        "US",
                        12999,
                        "EUR",
                        PaymentOutcome.DECLINED,
                        "51"),
                decode(PAYMENT_ATTEMPT).data());
        assertEquals(
                new OrderPlacedData(
                        "o-1",
                        0,
                        "USD",
                        3,
                        "c-h",
                        "555555",
                        "GB",
                        "GB",
                        "NL",
                        "sa-h",
                        "e-h",
                        "example.org"),
                decode(ORDER_PLACED).data());
    }

    static CheckoutEvent decode(String json) throws InvalidEventException {
        return CODEC.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<CheckoutEvent> events() {
        Instant t = Instant.parse("2026-01-31T12:00:00.123456789Z");
        return Stream.of(
                new CheckoutEvent(
                        "e1",
                        EventType.LOGIN,
                        t,
                        "s",
                        null,
                        "10.0.0.1",
                        null,
                        null,
                        null,
                        new LoginData(LoginOutcome.SUCCESS, "uh")),
                new CheckoutEvent(
                        "e2",
                        EventType.PAGE_VIEW,
                        t,
                        "s",
                        "a",
                        "2001:db8::1",
                        "SE",
                        "ua",
                        "d",
                        new PageViewData("/", null)),
                new CheckoutEvent(
                        "e3",
                        EventType.FIELD_ENTERED,
                        t,
                        "s",
                        null,
                        "::ffff:192.0.2.1",
                        null,
                        null,
                        null,
                        new FieldEnteredData(
                                FieldKind.EMAIL, "vh", null, "x.org", null, null, null)),
                new CheckoutEvent(
                        "e4",
                        EventType.FIELD_ENTERED,
                        t,
                        "s",
                        "a",
                        "192.0.2.1",
                        "US",
                        "ua",
                        "d",
                        new FieldEnteredData(
                                FieldKind.CARD, "vh", "US", null, "12345678", "0000", "CA")),
                new CheckoutEvent(
                        "e5",
                        EventType.ACCOUNT_CHANGE,
                        t,
                        "s",
                        "a",
                        "192.0.2.1",
                        null,
                        null,
                        null,
                        new AccountChangeData(ChangeKind.SHIPPING_ADDRESS)),
                new CheckoutEvent(
                        "e6",
                        EventType.PAYMENT_ATTEMPT,
                        t,
                        "s",
                        null,
                        "192.0.2.1",
                        null,
                        null,
                        null,
                        new PaymentAttemptData(
                                "o",
                                "ch",
                                "123456",
                                "US",
                                Long.MAX_VALUE,
                                "JPY",
                                PaymentOutcome.AUTHORIZED,
                                null)),
                new CheckoutEvent(
                        "e7",
                        EventType.ORDER_PLACED,
                        t,
                        "s",
                        "a",
                        "192.0.2.1",
                        "DE",
                        "ua",
                        "d",
                        new OrderPlacedData(
                                "o",
                                5,
                                "EUR",
                                Integer.MAX_VALUE,
                                "ch",
                                "123456",
                                "DE",
                                "DE",
                                "AT",
                                "sh",
                                "eh",
                                "example.com")));
    }

    @ParameterizedTest
    @MethodSource("events")
    void roundTripsEveryType(CheckoutEvent e) throws Exception {
        byte[] json = CODEC.encode(e);
        assertEquals(e, CODEC.decode(json));
        assertEquals(new String(json, StandardCharsets.UTF_8), CODEC.encodeToString(e));
    }

    @Test
    void encodeOmitsNullsAndWritesInstantsAsIsoText() {
        CheckoutEvent e = events().findFirst().orElseThrow();
        String json = CODEC.encodeToString(e);
        assertFalse(json.contains("accountId"), json);
        assertFalse(json.contains("null"), json);
        assertTrue(json.contains("\"occurredAt\":\"2026-01-31T12:00:00.123456789Z\""), json);
        assertTrue(
                json.contains("\"data\":{\"outcome\":\"SUCCESS\",\"usernameHash\":\"uh\"}"), json);
    }

    @Test
    void optionalFieldsMayBeAbsentOrNull() throws Exception {
        ObjectNode n = tree(FIELD_ENTERED);
        for (String f : List.of("accountId", "ipCountry", "userAgent")) {
            n.remove(f);
        }
        n.putNull("deviceId");
        ObjectNode d = (ObjectNode) n.get("data");
        for (String f : List.of("country", "emailDomain", "cardBin", "cardLast4")) {
            d.remove(f);
        }
        d.putNull("cardCountry");
        CheckoutEvent e = CODEC.decode(bytes(n));
        assertNull(e.accountId());
        assertNull(e.deviceId());
        assertEquals(
                new FieldEnteredData(FieldKind.CARD, "v-h", null, null, null, null, null),
                e.data());
    }

    @Test
    void unknownFieldsAnywhereAreIgnored() throws Exception {
        ObjectNode n = tree(ORDER_PLACED);
        n.put("schemaVersion", 2).putObject("trace").put("span", "x").putArray("tags").add(1);
        ((ObjectNode) n.get("data")).put("giftWrap", true).putNull("coupon");
        CheckoutEvent e = CODEC.decode(bytes(n));
        assertEquals(decode(ORDER_PLACED), e);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-01-31T12:00:00Z",
                "2026-01-31T13:00:00+01:00",
                "2026-01-31T07:30:00-04:30",
                "2026-01-31T12:00:00.000Z",
                "2026-01-31T12:00:00.5Z",
                "2024-02-29T23:59:59.999999999Z",
                "1970-01-01T00:00:00Z",
                "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59Z"
            })
    void acceptsIsoInstantsAndAgreesWithJavaTime(String text) throws Exception {
        ObjectNode n = tree(LOGIN);
        n.put("occurredAt", text);
        assertEquals(
                java.time.OffsetDateTime.parse(text).toInstant(),
                CODEC.decode(bytes(n)).occurredAt());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0.0.0.0",
                "255.255.255.255",
                "::",
                "::1",
                "1::",
                "2001:db8::8a2e:370:7334",
                "2001:0db8:0000:0000:0000:ff00:0042:8329",
                "1:2:3:4:5:6:7::",
                "::ffff:198.51.100.1",
                "1:2:3:4:5:6:1.2.3.4"
            })
    void acceptsIpTextForms(String ip) throws Exception {
        ObjectNode n = tree(LOGIN);
        n.put("ip", ip);
        assertEquals(ip, CODEC.decode(bytes(n)).ip());
    }

    @Test
    void acceptsStringsOfExactlyTheLimit() throws Exception {
        ObjectNode n = tree(LOGIN);
        n.put("userAgent", "u".repeat(EventCodec.MAX_STRING_CHARS));
        assertEquals(512, CODEC.decode(bytes(n)).userAgent().length());
    }

    @Test
    void acceptsRecordOfExactlyMaxBytes() throws Exception {
        byte[] json = LOGIN.getBytes(StandardCharsets.UTF_8);
        assertInstanceOf(LoginData.class, new EventCodec(json.length).decode(json).data());
    }

    // ---- missing required fields --------------------------------------------------------------

    static Stream<Arguments> requiredFields() {
        List<Arguments> out = new ArrayList<>();
        for (String type :
                List.of(
                        "LOGIN",
                        "PAGE_VIEW",
                        "FIELD_ENTERED",
                        "ACCOUNT_CHANGE",
                        "PAYMENT_ATTEMPT",
                        "ORDER_PLACED")) {
            for (String f : List.of("eventId", "type", "occurredAt", "sessionId", "ip", "data")) {
                out.add(Arguments.of(type, f));
            }
        }
        out.add(Arguments.of("LOGIN", "data.outcome"));
        out.add(Arguments.of("LOGIN", "data.usernameHash"));
        out.add(Arguments.of("PAGE_VIEW", "data.page"));
        out.add(Arguments.of("FIELD_ENTERED", "data.field"));
        out.add(Arguments.of("FIELD_ENTERED", "data.valueHash"));
        out.add(Arguments.of("ACCOUNT_CHANGE", "data.change"));
        for (String f :
                List.of(
                        "orderId",
                        "cardHash",
                        "cardBin",
                        "cardCountry",
                        "amountMinor",
                        "currency",
                        "outcome")) {
            out.add(Arguments.of("PAYMENT_ATTEMPT", "data." + f));
        }
        for (String f :
                List.of(
                        "orderId",
                        "amountMinor",
                        "currency",
                        "itemCount",
                        "cardHash",
                        "cardBin",
                        "cardCountry",
                        "billingCountry",
                        "shippingCountry",
                        "shippingAddressHash",
                        "emailHash",
                        "emailDomain")) {
            out.add(Arguments.of("ORDER_PLACED", "data." + f));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} without {1}")
    @MethodSource("requiredFields")
    void rejectsMissingRequiredField(String type, String path) {
        ObjectNode n = tree(base(type));
        parentOf(n, path).remove(leaf(path));
        InvalidEventException e = reject(bytes(n));
        assertEquals(RejectReason.MISSING_FIELD, e.reason());
        assertEquals(path, e.field());
        assertEquals(path + ": required field is missing", e.getMessage());
    }

    @ParameterizedTest(name = "{0} with null {1}")
    @MethodSource("requiredFields")
    void rejectsNullRequiredField(String type, String path) {
        ObjectNode n = tree(base(type));
        parentOf(n, path).putNull(leaf(path));
        InvalidEventException e = reject(bytes(n));
        assertEquals(RejectReason.MISSING_FIELD, e.reason());
        assertEquals(path + ": required field is missing", e.getMessage());
    }

    // ---- bad values ---------------------------------------------------------------------------

    static final String LONG = "x".repeat(513);

    static Stream<Arguments> badValues() {
        String longQuoted = "\"" + "x".repeat(40) + "…\"";
        return Stream.of(
                // type, path, JSON value, reason, message
                bad("LOGIN", "eventId", "42", "BAD_VALUE", "eventId: expected a string, got 42"),
                bad("LOGIN", "eventId", "\"\"", "BAD_VALUE", "eventId: must not be empty"),
                bad(
                        "LOGIN",
                        "eventId",
                        "\"" + LONG + "\"",
                        "BAD_VALUE",
                        "eventId: longer than 512 characters (513), got " + longQuoted),
                bad(
                        "LOGIN",
                        "sessionId",
                        "{}",
                        "BAD_VALUE",
                        "sessionId: expected a string, got an object"),
                bad(
                        "LOGIN",
                        "sessionId",
                        "[\"s\"]",
                        "BAD_VALUE",
                        "sessionId: expected a string, got an array"),
                bad(
                        "LOGIN",
                        "accountId",
                        "true",
                        "BAD_VALUE",
                        "accountId: expected a string, got true"),
                bad("LOGIN", "accountId", "\"\"", "BAD_VALUE", "accountId: must not be empty"),
                bad("LOGIN", "deviceId", "7", "BAD_VALUE", "deviceId: expected a string, got 7"),
                bad(
                        "LOGIN",
                        "userAgent",
                        "\"" + LONG + "\"",
                        "BAD_VALUE",
                        "userAgent: longer than 512 characters (513), got " + longQuoted),
                bad(
                        "LOGIN",
                        "type",
                        "\"FOO\"",
                        "UNKNOWN_TYPE",
                        "type: expected one of LOGIN, PAGE_VIEW, FIELD_ENTERED, ACCOUNT_CHANGE,"
                                + " PAYMENT_ATTEMPT, ORDER_PLACED, got \"FOO\""),
                bad(
                        "LOGIN",
                        "type",
                        "\"login\"",
                        "UNKNOWN_TYPE",
                        "type: expected one of LOGIN, PAGE_VIEW, FIELD_ENTERED, ACCOUNT_CHANGE,"
                                + " PAYMENT_ATTEMPT, ORDER_PLACED, got \"login\""),
                bad("LOGIN", "type", "3", "BAD_VALUE", "type: expected a string, got 3"),
                badTime("\"yesterday\""),
                badTime("\"2026-01-31\""),
                badTime("\"2026-01-31 12:00:00Z\""),
                badTime("\"2026-01-31T12:00:00\""),
                badTime("\"2026-02-30T12:00:00Z\""),
                badTime("\"2025-02-29T12:00:00Z\""),
                badTime("\"2026-01-31T24:00:00Z\""),
                badTime("\"2026-01-31T12:00:60Z\""),
                badTime("\"2026-01-31T12:00:00.Z\""),
                badTime("\"2026-01-31T12:00:00.1234567890Z\""),
                badTime("\"2026-01-31t12:00:00z\""),
                badTime("\"2026-01-31T12:00:00+0100\""),
                badTime("\"+12026-01-31T12:00:00Z\""),
                badTime("1769860800000"),
                bad(
                        "LOGIN",
                        "ip",
                        "\"localhost\"",
                        "BAD_VALUE",
                        "ip: expected an IPv4 or IPv6 address, got \"localhost\""),
                bad(
                        "LOGIN",
                        "ip",
                        "\"256.1.1.1\"",
                        "BAD_VALUE",
                        "ip: expected an IPv4 or IPv6 address, got \"256.1.1.1\""),
                bad(
                        "LOGIN",
                        "ip",
                        "\"1.2.3\"",
                        "BAD_VALUE",
                        "ip: expected an IPv4 or IPv6 address, got \"1.2.3\""),
                bad(
                        "LOGIN",
                        "ip",
                        "\"01.2.3.4\"",
                        "BAD_VALUE",
                        "ip: expected an IPv4 or IPv6 address, got \"01.2.3.4\""),
                bad(
                        "LOGIN",
                        "ip",
                        "\"1.2.3.4.5\"",
                        "BAD_VALUE",
                        "ip: expected an IPv4 or IPv6 address, got \"1.2.3.4.5\""),
                bad(
                        "LOGIN",
                        "ip",
                        "\"1::2::3\"",
                        "BAD_VALUE",
                        "ip: expected an IPv4 or IPv6 address, got \"1::2::3\""),
                bad(
                        "LOGIN",
                        "ip",
                        "\"1:2:3:4:5:6:7:8:9\"",
                        "BAD_VALUE",
                        "ip: expected an IPv4 or IPv6 address, got \"1:2:3:4:5:6:7:8:9\""),
                bad(
                        "LOGIN",
                        "ip",
                        "\"fe80::1%eth0\"",
                        "BAD_VALUE",
                        "ip: expected an IPv4 or IPv6 address, got \"fe80::1%eth0\""),
                bad(
                        "LOGIN",
                        "ip",
                        "\"12345::\"",
                        "BAD_VALUE",
                        "ip: expected an IPv4 or IPv6 address, got \"12345::\""),
                bad(
                        "LOGIN",
                        "ip",
                        "\"1:2:3:4:5:6:7\"",
                        "BAD_VALUE",
                        "ip: expected an IPv4 or IPv6 address, got \"1:2:3:4:5:6:7\""),
                bad("LOGIN", "ip", "\"\"", "BAD_VALUE", "ip: must not be empty"),
                bad(
                        "LOGIN",
                        "ipCountry",
                        "\"de\"",
                        "BAD_VALUE",
                        "ipCountry: expected an ISO 3166-1 alpha-2 country code like DE, got \"de\""),
                bad(
                        "LOGIN",
                        "ipCountry",
                        "\"DEU\"",
                        "BAD_VALUE",
                        "ipCountry: expected an ISO 3166-1 alpha-2 country code like DE, got \"DEU\""),
                bad("LOGIN", "data", "\"x\"", "BAD_VALUE", "data: expected an object, got \"x\""),
                bad("LOGIN", "data", "[]", "BAD_VALUE", "data: expected an object, got an array"),
                bad(
                        "LOGIN",
                        "data.outcome",
                        "\"ok\"",
                        "BAD_VALUE",
                        "data.outcome: expected SUCCESS or FAILURE, got \"ok\""),
                bad(
                        "LOGIN",
                        "data.outcome",
                        "1",
                        "BAD_VALUE",
                        "data.outcome: expected SUCCESS or FAILURE, got 1"),
                bad(
                        "LOGIN",
                        "data.usernameHash",
                        "\"\"",
                        "BAD_VALUE",
                        "data.usernameHash: must not be empty"),
                bad(
                        "PAGE_VIEW",
                        "data.page",
                        "5",
                        "BAD_VALUE",
                        "data.page: expected a string, got 5"),
                bad(
                        "PAGE_VIEW",
                        "data.referrer",
                        "false",
                        "BAD_VALUE",
                        "data.referrer: expected a string, got false"),
                bad(
                        "FIELD_ENTERED",
                        "data.field",
                        "\"PASSWORD\"",
                        "BAD_VALUE",
                        "data.field: expected one of EMAIL, PHONE, SHIPPING_ADDRESS, BILLING_ADDRESS,"
                                + " CARD, COUPON, NAME, got \"PASSWORD\""),
                bad(
                        "FIELD_ENTERED",
                        "data.country",
                        "\"fr\"",
                        "BAD_VALUE",
                        "data.country: expected an ISO 3166-1 alpha-2 country code like DE, got \"fr\""),
                bad(
                        "FIELD_ENTERED",
                        "data.cardBin",
                        "\"41111\"",
                        "BAD_VALUE",
                        "data.cardBin: expected 6 to 8 digits, got \"41111\""),
                bad(
                        "FIELD_ENTERED",
                        "data.cardBin",
                        "\"411111111\"",
                        "BAD_VALUE",
                        "data.cardBin: expected 6 to 8 digits, got \"411111111\""),
                bad(
                        "FIELD_ENTERED",
                        "data.cardBin",
                        "411111",
                        "BAD_VALUE",
                        "data.cardBin: expected a string, got 411111"),
                bad(
                        "FIELD_ENTERED",
                        "data.cardLast4",
                        "\"111\"",
                        "BAD_VALUE",
                        "data.cardLast4: expected 4 digits, got \"111\""),
                bad(
                        "FIELD_ENTERED",
                        "data.cardLast4",
                        "\"11a1\"",
                        "BAD_VALUE",
                        "data.cardLast4: expected 4 digits, got \"11a1\""),
                bad(
                        "FIELD_ENTERED",
                        "data.cardCountry",
                        "\"U1\"",
                        "BAD_VALUE",
                        "data.cardCountry: expected an ISO 3166-1 alpha-2 country code like DE, got \"U1\""),
                bad(
                        "ACCOUNT_CHANGE",
                        "data.change",
                        "\"USERNAME\"",
                        "BAD_VALUE",
                        "data.change: expected one of EMAIL, PASSWORD, PHONE, SHIPPING_ADDRESS,"
                                + " PAYMENT_METHOD, got \"USERNAME\""),
                bad(
                        "PAYMENT_ATTEMPT",
                        "data.outcome",
                        "\"SUCCESS\"",
                        "BAD_VALUE",
                        "data.outcome: expected AUTHORIZED or DECLINED, got \"SUCCESS\""),
                bad(
                        "PAYMENT_ATTEMPT",
                        "data.amountMinor",
                        "-1",
                        "BAD_VALUE",
                        "data.amountMinor: expected an integer >= 0, got -1"),
                bad(
                        "PAYMENT_ATTEMPT",
                        "data.amountMinor",
                        "12.5",
                        "BAD_VALUE",
                        "data.amountMinor: expected an integer >= 0, got 12.5"),
                bad(
                        "PAYMENT_ATTEMPT",
                        "data.amountMinor",
                        "\"100\"",
                        "BAD_VALUE",
                        "data.amountMinor: expected an integer >= 0, got \"100\""),
                bad(
                        "PAYMENT_ATTEMPT",
                        "data.amountMinor",
                        "9223372036854775808",
                        "BAD_VALUE",
                        "data.amountMinor: expected an integer >= 0, got 9223372036854775808"),
                bad(
                        "PAYMENT_ATTEMPT",
                        "data.currency",
                        "\"eur\"",
                        "BAD_VALUE",
                        "data.currency: expected an ISO 4217 currency code like EUR, got \"eur\""),
                bad(
                        "PAYMENT_ATTEMPT",
                        "data.currency",
                        "\"EURO\"",
                        "BAD_VALUE",
                        "data.currency: expected an ISO 4217 currency code like EUR, got \"EURO\""),
                bad(
                        "PAYMENT_ATTEMPT",
                        "data.cardCountry",
                        "\"\"",
                        "BAD_VALUE",
                        "data.cardCountry: must not be empty"),
                bad(
                        "PAYMENT_ATTEMPT",
                        "data.declineCode",
                        "51",
                        "BAD_VALUE",
                        "data.declineCode: expected a string, got 51"),
                bad(
                        "ORDER_PLACED",
                        "data.itemCount",
                        "0",
                        "BAD_VALUE",
                        "data.itemCount: expected an integer >= 1, got 0"),
                bad(
                        "ORDER_PLACED",
                        "data.itemCount",
                        "2147483648",
                        "BAD_VALUE",
                        "data.itemCount: expected an integer >= 1, got 2147483648"),
                bad(
                        "ORDER_PLACED",
                        "data.itemCount",
                        "1.0",
                        "BAD_VALUE",
                        "data.itemCount: expected an integer >= 1, got 1.0"),
                bad(
                        "ORDER_PLACED",
                        "data.billingCountry",
                        "\"gb\"",
                        "BAD_VALUE",
                        "data.billingCountry: expected an ISO 3166-1 alpha-2 country code like DE, got \"gb\""),
                bad(
                        "ORDER_PLACED",
                        "data.shippingCountry",
                        "\"G\"",
                        "BAD_VALUE",
                        "data.shippingCountry: expected an ISO 3166-1 alpha-2 country code like DE, got \"G\""),
                bad(
                        "ORDER_PLACED",
                        "data.cardBin",
                        "\"abcdef\"",
                        "BAD_VALUE",
                        "data.cardBin: expected 6 to 8 digits, got \"abcdef\""),
                bad(
                        "ORDER_PLACED",
                        "data.emailDomain",
                        "\"\"",
                        "BAD_VALUE",
                        "data.emailDomain: must not be empty"),
                bad(
                        "ORDER_PLACED",
                        "data.amountMinor",
                        "null",
                        "MISSING_FIELD",
                        "data.amountMinor: required field is missing"));
    }

    static Arguments bad(String type, String path, String json, String reason, String message) {
        return Arguments.of(type, path, json, reason, message);
    }

    static Arguments badTime(String json) {
        return bad(
                "LOGIN",
                "occurredAt",
                json,
                "BAD_TIMESTAMP",
                "occurredAt: expected an ISO-8601 instant like 2026-01-31T12:00:00Z, got " + json);
    }

    @ParameterizedTest(name = "{0} {1}={2}")
    @MethodSource("badValues")
    void rejectsBadValueWithPreciseMessage(
            String type, String path, String value, String reason, String message) {
        ObjectNode n = tree(base(type));
        parentOf(n, path).set(leaf(path), tree("{\"v\":" + value + "}").get("v"));
        InvalidEventException e = reject(bytes(n));
        assertEquals(message, e.getMessage());
        assertEquals(RejectReason.valueOf(reason), e.reason());
        assertEquals(path, e.field());
    }

    @Test
    void firstProblemInContractOrderWins() {
        ObjectNode n = tree(LOGIN);
        n.remove("sessionId");
        n.put("type", "FOO");
        assertEquals(RejectReason.UNKNOWN_TYPE, reject(bytes(n)).reason());
        n.remove("eventId");
        assertEquals("eventId", reject(bytes(n)).field());
    }

    @Test
    void quotedValuesAreCappedAndEscapeNothingDangerous() {
        ObjectNode n = tree(LOGIN);
        n.put("ipCountry", "Z".repeat(100));
        String msg = reject(bytes(n)).getMessage();
        assertTrue(msg.endsWith("got \"" + "Z".repeat(40) + "…\""), msg);
    }

    // ---- PAN ----------------------------------------------------------------------------------

    static Stream<Arguments> pans() {
        return Stream.of(
                Arguments.of("{\"note\":\"card " + PAN + "\"}", "note"),
                Arguments.of("{\"x\":{\"y\":[1,\"4111 1111 1111 1111\"]}}", "x.y[1]"),
                Arguments.of("{\"x\":[[{\"z\":" + PAN + "}]]}", "x[0][0].z"),
                Arguments.of("{\"" + PAN + "\":1}", "411111******1111"),
                Arguments.of("{\"eventId\":\"e-" + PAN + "\"}", "eventId"),
                Arguments.of(
                        "{\"data\":{\"valueHash\":\"4111-1111-1111-1111\"}}", "data.valueHash"));
    }

    @ParameterizedTest
    @MethodSource("pans")
    void rejectsAnythingThatLooksLikeAPanBeforeOtherChecks(String extra, String path) {
        ObjectNode n = tree(LOGIN);
        ObjectNode e = tree(extra);
        e.fields()
                .forEachRemaining(
                        f -> {
                            if (f.getKey().equals("data")) {
                                ((ObjectNode) n.get("data")).setAll((ObjectNode) f.getValue());
                            } else {
                                n.set(f.getKey(), f.getValue());
                            }
                        });
        n.remove("sessionId"); // would be MISSING_FIELD, but the PAN scan comes first
        InvalidEventException ex = reject(bytes(n));
        assertEquals(RejectReason.PAN_DETECTED, ex.reason());
        assertEquals(path, ex.field());
        assertEquals(
                path + ": looks like a raw card number; send cardHash/cardBin/cardLast4 instead",
                ex.getMessage());
        assertFalse(PanGuard.containsPan(ex.getMessage()));
        assertFalse(PanGuard.containsPan(ex.field()));
    }

    @Test
    void luhnInvalidLongNumbersAreNotPans() throws Exception {
        ObjectNode n = tree(LOGIN);
        n.put("sentAtMillis", Long.parseLong(PanGuardTest.notLuhn(PAN)));
        n.put("ref", "4111111111111112");
        assertEquals("e-1", CODEC.decode(bytes(n)).eventId());
    }

    @Test
    void notJsonMessageNeverCarriesAPan() {
        InvalidEventException e = reject("{\"a\": " + PAN + "x}");
        assertEquals(RejectReason.NOT_JSON, e.reason());
        assertFalse(PanGuard.containsPan(e.getMessage()), e.getMessage());
    }

    @Test
    void exceptionMasksWhateverItIsGiven() {
        InvalidEventException e =
                new InvalidEventException(RejectReason.BAD_VALUE, "f." + PAN, "value " + PAN);
        assertEquals("value 411111******1111", e.getMessage());
        assertEquals("f.411111******1111", e.field());
        assertNull(e.getCause());
        assertEquals(0, e.getStackTrace().length);
    }

    // ---- whole-record problems ----------------------------------------------------------------

    @Test
    void rejectsTooLargeBeforeParsing() {
        EventCodec small = new EventCodec(100);
        byte[] garbage = new byte[101];
        InvalidEventException e =
                assertThrows(InvalidEventException.class, () -> small.decode(garbage));
        assertEquals(RejectReason.TOO_LARGE, e.reason());
        assertNull(e.field());
        assertEquals("record is 101 bytes; the limit is 100", e.getMessage());
        byte[] big = new byte[EventCodec.DEFAULT_MAX_BYTES + 1];
        assertEquals(RejectReason.TOO_LARGE, reject(big).reason());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "not json",
                "[1,2]",
                "\"LOGIN\"",
                "42",
                "null",
                "{",
                "{\"eventId\":\"e\"",
                "{} {}",
                "{\"a\":1,}",
                "{'a':1}"
            })
    void rejectsNonObjectsAndMalformedJson(String text) {
        InvalidEventException e = reject(text);
        assertEquals(RejectReason.NOT_JSON, e.reason(), e.getMessage());
        assertNull(e.field());
    }

    @Test
    void rejectsNonUtf8() {
        byte[] latin1 = LOGIN.replace("Mozilla", "Mözilla").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(RejectReason.NOT_JSON, reject(latin1).reason());
        byte[] utf16 = LOGIN.getBytes(StandardCharsets.UTF_16);
        assertEquals(RejectReason.NOT_JSON, reject(utf16).reason());
        byte[] utf16le = LOGIN.getBytes(StandardCharsets.UTF_16LE);
        assertEquals(RejectReason.NOT_JSON, reject(utf16le).reason());
        assertEquals(RejectReason.NOT_JSON, reject((byte[]) null).reason());
    }

    @Test
    void rejectsBadMaxBytes() {
        assertThrows(IllegalArgumentException.class, () -> new EventCodec(0));
    }
}
