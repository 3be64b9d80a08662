package dev.fraudmonitor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PanGuardTest {

    /** Appends the Luhn check digit; written independently of PanGuard. */
    static String luhn(String payload) {
        int sum = 0;
        for (int i = 0; i < payload.length(); i++) {
            int d = payload.charAt(payload.length() - 1 - i) - '0';
            if (i % 2 == 0) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return payload + (10 - sum % 10) % 10;
    }

    /** Same digits with the last one changed so the Luhn check fails. */
    static String notLuhn(String pan) {
        char last = pan.charAt(pan.length() - 1);
        return pan.substring(0, pan.length() - 1) + (char) ('0' + (last - '0' + 1) % 10);
    }

    static final String VISA16 = "4111111111111111";
    static final String PAN13 = luhn("422222222222");
    static final String PAN19 = luhn("622126000000000000");

    @Test
    void helperProducesKnownTestCard() {
        assertEquals(VISA16, luhn("411111111111111"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "4111111111111111",
                "4111 1111 1111 1111",
                "4111-1111-1111-1111",
                "card: 4111111111111111, thanks",
                "pan=4111111111111111;",
                "5500 0000 0000 0004",
                "378282246310005",
                "6011-0009-9013-9424"
            })
    void flagsLuhnValidRuns(String s) {
        assertTrue(PanGuard.containsPan(s), s);
    }

    @Test
    void identifiersThatHappenToHoldALuhnValidRunAreNotCardNumbers() {
        String uuidTail = "0003-123456789012";
        assertTrue(PanGuard.containsPan(uuidTail.replace("-", "")), "the digits alone are a PAN");
        assertFalse(PanGuard.containsPan("e3b0c442-abcd-ef01-" + uuidTail), "UUID tail");
        assertFalse(
                PanGuard.containsPan("x4111111111111111y"), "glued to letters: part of a token");
        assertFalse(PanGuard.containsPan("9f86d08" + VISA16 + "b0f00a08"), "inside a hex hash");
        assertFalse(PanGuard.containsPan("41111111-11111111"), "groups of 8 are not card-like");
        assertTrue(PanGuard.containsPan("3782 822463 10005"), "Amex 4-6-5 grouping");
    }

    @Test
    void flags13And19DigitRuns() {
        assertEquals(13, PAN13.length());
        assertEquals(19, PAN19.length());
        assertTrue(PanGuard.containsPan(PAN13));
        assertTrue(PanGuard.containsPan(PAN19));
        assertTrue(PanGuard.containsPan(new StringBuilder("pan=").append(PAN19)));
    }

    @Test
    void ignoresLuhnInvalidRuns() {
        assertFalse(PanGuard.containsPan(notLuhn(VISA16)));
        assertFalse(PanGuard.containsPan(notLuhn(PAN13)));
        assertFalse(PanGuard.containsPan(notLuhn(PAN19)));
        assertFalse(PanGuard.containsPan("4111 1111 1111 1112"));
    }

    @Test
    void ignores12And20DigitRunsEvenIfLuhnValid() {
        String twelve = luhn("42222222222");
        String twenty = luhn("4111111111111111111");
        assertEquals(12, twelve.length());
        assertEquals(20, twenty.length());
        assertFalse(PanGuard.containsPan(twelve));
        assertFalse(PanGuard.containsPan(twenty));
        assertFalse(PanGuard.containsPan("ref " + twenty + " end"));
        assertEquals("ref " + twenty, PanGuard.mask("ref " + twenty));
    }

    @Test
    void doubleSeparatorsAndOtherSeparatorsBreakTheRun() {
        assertFalse(PanGuard.containsPan("4111  1111  1111  1111"));
        assertFalse(PanGuard.containsPan("4111--1111--1111--1111"));
        assertFalse(PanGuard.containsPan("4111..1111..1111..1111"));
        assertFalse(PanGuard.containsPan("4111/1111/1111/1111"));
    }

    @Test
    void dotsUnderscoresAndTabsBetweenGroupsAreSeparatorsToo() {
        assertTrue(PanGuard.containsPan("card 4111.1111.1111.1111"));
        assertTrue(PanGuard.containsPan("card 4111_1111_1111_1111"));
        assertTrue(PanGuard.containsPan("card 4111\t1111\t1111\t1111"));
        assertEquals("4111.11**.****.1111", PanGuard.mask("4111.1111.1111.1111"));
        assertEquals("4111_11**_****_1111", PanGuard.mask("4111_1111_1111_1111"));
        // Still not inside identifiers: a run glued to letters or an underscore.
        assertFalse(PanGuard.containsPan("order_4111111111111111"));
        assertFalse(PanGuard.containsPan("4111111111111111abcdef0123456789"));
    }

    @Test
    void epochMillisAreNeverCardNumbersEvenWhenLuhnValid() {
        int luhnValid = 0;
        for (long millis = 1_772_445_600_000L; millis < 1_772_445_600_100L; millis++) {
            String text = Long.toString(millis);
            if (PanGuardTest.luhn(text.substring(0, 12)).equals(text)) luhnValid++;
            assertFalse(PanGuard.containsPan("/p/" + text), text);
            assertFalse(PanGuard.isPanNumber(millis), text);
        }
        assertEquals(10, luhnValid, "one in ten pass the Luhn check");
        // A 13-digit Visa number is still one.
        assertTrue(PanGuard.containsPan("/p/" + PAN13));
        String otherThirteen = "3" + PAN13.substring(1, 12);
        assertFalse(PanGuard.containsPan(luhn(otherThirteen)));
    }

    @Test
    void epochMillisThatFailLuhnAreUntouched() {
        String millis = "1738324800000";
        String nonLuhn = PanGuard.containsPan(millis) ? notLuhn(millis) : millis;
        assertFalse(PanGuard.containsPan(nonLuhn));
        assertFalse(PanGuard.isPanNumber(Long.parseLong(nonLuhn)));
        String text = "{\"ts\":" + nonLuhn + "}";
        assertSame(text, PanGuard.mask(text));
    }

    @Test
    void isPanNumberMatchesTextScan() {
        assertTrue(PanGuard.isPanNumber(Long.parseLong(VISA16)));
        assertTrue(PanGuard.isPanNumber(Long.parseLong(PAN13)));
        assertTrue(PanGuard.isPanNumber(Long.parseLong(PAN19)));
        assertTrue(PanGuard.isPanNumber(-Long.parseLong(VISA16)));
        assertFalse(PanGuard.isPanNumber(Long.parseLong(notLuhn(VISA16))));
        assertFalse(PanGuard.isPanNumber(Long.parseLong(luhn("42222222222")))); // 12 digits
        assertFalse(PanGuard.isPanNumber(Long.MIN_VALUE));
        assertFalse(PanGuard.isPanNumber(0));
    }

    @Test
    void maskKeepsFirstSixAndLastFour() {
        assertEquals("411111******1111", PanGuard.mask(VISA16));
        assertEquals("4111 11** **** 1111", PanGuard.mask("4111 1111 1111 1111"));
        assertEquals("4111-11**-****-1111", PanGuard.mask("4111-1111-1111-1111"));
        assertEquals(PAN13.substring(0, 6) + "***" + PAN13.substring(9), PanGuard.mask(PAN13));
        assertEquals(
                PAN19.substring(0, 6) + "*********" + PAN19.substring(15), PanGuard.mask(PAN19));
    }

    @Test
    void maskHandlesEveryRunAndLeavesTheRest() {
        String s = "a " + VISA16 + " b " + notLuhn(VISA16) + " c 5500-0000-0000-0004";
        assertEquals(
                "a 411111******1111 b " + notLuhn(VISA16) + " c 5500-00**-****-0004",
                PanGuard.mask(s));
        assertFalse(PanGuard.containsPan(PanGuard.mask(s)));
    }

    @Test
    void maskReturnsSameInstanceWhenNothingToMaskAndIsNullSafe() {
        String s = "order 123456 for 42 EUR";
        assertSame(s, PanGuard.mask(s));
        assertNull(PanGuard.mask(null));
        assertFalse(PanGuard.containsPan(null));
        assertFalse(PanGuard.containsPan(""));
    }
}
