package dev.fraudmonitor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The streaming fast path of {@link EventCodec#decode} against the tree decoder it shortcuts: for
 * every input both give the same event or the same rejection, the fast path never accepts what the
 * tree rejects, and it does take ordinary events (or the optimisation would be gone unnoticed).
 */
class EventCodecStreamingTest {
    private static final EventCodec CODEC = new EventCodec();
    private static final String PAN = "4111111111111111";

    /** Every type of the contract, so a type added to it is compared too. */
    private static final List<String> TYPES =
            Arrays.stream(EventType.values()).map(Enum::name).toList();

    private static final List<String> ENVELOPE_FIELDS =
            List.of(
                    "eventId",
                    "type",
                    "occurredAt",
                    "sessionId",
                    "accountId",
                    "ip",
                    "ipCountry",
                    "userAgent",
                    "deviceId",
                    "data",
                    "unknownField");

    /** Every type's data fields, so each type also sees the others' as unknown fields. */
    private static final List<String> DATA_FIELDS =
            List.of(
                    "outcome",
                    "usernameHash",
                    "page",
                    "referrer",
                    "field",
                    "valueHash",
                    "country",
                    "emailDomain",
                    "cardBin",
                    "cardLast4",
                    "cardCountry",
                    "change",
                    "orderId",
                    "cardHash",
                    "amountMinor",
                    "currency",
                    "declineCode",
                    "itemCount",
                    "billingCountry",
                    "shippingCountry",
                    "shippingAddressHash",
                    "emailHash",
                    "unknownField");

    /** Raw JSON values every field is set to in turn: wrong kinds, edge cases and valid ones. */
    private static final List<String> VALUES =
            List.of(
                    "null",
                    "\"\"",
                    "0",
                    "1",
                    "-1",
                    "-0",
                    "42",
                    "2147483647",
                    "2147483648",
                    "9223372036854775807",
                    "-9223372036854775808",
                    "9223372036854775808",
                    "99999999999999999999",
                    "1.5",
                    "1.0",
                    "1e2",
                    "true",
                    "false",
                    "{}",
                    "{\"a\":1}",
                    "[]",
                    "[1,\"x\"]",
                    "\"" + PAN + "\"",
                    PAN,
                    "-" + PAN,
                    "\"4111 1111 1111 1111\"",
                    "\"4111111111111112\"",
                    "4111111111111112",
                    "{\"x\":[" + PAN + "]}",
                    "[[\"card 4111-1111-1111-1111\"]]",
                    "{\"" + PAN + "\":1}",
                    "\"Ünïcødé ✓ 😀\"",
                    "\"\\u0041\\n\\\"\\\\/\"",
                    "\"\\u0034111111111111111\"",
                    "\"" + "u".repeat(512) + "\"",
                    "\"" + "u".repeat(513) + "\"",
                    "\"DE\"",
                    "\"de\"",
                    "\"\\u0044E\"",
                    "\"EUR\"",
                    "\"411111\"",
                    "\"41111111\"",
                    "\"1111\"",
                    "\"SUCCESS\"",
                    "\"AUTHORIZED\"",
                    "\"EMAIL\"",
                    "\"PASSWORD\"",
                    "\"LOGIN\"",
                    "\"ORDER_PLACED\"",
                    "\"2026-01-31T12:00:00+01:00\"",
                    "\"2026-02-30T12:00:00Z\"",
                    "\"::1\"",
                    "\"x\"");

    // ---- corpus building ----------------------------------------------------------------------

    /**
     * An event as raw name/value pairs, so a test can repeat keys, misorder them and write any raw
     * JSON. The envelope's {@code data} entry with a null value stands for the {@code data} object.
     */
    record Rec(List<String[]> envelope, List<String[]> data) {
        static Rec of(String json) {
            JsonNode root = EventCodecTest.tree(json);
            List<String[]> env = new ArrayList<>();
            List<String[]> data = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("data")) {
                    env.add(new String[] {"data", null});
                    e.getValue()
                            .fields()
                            .forEachRemaining(
                                    d ->
                                            data.add(
                                                    new String[] {
                                                        d.getKey(), d.getValue().toString()
                                                    }));
                } else {
                    env.add(new String[] {e.getKey(), e.getValue().toString()});
                }
            }
            return new Rec(env, data);
        }

        String json() {
            return object(envelope);
        }

        private String object(List<String[]> fields) {
            StringBuilder sb = new StringBuilder("{");
            for (String[] f : fields) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append('"').append(f[0]).append("\":");
                sb.append(f[1] == null ? object(data) : f[1]);
            }
            return sb.append('}').toString();
        }

        /** A copy with {@code change} applied to the envelope or to data. */
        Rec with(boolean inData, UnaryOperator<List<String[]>> change) {
            List<String[]> env = new ArrayList<>(envelope);
            List<String[]> d = new ArrayList<>(data);
            if (inData) {
                d = change.apply(d);
            } else {
                env = change.apply(env);
            }
            return new Rec(env, d);
        }
    }

    static List<String[]> removed(List<String[]> fields, String name) {
        fields.removeIf(f -> f[0].equals(name));
        return fields;
    }

    static List<String[]> set(List<String[]> fields, String name, String raw) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i)[0].equals(name)) {
                fields.set(i, new String[] {name, raw});
                return fields;
            }
        }
        fields.add(new String[] {name, raw});
        return fields;
    }

    static List<String[]> added(List<String[]> fields, int at, String name, String raw) {
        fields.add(Math.min(at, fields.size()), new String[] {name, raw});
        return fields;
    }

    static List<Rec> bases() {
        List<Rec> out = new ArrayList<>();
        for (String type : TYPES) {
            out.add(Rec.of(EventCodecTest.base(type)));
        }
        EventCodecTest.events()
                .forEach(e -> out.add(Rec.of(new String(CODEC.encode(e), StandardCharsets.UTF_8))));
        return out;
    }

    /**
     * Each type's base with each field removed, set to each of {@link #VALUES}, repeated, renamed;
     * every base reordered, followed by trailing text and cut short.
     */
    static List<String> systematicCorpus() {
        List<String> out = new ArrayList<>();
        List<Rec> bases = bases();
        for (int b = 0; b < bases.size(); b++) {
            Rec base = bases.get(b);
            out.add(base.json());
            // The field-by-value product on the first of each type keeps the corpus quick.
            for (boolean inData : b < TYPES.size() ? new boolean[] {false, true} : new boolean[0]) {
                for (String name : inData ? DATA_FIELDS : ENVELOPE_FIELDS) {
                    out.add(base.with(inData, f -> removed(f, name)).json());
                    for (String v : VALUES) {
                        out.add(base.with(inData, f -> set(f, name, v)).json());
                    }
                    for (String v : List.of("\"x\"", "null", "7", "\"DE\"", "{}")) {
                        // Repeated keys, v before and after the original; the tree keeps the last.
                        out.add(base.with(inData, f -> added(f, 0, name, v)).json());
                        out.add(base.with(inData, f -> added(f, 99, name, v)).json());
                    }
                    // "\\u0065" is an escaped 'e', "\\u0061" an 'a': the same key, written oddly.
                    String escaped = name.replaceFirst("e", "\\\\u0065").replace("a", "\\u0061");
                    out.add(
                            base.with(
                                            inData,
                                            f -> {
                                                for (int i = 0; i < f.size(); i++) {
                                                    if (f.get(i)[0].equals(name)) {
                                                        f.set(
                                                                i,
                                                                new String[] {
                                                                    escaped, f.get(i)[1]
                                                                });
                                                    }
                                                }
                                                return f;
                                            })
                                    .json());
                }
                out.add(base.with(inData, f -> added(f, 0, PAN, "1")).json());
                out.add(base.with(inData, f -> added(f, 99, "n" + PAN, "\"x\"")).json());
                out.add(base.with(inData, f -> added(f, 2, "deep", nested(500, PAN))).json());
                out.add(base.with(inData, f -> added(f, 2, "deep", nested(500, "1"))).json());
                out.add(base.with(inData, f -> added(f, 2, "deep", nested(2000, "1"))).json());
            }
            String json = base.json();
            // Contract order does not matter to either decoder.
            out.add(base.with(false, f -> reversed(f)).json());
            out.add(base.with(true, f -> reversed(f)).with(false, f -> reversed(f)).json());
            for (String tail : List.of(" {}", " x", " 1", "]", "}", " null", "\"s\"", "  \n\t")) {
                out.add(json + tail);
            }
            out.add(" \n" + json);
            out.add("\uFEFF" + json);
            for (int n = 0; n < json.length(); n++) {
                out.add(json.substring(0, n));
            }
        }
        out.addAll(List.of("", " ", "{}", "[]", "\"x\"", "1", "null", "[{}]", "{\"data\":{}}"));
        return out;
    }

    static List<String[]> reversed(List<String[]> f) {
        List<String[]> r = new ArrayList<>(f);
        java.util.Collections.reverse(r);
        return r;
    }

    static String nested(int depth, String leaf) {
        return "[".repeat(depth) + leaf + "]".repeat(depth);
    }

    // ---- the comparison -----------------------------------------------------------------------

    /** What a decoder made of an input: the event, or the rejection's reason, field and message. */
    record Outcome(CheckoutEvent event, RejectReason reason, String field, String message) {
        interface Decoder {
            CheckoutEvent decode() throws InvalidEventException;
        }

        static Outcome of(Decoder d) {
            try {
                return new Outcome(d.decode(), null, null, null);
            } catch (InvalidEventException e) {
                return new Outcome(null, e.reason(), e.field(), e.getMessage());
            }
        }
    }

    /** Counts of inputs compared, and of those the fast path decoded by itself. */
    static final class Tally {
        int inputs;
        int fast;
    }

    static void assertAgree(byte[] bytes, Tally tally) {
        Outcome tree = Outcome.of(() -> CODEC.decodeTree(bytes));
        Outcome full = Outcome.of(() -> CODEC.decode(bytes));
        assertEquals(tree, full, () -> "decode and decodeTree disagree on " + show(bytes));
        CheckoutEvent fast = CODEC.fast(bytes);
        if (fast != null) {
            // The property that matters: the fast path accepts only what the tree accepts, as is.
            assertEquals(tree.event(), fast, () -> "fast path accepted " + show(bytes));
            tally.fast++;
        }
        tally.inputs++;
    }

    static String show(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- tests --------------------------------------------------------------------------------

    @Test
    void fastPathDecodesOrdinaryEventsOfEveryTypeByItself() throws Exception {
        Set<EventType> seen = EnumSet.noneOf(EventType.class);
        List<String> ordinary = new ArrayList<>();
        for (Rec base : bases()) {
            ordinary.add(base.json());
            ordinary.add(base.with(false, f -> reversed(f)).json());
            ordinary.add(
                    base.with(false, f -> added(f, 3, "trace", "{\"span\":[1,\"x\",null,2.5]}"))
                            .with(true, f -> added(f, 0, "giftWrap", "true"))
                            .json());
        }
        for (String json : ordinary) {
            byte[] bytes = utf8(json);
            CheckoutEvent fast = CODEC.fast(bytes);
            assertNotNull(fast, () -> "fell back on an ordinary event: " + json);
            assertEquals(CODEC.decodeTree(bytes), fast, json);
            seen.add(fast.type());
        }
        assertEquals(EnumSet.allOf(EventType.class), seen);
    }

    @Test
    void fastPathDecodesAbsentAndNullOptionalFields() throws Exception {
        Rec minimal =
                Rec.of(EventCodecTest.FIELD_ENTERED)
                        .with(
                                false,
                                f ->
                                        set(
                                                removed(removed(f, "accountId"), "userAgent"),
                                                "ipCountry",
                                                "null"))
                        .with(true, f -> set(removed(f, "country"), "cardBin", "null"));
        byte[] bytes = utf8(minimal.json());
        CheckoutEvent fast = CODEC.fast(bytes);
        assertNotNull(fast, minimal.json());
        assertEquals(CODEC.decodeTree(bytes), fast);
        assertNull(fast.accountId());
        assertNull(fast.ipCountry());
        assertNull(((FieldEnteredData) fast.data()).cardBin());
    }

    @Test
    void fastPathFallsBackOnEveryDoubt() {
        String login = EventCodecTest.LOGIN;
        String withoutEnd = login.substring(0, login.length() - 1);
        for (String json :
                List.of(
                        withoutEnd + ",\"note\":{\"x\":[\"" + PAN + "\"]}}",
                        withoutEnd + ",\"n\":[[" + PAN + "]]}",
                        withoutEnd + ",\"" + PAN + "\":1}",
                        withoutEnd + ",\"eventId\":\"e-1\"}",
                        withoutEnd + ",\"sessionId\":null}",
                        login + " {}",
                        login.substring(0, login.length() - 2),
                        login.replace("\"e-1\"", "\"\""),
                        login.replace("\"FAILURE\"", "\"ok\""),
                        "[" + login + "]")) {
            assertNull(CODEC.fast(utf8(json)), json);
        }
    }

    @Test
    void agreesWithTheTreeOnASystematicCorpus() {
        Tally tally = new Tally();
        for (String json : systematicCorpus()) {
            assertAgree(utf8(json), tally);
        }
        assertTrue(tally.inputs > 15_000, "corpus of " + tally.inputs);
        // Many mutations (unknown fields, valid values, nulls in optional fields) stay valid;
        // the fast path must have decoded a good share of them itself.
        assertTrue(tally.fast > 6_000, tally.fast + " of " + tally.inputs + " decoded fast");
    }

    @Test
    void agreesWithTheTreeOnInvalidUtf8InsideStrings() {
        Tally tally = new Tally();
        byte[] base = utf8(EventCodecTest.LOGIN);
        int at = EventCodecTest.LOGIN.indexOf("Mozilla") + 2;
        for (int b : new int[] {0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF8, 0xFE, 0xFF, 0x00}) {
            byte[] bytes = base.clone();
            bytes[at] = (byte) b;
            assertAgree(bytes, tally);
        }
        // An unknown field is skipped by the fast path, but its bytes must still be valid.
        String withoutEnd = EventCodecTest.LOGIN.substring(0, EventCodecTest.LOGIN.length() - 1);
        byte[] unknown = utf8(withoutEnd + ",\"note\":\"abcdefgh\"}");
        for (int b : new int[] {0x80, 0xC3, 0xED, 0xFF}) {
            byte[] bytes = unknown.clone();
            bytes[bytes.length - 5] = (byte) b;
            assertAgree(bytes, tally);
        }
        assertEquals(15, tally.inputs);
    }

    @Test
    void agreesWithTheTreeOnRandomMutations() {
        Random random = new Random(20260131);
        List<Rec> bases = bases();
        String bytePool = "{}[]\":,0123456789-+.eE\\ntfalsu 4";
        Tally tally = new Tally();
        for (int i = 0; i < 4_000; i++) {
            Rec rec = bases.get(random.nextInt(bases.size()));
            for (int m = random.nextInt(3); m >= 0; m--) {
                boolean inData = random.nextBoolean();
                List<String> names = inData ? DATA_FIELDS : ENVELOPE_FIELDS;
                String name = names.get(random.nextInt(names.size()));
                String value = VALUES.get(random.nextInt(VALUES.size()));
                rec =
                        switch (random.nextInt(4)) {
                            case 0 -> rec.with(inData, f -> removed(f, name));
                            case 1 ->
                                    rec.with(
                                            inData, f -> added(f, random.nextInt(12), name, value));
                            default -> rec.with(inData, f -> set(f, name, value));
                        };
            }
            StringBuilder json = new StringBuilder(rec.json());
            if (random.nextInt(4) == 0) {
                // Byte-level damage, past the first four bytes that decode checks on its own.
                int at = 4 + random.nextInt(json.length() - 4);
                switch (random.nextInt(3)) {
                    case 0 -> json.deleteCharAt(at);
                    case 1 -> json.insert(at, bytePool.charAt(random.nextInt(bytePool.length())));
                    default -> json.setLength(at);
                }
            }
            assertAgree(utf8(json.toString()), tally);
        }
        assertTrue(tally.fast > 500, tally.fast + " of " + tally.inputs + " decoded fast");
    }
}
