package dev.fraudmonitor.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads and writes checkout events (contract v1) and is the single place the contract is enforced:
 * every event the job scores went through {@link #decode}, and every rejected one gets a reason and
 * a message naming the field, so producers can fix it from the dead-letter topic alone.
 *
 * <p>The reference decoder ({@link #decodeTree}) parses once into a tree, scans every string, field
 * name and integer for raw card numbers before anything else, then checks the envelope and the
 * type's {@code data}, in contract order; the first problem wins. Unknown fields are ignored.
 * Building the tree is a large part of the cost, so {@link #decode} first tries to read the event
 * straight off the token stream, with the same card-number scan and the same validators, and falls
 * back to the tree at the first doubt; every rejection is therefore worded by the tree path alone.
 * Thread-safe and reusable.
 */
public final class EventCodec {
    /** Default limit on the encoded size of one event. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;

    /** Longest string accepted in any contract field. */
    static final int MAX_STRING_CHARS = 512;

    private static final int MAX_QUOTED_CHARS = 40;

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
        checkRecord(utf8Json);
        CheckoutEvent event = fast(utf8Json);
        return event != null ? event : decodeTree(utf8Json);
    }

    /**
     * The reference decoder: what {@link #decode} returns or throws for every record, only slower.
     * Repeats the record checks so that it is complete on its own.
     */
    CheckoutEvent decodeTree(byte[] utf8Json) throws InvalidEventException {
        checkRecord(utf8Json);
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
        return validate(new TreeFields(root, root.get("data")));
    }

    /**
     * The event read straight off the token stream, or null if the record is anything but a clean,
     * valid event: a card number anywhere, a repeated contract field, a validation failure,
     * malformed or trailing JSON. The caller then runs {@link #decodeTree}, which finds and words
     * the problem, so nothing here has to. Expects a record that passed {@link #checkRecord}.
     */
    CheckoutEvent fast(byte[] utf8Json) {
        StreamedFields fields = STREAMED.get().clear();
        // The reader's parser, so parser features and limits are exactly the tree path's.
        try (JsonParser p = reader.createParser(utf8Json)) {
            if (p.nextToken() != JsonToken.START_OBJECT
                    || !fields.readObject(p, false)
                    || p.nextToken() != null) {
                return null;
            }
            return validate(fields);
        } catch (IOException | InvalidEventException e) {
            return null;
        }
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

    private void checkRecord(byte[] utf8Json) throws InvalidEventException {
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
    }

    // ---- contract fields ----------------------------------------------------------------------

    /** Every field the contract names, envelope first; the validators address fields by these. */
    private enum Field {
        EVENT_ID("eventId"),
        TYPE("type"),
        OCCURRED_AT("occurredAt"),
        SESSION_ID("sessionId"),
        ACCOUNT_ID("accountId"),
        IP("ip"),
        IP_COUNTRY("ipCountry"),
        USER_AGENT("userAgent"),
        DEVICE_ID("deviceId"),
        DATA("data"),
        OUTCOME("outcome", true),
        USERNAME_HASH("usernameHash", true),
        PAGE("page", true),
        REFERRER("referrer", true),
        FIELD("field", true),
        VALUE_HASH("valueHash", true),
        COUNTRY("country", true),
        EMAIL_DOMAIN("emailDomain", true),
        CARD_BIN("cardBin", true),
        CARD_LAST4("cardLast4", true),
        CARD_COUNTRY("cardCountry", true),
        CHANGE("change", true),
        ORDER_ID("orderId", true),
        CARD_HASH("cardHash", true),
        AMOUNT_MINOR("amountMinor", true),
        CURRENCY("currency", true),
        DECLINE_CODE("declineCode", true),
        ITEM_COUNT("itemCount", true),
        BILLING_COUNTRY("billingCountry", true),
        SHIPPING_COUNTRY("shippingCountry", true),
        SHIPPING_ADDRESS_HASH("shippingAddressHash", true),
        EMAIL_HASH("emailHash", true);

        final String json;
        final boolean inData;

        /** As rejections name it, like {@code data.outcome}. */
        final String path;

        Field(String json) {
            this(json, false);
        }

        Field(String json, boolean inData) {
            this.json = json;
            this.inData = inData;
            this.path = inData ? "data." + json : json;
        }

        /** The envelope field with this name, or null for a name the contract does not know. */
        static Field inEnvelope(String name) {
            return switch (name) {
                case "eventId" -> EVENT_ID;
                case "type" -> TYPE;
                case "occurredAt" -> OCCURRED_AT;
                case "sessionId" -> SESSION_ID;
                case "accountId" -> ACCOUNT_ID;
                case "ip" -> IP;
                case "ipCountry" -> IP_COUNTRY;
                case "userAgent" -> USER_AGENT;
                case "deviceId" -> DEVICE_ID;
                case "data" -> DATA;
                default -> null;
            };
        }

        /**
         * The {@code data} field with this name, of any type: the type may come after {@code data}
         * in the record, so the stream keeps them all and the type's validator picks its own.
         */
        static Field inData(String name) {
            return switch (name) {
                case "outcome" -> OUTCOME;
                case "usernameHash" -> USERNAME_HASH;
                case "page" -> PAGE;
                case "referrer" -> REFERRER;
                case "field" -> FIELD;
                case "valueHash" -> VALUE_HASH;
                case "country" -> COUNTRY;
                case "emailDomain" -> EMAIL_DOMAIN;
                case "cardBin" -> CARD_BIN;
                case "cardLast4" -> CARD_LAST4;
                case "cardCountry" -> CARD_COUNTRY;
                case "change" -> CHANGE;
                case "orderId" -> ORDER_ID;
                case "cardHash" -> CARD_HASH;
                case "amountMinor" -> AMOUNT_MINOR;
                case "currency" -> CURRENCY;
                case "declineCode" -> DECLINE_CODE;
                case "itemCount" -> ITEM_COUNT;
                case "billingCountry" -> BILLING_COUNTRY;
                case "shippingCountry" -> SHIPPING_COUNTRY;
                case "shippingAddressHash" -> SHIPPING_ADDRESS_HASH;
                case "emailHash" -> EMAIL_HASH;
                default -> null;
            };
        }
    }

    /** What a field's value is, as far as the validators care. */
    private enum Kind {
        /** Missing or JSON null: the contract treats both the same. */
        ABSENT,
        TEXT,
        /** An integer that fits a long; larger ones are {@link #OTHER}. */
        INTEGER,
        OBJECT,
        OTHER
    }

    /**
     * The contract fields of one record, as the validators read them. Two implementations, one over
     * the tree and one over the values the token stream collected, so that both decoders run the
     * same validators.
     */
    private interface Fields {
        Kind kind(Field field);

        /** The value of a {@link Kind#TEXT} field. */
        String text(Field field);

        /** The value of a {@link Kind#INTEGER} field. */
        long integer(Field field);

        /** The value as a rejection message shows it: masked, quoted if text, capped. */
        String quote(Field field);
    }

    /**
     * @param data the envelope's {@code data}; read only after it has been checked to be an object
     */
    private record TreeFields(JsonNode root, JsonNode data) implements Fields {
        private JsonNode node(Field field) {
            return (field.inData ? data : root).get(field.json);
        }

        @Override
        public Kind kind(Field field) {
            JsonNode node = node(field);
            if (node == null || node.isNull()) {
                return Kind.ABSENT;
            }
            if (node.isTextual()) {
                return Kind.TEXT;
            }
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return Kind.INTEGER;
            }
            return node.isObject() ? Kind.OBJECT : Kind.OTHER;
        }

        @Override
        public String text(Field field) {
            return node(field).textValue();
        }

        @Override
        public long integer(Field field) {
            return node(field).longValue();
        }

        @Override
        public String quote(Field field) {
            return EventCodec.quote(node(field));
        }
    }

    /**
     * One set of slots per thread, cleared for each record: allocated per record they were about a
     * kilobyte, a tenth of all the job allocates per event. The event is built from copies of the
     * slots' values, so nothing outlives the record.
     */
    private static final ThreadLocal<StreamedFields> STREAMED =
            ThreadLocal.withInitial(StreamedFields::new);

    /**
     * Contract fields collected from the token stream into flat arrays, one slot per {@link Field}
     * and no tree; everything else in the record is only scanned for card numbers and skipped.
     */
    private static final class StreamedFields implements Fields {
        private static final Field[] FIELDS = Field.values();

        /** Null until the field is seen; a JSON null is seen and {@link Kind#ABSENT}. */
        private final Kind[] kinds = new Kind[FIELDS.length];

        private final String[] texts = new String[FIELDS.length];
        private final long[] integers = new long[FIELDS.length];

        StreamedFields clear() {
            Arrays.fill(kinds, null);
            Arrays.fill(texts, null);
            Arrays.fill(integers, 0);
            return this;
        }

        @Override
        public Kind kind(Field field) {
            Kind kind = kinds[field.ordinal()];
            return kind == null ? Kind.ABSENT : kind;
        }

        @Override
        public String text(Field field) {
            return texts[field.ordinal()];
        }

        @Override
        public long integer(Field field) {
            return integers[field.ordinal()];
        }

        /**
         * Never shown: a streamed record that fails validation is decoded again from its tree, and
         * that rejection is the one thrown.
         */
        @Override
        public String quote(Field field) {
            return "";
        }

        /**
         * Reads the rest of the object whose START_OBJECT is current, the envelope or its {@code
         * data}. False if the record must go to the tree path.
         */
        boolean readObject(JsonParser p, boolean inData) throws IOException {
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (PanGuard.containsPan(name)) {
                    return false;
                }
                Field field = inData ? Field.inData(name) : Field.inEnvelope(name);
                JsonToken value = p.nextToken();
                if (value == null) {
                    return false;
                }
                if (field == null) {
                    if (!panFree(p, value)) {
                        return false;
                    }
                } else if (kinds[field.ordinal()] != null) {
                    // The tree keeps the last of repeated keys; too rare to be worth mirroring.
                    return false;
                } else if (!readValue(p, value, field)) {
                    return false;
                }
            }
            return token == JsonToken.END_OBJECT;
        }

        private boolean readValue(JsonParser p, JsonToken value, Field field) throws IOException {
            int slot = field.ordinal();
            switch (value) {
                case VALUE_STRING -> {
                    String text = p.getText();
                    if (PanGuard.containsPan(text)) {
                        return false;
                    }
                    texts[slot] = text;
                    kinds[slot] = Kind.TEXT;
                }
                case VALUE_NUMBER_INT -> {
                    // The tree holds integers beyond a long as BigIntegerNode: not scanned, not
                    // an INTEGER.
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        kinds[slot] = Kind.OTHER;
                    } else {
                        long number = p.getLongValue();
                        if (PanGuard.isPanNumber(number)) {
                            return false;
                        }
                        integers[slot] = number;
                        kinds[slot] = Kind.INTEGER;
                    }
                }
                case VALUE_NULL -> kinds[slot] = Kind.ABSENT;
                case START_OBJECT -> {
                    boolean ok = field == Field.DATA ? readObject(p, true) : panFree(p, value);
                    if (!ok) {
                        return false;
                    }
                    kinds[slot] = Kind.OBJECT;
                }
                default -> {
                    if (!panFree(p, value)) {
                        return false;
                    }
                    kinds[slot] = Kind.OTHER;
                }
            }
            return true;
        }

        /**
         * Consumes the value starting at {@code token}, nested containers included, and says
         * whether it is free of card numbers, by the same rules as {@link #findPan}. Iterative, so
         * deep nesting cannot overflow the stack.
         */
        private static boolean panFree(JsonParser p, JsonToken token) throws IOException {
            int depth = 0;
            while (true) {
                switch (token) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME -> {
                        if (PanGuard.containsPan(p.currentName())) {
                            return false;
                        }
                    }
                    case VALUE_STRING -> {
                        if (PanGuard.containsPan(p.getText())) {
                            return false;
                        }
                    }
                    case VALUE_NUMBER_INT -> {
                        if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                                && PanGuard.isPanNumber(p.getLongValue())) {
                            return false;
                        }
                    }
                    default -> {}
                }
                if (depth <= 0) {
                    return depth == 0;
                }
                token = p.nextToken();
                if (token == null) {
                    return false;
                }
            }
        }
    }

    // ---- validation, shared by both decoders --------------------------------------------------

    private static CheckoutEvent validate(Fields f) throws InvalidEventException {
        String eventId = requiredString(f, Field.EVENT_ID);
        EventType type = eventType(f);
        Instant occurredAt = occurredAt(f);
        String sessionId = requiredString(f, Field.SESSION_ID);
        String accountId = optionalString(f, Field.ACCOUNT_ID, false);
        String ip = requiredString(f, Field.IP);
        if (!Formats.isIp(ip)) {
            throw bad(f, Field.IP, "expected an IPv4 or IPv6 address");
        }
        String ipCountry = optionalCountry(f, Field.IP_COUNTRY);
        String userAgent = optionalString(f, Field.USER_AGENT, true);
        String deviceId = optionalString(f, Field.DEVICE_ID, false);
        Kind data = f.kind(Field.DATA);
        if (data == Kind.ABSENT) {
            throw missing(Field.DATA);
        }
        if (data != Kind.OBJECT) {
            throw bad(f, Field.DATA, "expected an object");
        }
        EventData eventData =
                switch (type) {
                    case LOGIN -> login(f);
                    case PAGE_VIEW -> pageView(f);
                    case FIELD_ENTERED -> fieldEntered(f);
                    case ACCOUNT_CHANGE -> accountChange(f);
                    case PAYMENT_ATTEMPT -> paymentAttempt(f);
                    case ORDER_PLACED -> orderPlaced(f);
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

    // ---- data by type -------------------------------------------------------------------------

    private static LoginData login(Fields f) throws InvalidEventException {
        LoginOutcome outcome = enumValue(f, Field.OUTCOME, LOGIN_OUTCOMES);
        return new LoginData(outcome, requiredString(f, Field.USERNAME_HASH));
    }

    private static PageViewData pageView(Fields f) throws InvalidEventException {
        String page = requiredString(f, Field.PAGE);
        return new PageViewData(page, optionalString(f, Field.REFERRER, true));
    }

    private static FieldEnteredData fieldEntered(Fields f) throws InvalidEventException {
        FieldKind field = enumValue(f, Field.FIELD, FIELD_KINDS);
        String valueHash = requiredString(f, Field.VALUE_HASH);
        String country = optionalCountry(f, Field.COUNTRY);
        String emailDomain = optionalString(f, Field.EMAIL_DOMAIN, false);
        String cardBin = optionalString(f, Field.CARD_BIN, false);
        if (cardBin != null && !Formats.isCardBin(cardBin)) {
            throw bad(f, Field.CARD_BIN, "expected 6 to 8 digits");
        }
        String cardLast4 = optionalString(f, Field.CARD_LAST4, false);
        if (cardLast4 != null && !Formats.isCardLast4(cardLast4)) {
            throw bad(f, Field.CARD_LAST4, "expected 4 digits");
        }
        String cardCountry = optionalCountry(f, Field.CARD_COUNTRY);
        return new FieldEnteredData(
                field, valueHash, country, emailDomain, cardBin, cardLast4, cardCountry);
    }

    private static AccountChangeData accountChange(Fields f) throws InvalidEventException {
        return new AccountChangeData(enumValue(f, Field.CHANGE, CHANGE_KINDS));
    }

    private static PaymentAttemptData paymentAttempt(Fields f) throws InvalidEventException {
        String orderId = requiredString(f, Field.ORDER_ID);
        String cardHash = requiredString(f, Field.CARD_HASH);
        String cardBin = requiredCardBin(f);
        String cardCountry = requiredCountry(f, Field.CARD_COUNTRY);
        long amountMinor = integer(f, Field.AMOUNT_MINOR, 0, Long.MAX_VALUE);
        String currency = requiredCurrency(f);
        PaymentOutcome outcome = enumValue(f, Field.OUTCOME, PAYMENT_OUTCOMES);
        String declineCode = optionalString(f, Field.DECLINE_CODE, true);
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

    private static OrderPlacedData orderPlaced(Fields f) throws InvalidEventException {
        String orderId = requiredString(f, Field.ORDER_ID);
        long amountMinor = integer(f, Field.AMOUNT_MINOR, 0, Long.MAX_VALUE);
        String currency = requiredCurrency(f);
        int itemCount = (int) integer(f, Field.ITEM_COUNT, 1, Integer.MAX_VALUE);
        String cardHash = requiredString(f, Field.CARD_HASH);
        String cardBin = requiredCardBin(f);
        String cardCountry = requiredCountry(f, Field.CARD_COUNTRY);
        String billingCountry = requiredCountry(f, Field.BILLING_COUNTRY);
        String shippingCountry = requiredCountry(f, Field.SHIPPING_COUNTRY);
        String shippingAddressHash = requiredString(f, Field.SHIPPING_ADDRESS_HASH);
        String emailHash = requiredString(f, Field.EMAIL_HASH);
        String emailDomain = requiredString(f, Field.EMAIL_DOMAIN);
        return new OrderPlacedData(
                orderId,
                amountMinor,
                currency,
                itemCount,
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

    private static EventType eventType(Fields f) throws InvalidEventException {
        Kind kind = f.kind(Field.TYPE);
        if (kind == Kind.ABSENT) {
            throw missing(Field.TYPE);
        }
        if (kind != Kind.TEXT) {
            throw bad(f, Field.TYPE, "expected a string");
        }
        String text = f.text(Field.TYPE);
        for (EventType t : TYPES) {
            if (t.name().equals(text)) {
                return t;
            }
        }
        throw new InvalidEventException(
                RejectReason.UNKNOWN_TYPE,
                "type",
                "type: " + expectedOneOf(TYPES) + ", got " + f.quote(Field.TYPE));
    }

    private static Instant occurredAt(Fields f) throws InvalidEventException {
        Kind kind = f.kind(Field.OCCURRED_AT);
        if (kind == Kind.ABSENT) {
            throw missing(Field.OCCURRED_AT);
        }
        Instant instant =
                kind == Kind.TEXT ? Formats.parseInstant(f.text(Field.OCCURRED_AT)) : null;
        if (instant == null) {
            throw new InvalidEventException(
                    RejectReason.BAD_TIMESTAMP,
                    "occurredAt",
                    "occurredAt: expected an ISO-8601 instant like 2026-01-31T12:00:00Z, got "
                            + f.quote(Field.OCCURRED_AT));
        }
        return instant;
    }

    private static <E extends Enum<E>> E enumValue(Fields f, Field field, E[] values)
            throws InvalidEventException {
        Kind kind = f.kind(field);
        if (kind == Kind.ABSENT) {
            throw missing(field);
        }
        if (kind == Kind.TEXT) {
            String text = f.text(field);
            for (E e : values) {
                if (e.name().equals(text)) {
                    return e;
                }
            }
        }
        throw bad(f, field, expectedOneOf(values));
    }

    private static String requiredString(Fields f, Field field) throws InvalidEventException {
        if (f.kind(field) == Kind.ABSENT) {
            throw missing(field);
        }
        String text = checkedText(f, field);
        if (text.isEmpty()) {
            throw new InvalidEventException(
                    RejectReason.BAD_VALUE, field.path, field.path + ": must not be empty");
        }
        return text;
    }

    /**
     * @param emptyAllowed free text like a referrer may legitimately be empty; identifiers may not,
     *     or every guest would share the key ""
     */
    private static String optionalString(Fields f, Field field, boolean emptyAllowed)
            throws InvalidEventException {
        if (f.kind(field) == Kind.ABSENT) {
            return null;
        }
        String text = checkedText(f, field);
        if (!emptyAllowed && text.isEmpty()) {
            throw new InvalidEventException(
                    RejectReason.BAD_VALUE, field.path, field.path + ": must not be empty");
        }
        return text;
    }

    private static String checkedText(Fields f, Field field) throws InvalidEventException {
        if (f.kind(field) != Kind.TEXT) {
            throw bad(f, field, "expected a string");
        }
        String text = f.text(field);
        if (text.length() > MAX_STRING_CHARS) {
            throw new InvalidEventException(
                    RejectReason.BAD_VALUE,
                    field.path,
                    field.path
                            + ": longer than "
                            + MAX_STRING_CHARS
                            + " characters ("
                            + text.length()
                            + "), got "
                            + f.quote(field));
        }
        return text;
    }

    private static String optionalCountry(Fields f, Field field) throws InvalidEventException {
        String country = optionalString(f, field, false);
        if (country != null && !Formats.isCountry(country)) {
            throw badCountry(f, field);
        }
        return country;
    }

    private static String requiredCountry(Fields f, Field field) throws InvalidEventException {
        String country = requiredString(f, field);
        if (!Formats.isCountry(country)) {
            throw badCountry(f, field);
        }
        return country;
    }

    private static InvalidEventException badCountry(Fields f, Field field) {
        return bad(f, field, "expected an ISO 3166-1 alpha-2 country code like DE");
    }

    private static String requiredCurrency(Fields f) throws InvalidEventException {
        String currency = requiredString(f, Field.CURRENCY);
        if (!Formats.isCurrency(currency)) {
            throw bad(f, Field.CURRENCY, "expected an ISO 4217 currency code like EUR");
        }
        return currency;
    }

    private static String requiredCardBin(Fields f) throws InvalidEventException {
        String bin = requiredString(f, Field.CARD_BIN);
        if (!Formats.isCardBin(bin)) {
            throw bad(f, Field.CARD_BIN, "expected 6 to 8 digits");
        }
        return bin;
    }

    /** A required integer in [min, max]; the contract allows no fractions, even 1.0. */
    private static long integer(Fields f, Field field, long min, long max)
            throws InvalidEventException {
        Kind kind = f.kind(field);
        if (kind == Kind.ABSENT) {
            throw missing(field);
        }
        if (kind != Kind.INTEGER || f.integer(field) < min || f.integer(field) > max) {
            throw bad(f, field, "expected an integer >= " + min);
        }
        return f.integer(field);
    }

    private static InvalidEventException missing(Field field) {
        return new InvalidEventException(
                RejectReason.MISSING_FIELD, field.path, field.path + ": required field is missing");
    }

    private static InvalidEventException bad(Fields f, Field field, String expected) {
        return new InvalidEventException(
                RejectReason.BAD_VALUE,
                field.path,
                field.path + ": " + expected + ", got " + f.quote(field));
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
