package dev.fraudmonitor.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads and writes checkout events (contract v1) and is the single place the contract is enforced:
 * every event the job scores went through {@link #decode}, and every rejected one gets a reason and
 * a message naming the field, so producers can fix it from the dead-letter topic alone.
 *
 * <p>Decoding parses once into a tree, scans every string, field name and integer for raw card
 * numbers before anything else, then checks the envelope and the type's {@code data}, in contract
 * order; the first problem wins. Unknown fields are ignored. Thread-safe and reusable.
 */
public final class EventCodec {
    /** Default limit on the encoded size of one event. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;

    /** Longest string accepted in any contract field. */
    static final int MAX_STRING_CHARS = 512;

    private static final int MAX_QUOTED_CHARS = 40;
    private static final String DATA = "data.";

    private static final EventType[] TYPES = EventType.values();
    private static final LoginOutcome[] LOGIN_OUTCOMES = LoginOutcome.values();
    private static final PaymentOutcome[] PAYMENT_OUTCOMES = PaymentOutcome.values();
    private static final FieldKind[] FIELD_KINDS = FieldKind.values();
    private static final ChangeKind[] CHANGE_KINDS = ChangeKind.values();

    private final int maxBytes;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    public EventCodec() {
        this(DEFAULT_MAX_BYTES);
    }

    /**
     * @param maxBytes largest accepted record, in bytes; larger ones are rejected unparsed
     */
    public EventCodec(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.reader = Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.writer = Json.mapper().writer();
    }

    /**
     * Decodes and validates one UTF-8 JSON record.
     *
     * @throws InvalidEventException if the record breaks the contract; its message never contains
     *     an unmasked card number
     */
    public CheckoutEvent decode(byte[] utf8Json) throws InvalidEventException {
        if (utf8Json == null) {
            throw new InvalidEventException(RejectReason.NOT_JSON, null, "record has no value");
        }
        if (utf8Json.length > maxBytes) {
            throw new InvalidEventException(
                    RejectReason.TOO_LARGE,
                    null,
                    "record is " + utf8Json.length + " bytes; the limit is " + maxBytes);
        }
        if (!looksLikeUtf8Start(utf8Json)) {
            throw new InvalidEventException(
                    RejectReason.NOT_JSON, null, "not UTF-8 JSON (UTF-16/32 or a byte-order mark)");
        }
        JsonNode root;
        try {
            root = reader.readTree(utf8Json);
        } catch (JacksonException e) {
            throw new InvalidEventException(
                    RejectReason.NOT_JSON, null, "not valid JSON: " + cap(originalMessage(e), 200));
        } catch (IOException e) {
            throw new InvalidEventException(RejectReason.NOT_JSON, null, "not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException(
                    RejectReason.NOT_JSON,
                    null,
                    "expected a JSON object, got " + (root == null ? "nothing" : kind(root)));
        }

        String panPath = findPan(root);
        if (panPath != null) {
            String path = panPath.isEmpty() ? "(record)" : panPath;
            throw new InvalidEventException(
                    RejectReason.PAN_DETECTED,
                    path,
                    path
                            + ": looks like a raw card number; send cardHash/cardBin/cardLast4 instead");
        }

        String eventId = requiredString(root, "eventId", "");
        EventType type = eventType(root);
        Instant occurredAt = occurredAt(root);
        String sessionId = requiredString(root, "sessionId", "");
        String accountId = optionalString(root, "accountId", "", false);
        String ip = requiredString(root, "ip", "");
        if (!Formats.isIp(ip)) {
            throw bad("ip", "expected an IPv4 or IPv6 address", root.get("ip"));
        }
        String ipCountry = optionalCountry(root, "ipCountry", "");
        String userAgent = optionalString(root, "userAgent", "", true);
        String deviceId = optionalString(root, "deviceId", "", false);
        JsonNode data = root.get("data");
        if (data == null || data.isNull()) {
            throw missing("data");
        }
        if (!data.isObject()) {
            throw bad("data", "expected an object", data);
        }
        EventData eventData =
                switch (type) {
                    case LOGIN -> login(data);
                    case PAGE_VIEW -> pageView(data);
                    case FIELD_ENTERED -> fieldEntered(data);
                    case ACCOUNT_CHANGE -> accountChange(data);
                    case PAYMENT_ATTEMPT -> paymentAttempt(data);
                    case ORDER_PLACED -> orderPlaced(data);
                };
        return new CheckoutEvent(
                eventId,
                type,
                occurredAt,
                sessionId,
                accountId,
                ip,
                ipCountry,
                userAgent,
                deviceId,
                eventData);
    }

    /** Encodes per the contract, null fields omitted. Does not validate. */
    public byte[] encode(CheckoutEvent e) {
        try {
            return writer.writeValueAsBytes(e);
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** {@link #encode} as a string. */
    public String encodeToString(CheckoutEvent e) {
        return new String(encode(e), StandardCharsets.UTF_8);
    }

    // ---- data by type -------------------------------------------------------------------------

    private static LoginData login(JsonNode d) throws InvalidEventException {
        LoginOutcome outcome = enumValue(d, "outcome", LOGIN_OUTCOMES);
        return new LoginData(outcome, requiredString(d, "usernameHash", DATA));
    }

    private static PageViewData pageView(JsonNode d) throws InvalidEventException {
        String page = requiredString(d, "page", DATA);
        return new PageViewData(page, optionalString(d, "referrer", DATA, true));
    }

    private static FieldEnteredData fieldEntered(JsonNode d) throws InvalidEventException {
        FieldKind field = enumValue(d, "field", FIELD_KINDS);
        String valueHash = requiredString(d, "valueHash", DATA);
        String country = optionalCountry(d, "country", DATA);
        String emailDomain = optionalString(d, "emailDomain", DATA, false);
        String cardBin = optionalString(d, "cardBin", DATA, false);
        if (cardBin != null && !Formats.isCardBin(cardBin)) {
            throw bad(DATA + "cardBin", "expected 6 to 8 digits", d.get("cardBin"));
        }
        String cardLast4 = optionalString(d, "cardLast4", DATA, false);
        if (cardLast4 != null && !Formats.isCardLast4(cardLast4)) {
            throw bad(DATA + "cardLast4", "expected 4 digits", d.get("cardLast4"));
        }
        String cardCountry = optionalCountry(d, "cardCountry", DATA);
        return new FieldEnteredData(
                field, valueHash, country, emailDomain, cardBin, cardLast4, cardCountry);
    }

    private static AccountChangeData accountChange(JsonNode d) throws InvalidEventException {
        return new AccountChangeData(enumValue(d, "change", CHANGE_KINDS));
    }

    private static PaymentAttemptData paymentAttempt(JsonNode d) throws InvalidEventException {
        String orderId = requiredString(d, "orderId", DATA);
        String cardHash = requiredString(d, "cardHash", DATA);
        String cardBin = requiredCardBin(d);
        String cardCountry = requiredCountry(d, "cardCountry");
        long amountMinor = amountMinor(d);
        String currency = requiredCurrency(d);
        PaymentOutcome outcome = enumValue(d, "outcome", PAYMENT_OUTCOMES);
        String declineCode = optionalString(d, "declineCode", DATA, true);
        return new PaymentAttemptData(
                orderId,
                cardHash,
                cardBin,
                cardCountry,
                amountMinor,
                currency,
                outcome,
                declineCode);
    }

    private static OrderPlacedData orderPlaced(JsonNode d) throws InvalidEventException {
        String orderId = requiredString(d, "orderId", DATA);
        long amountMinor = amountMinor(d);
        String currency = requiredCurrency(d);
        JsonNode items = d.get("itemCount");
        if (items == null || items.isNull()) {
            throw missing(DATA + "itemCount");
        }
        if (!items.canConvertToInt() || !items.isIntegralNumber() || items.intValue() < 1) {
            throw bad(DATA + "itemCount", "expected an integer >= 1", items);
        }
        String cardHash = requiredString(d, "cardHash", DATA);
        String cardBin = requiredCardBin(d);
        String cardCountry = requiredCountry(d, "cardCountry");
        String billingCountry = requiredCountry(d, "billingCountry");
        String shippingCountry = requiredCountry(d, "shippingCountry");
        String shippingAddressHash = requiredString(d, "shippingAddressHash", DATA);
        String emailHash = requiredString(d, "emailHash", DATA);
        String emailDomain = requiredString(d, "emailDomain", DATA);
        return new OrderPlacedData(
                orderId,
                amountMinor,
                currency,
                items.intValue(),
                cardHash,
                cardBin,
                cardCountry,
                billingCountry,
                shippingCountry,
                shippingAddressHash,
                emailHash,
                emailDomain);
    }

    // ---- field helpers ------------------------------------------------------------------------
    // Paths are built only when a field is rejected, so the happy path allocates no strings.

    private static EventType eventType(JsonNode root) throws InvalidEventException {
        JsonNode node = root.get("type");
        if (node == null || node.isNull()) {
            throw missing("type");
        }
        if (!node.isTextual()) {
            throw bad("type", "expected a string", node);
        }
        String text = node.textValue();
        for (EventType t : TYPES) {
            if (t.name().equals(text)) {
                return t;
            }
        }
        throw new InvalidEventException(
                RejectReason.UNKNOWN_TYPE,
                "type",
                "type: " + expectedOneOf(TYPES) + ", got " + quote(node));
    }

    private static Instant occurredAt(JsonNode root) throws InvalidEventException {
        JsonNode node = root.get("occurredAt");
        if (node == null || node.isNull()) {
            throw missing("occurredAt");
        }
        Instant instant = node.isTextual() ? Formats.parseInstant(node.textValue()) : null;
        if (instant == null) {
            throw new InvalidEventException(
                    RejectReason.BAD_TIMESTAMP,
                    "occurredAt",
                    "occurredAt: expected an ISO-8601 instant like 2026-01-31T12:00:00Z, got "
                            + quote(node));
        }
        return instant;
    }

    private static <E extends Enum<E>> E enumValue(JsonNode obj, String name, E[] values)
            throws InvalidEventException {
        JsonNode node = obj.get(name);
        if (node == null || node.isNull()) {
            throw missing(DATA + name);
        }
        if (node.isTextual()) {
            String text = node.textValue();
            for (E e : values) {
                if (e.name().equals(text)) {
                    return e;
                }
            }
        }
        throw bad(DATA + name, expectedOneOf(values), node);
    }

    private static String requiredString(JsonNode obj, String name, String prefix)
            throws InvalidEventException {
        JsonNode node = obj.get(name);
        if (node == null || node.isNull()) {
            throw missing(prefix + name);
        }
        String text = checkedText(node, name, prefix);
        if (text.isEmpty()) {
            throw new InvalidEventException(
                    RejectReason.BAD_VALUE, prefix + name, prefix + name + ": must not be empty");
        }
        return text;
    }

    /**
     * @param emptyAllowed free text like a referrer may legitimately be empty; identifiers may not,
     *     or every guest would share the key ""
     */
    private static String optionalString(
            JsonNode obj, String name, String prefix, boolean emptyAllowed)
            throws InvalidEventException {
        JsonNode node = obj.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        String text = checkedText(node, name, prefix);
        if (!emptyAllowed && text.isEmpty()) {
            throw new InvalidEventException(
                    RejectReason.BAD_VALUE, prefix + name, prefix + name + ": must not be empty");
        }
        return text;
    }

    private static String checkedText(JsonNode node, String name, String prefix)
            throws InvalidEventException {
        if (!node.isTextual()) {
            throw bad(prefix + name, "expected a string", node);
        }
        String text = node.textValue();
        if (text.length() > MAX_STRING_CHARS) {
            String path = prefix + name;
            throw new InvalidEventException(
                    RejectReason.BAD_VALUE,
                    path,
                    path
                            + ": longer than "
                            + MAX_STRING_CHARS
                            + " characters ("
                            + text.length()
                            + "), got "
                            + quote(node));
        }
        return text;
    }

    private static String optionalCountry(JsonNode obj, String name, String prefix)
            throws InvalidEventException {
        String country = optionalString(obj, name, prefix, false);
        if (country != null && !Formats.isCountry(country)) {
            throw badCountry(prefix + name, obj.get(name));
        }
        return country;
    }

    private static String requiredCountry(JsonNode d, String name) throws InvalidEventException {
        String country = requiredString(d, name, DATA);
        if (!Formats.isCountry(country)) {
            throw badCountry(DATA + name, d.get(name));
        }
        return country;
    }

    private static InvalidEventException badCountry(String path, JsonNode node) {
        return bad(path, "expected an ISO 3166-1 alpha-2 country code like DE", node);
    }

    private static String requiredCurrency(JsonNode d) throws InvalidEventException {
        String currency = requiredString(d, "currency", DATA);
        if (!Formats.isCurrency(currency)) {
            throw bad(
                    DATA + "currency",
                    "expected an ISO 4217 currency code like EUR",
                    d.get("currency"));
        }
        return currency;
    }

    private static String requiredCardBin(JsonNode d) throws InvalidEventException {
        String bin = requiredString(d, "cardBin", DATA);
        if (!Formats.isCardBin(bin)) {
            throw bad(DATA + "cardBin", "expected 6 to 8 digits", d.get("cardBin"));
        }
        return bin;
    }

    private static long amountMinor(JsonNode d) throws InvalidEventException {
        JsonNode node = d.get("amountMinor");
        if (node == null || node.isNull()) {
            throw missing(DATA + "amountMinor");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw bad(DATA + "amountMinor", "expected an integer >= 0", node);
        }
        return node.longValue();
    }

    private static InvalidEventException missing(String path) {
        return new InvalidEventException(
                RejectReason.MISSING_FIELD, path, path + ": required field is missing");
    }

    private static InvalidEventException bad(String path, String expected, JsonNode got) {
        return new InvalidEventException(
                RejectReason.BAD_VALUE, path, path + ": " + expected + ", got " + quote(got));
    }

    private static String expectedOneOf(Enum<?>[] values) {
        StringBuilder sb = new StringBuilder("expected ");
        if (values.length == 2) {
            return sb.append(values[0].name()).append(" or ").append(values[1].name()).toString();
        }
        sb.append("one of ");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(values[i].name());
        }
        return sb.toString();
    }

    // ---- PAN scan -----------------------------------------------------------------------------

    /**
     * Path of the first value or field name that looks like a PAN, "" if it is {@code node} itself,
     * null if there is none. Field names on the path are masked.
     */
    private static String findPan(JsonNode node) {
        if (node.isTextual()) {
            return PanGuard.containsPan(node.textValue()) ? "" : null;
        }
        if (node.isIntegralNumber()) {
            if (node.canConvertToLong()) {
                return PanGuard.isPanNumber(node.longValue()) ? "" : null;
            }
            return null; // more than 19 digits
        }
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> field = it.next();
                String name = field.getKey();
                if (PanGuard.containsPan(name)) {
                    return PanGuard.mask(name);
                }
                String sub = findPan(field.getValue());
                if (sub != null) {
                    return sub.isEmpty()
                            ? name
                            : sub.charAt(0) == '[' ? name + sub : name + "." + sub;
                }
            }
            return null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String sub = findPan(node.get(i));
                if (sub != null) {
                    return "["
                            + i
                            + "]"
                            + (sub.isEmpty() || sub.charAt(0) == '[' ? sub : "." + sub);
                }
            }
        }
        return null;
    }

    // ---- message helpers ----------------------------------------------------------------------

    /** The value as it appears in a message: masked, quoted if text, at most ~40 chars. */
    private static String quote(JsonNode node) {
        if (node == null) {
            return "nothing";
        }
        if (node.isTextual()) {
            return "\"" + cap(PanGuard.mask(node.textValue()), MAX_QUOTED_CHARS) + "\"";
        }
        if (node.isContainerNode()) {
            return kind(node);
        }
        return cap(PanGuard.mask(node.toString()), MAX_QUOTED_CHARS);
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "nothing";
        };
    }

    private static String cap(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int cut = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, cut) + "…";
    }

    private static String originalMessage(JacksonException e) {
        String m = e.getOriginalMessage();
        return m == null ? e.getClass().getSimpleName() : PanGuard.mask(m);
    }

    /**
     * Jackson would silently decode UTF-16/32 (detected by zero bytes or a byte-order mark); the
     * contract is UTF-8 only. Bytes 0x00, 0xFE and 0xFF never start valid UTF-8 JSON.
     */
    private static boolean looksLikeUtf8Start(byte[] b) {
        int n = Math.min(b.length, 4);
        for (int i = 0; i < n; i++) {
            int v = b[i] & 0xFF;
            if (v == 0x00 || v == 0xFE || v == 0xFF) {
                return false;
            }
        }
        return true;
    }
}
