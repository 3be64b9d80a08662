package dev.fraudmonitor.model;

/**
 * Finds and masks things that look like raw card numbers (PANs), so that nothing the job writes
 * (dead letters, exception messages, logs) can leak one, even when a producer sends one by mistake.
 *
 * <p>A PAN here is a maximal run of 13 to 19 digits (13 only when it starts with 4, as Visa's do)
 * that passes the Luhn check; a single space, dash, dot, underscore or tab may sit between two
 * digits ({@code 4111 1111 1111 1111}, {@code 4111-1111-1111-1111}, {@code 4111.1111.1111.1111}).
 * Text is scanned as decoded: a JSON-escaped number ({@code \u0034111...}) is found by scanning the
 * parsed value, not the raw bytes (see {@link DeadLetter}). Runs shorter than 13 or longer than 19
 * digits are not PANs. Hand-written scanner, no regex: it runs on every string of every event.
 *
 * <p>Identifiers are not card numbers: a run glued to a letter or underscore is part of a token (a
 * hex hash, {@code abc4111...}), and a separated run whose groups are not card-like (3 to 6 digits
 * each, as printed on cards) is part of something else, such as the tail of a UUID ({@code
 * ...-5678-901234567890}). Without these two rules about one random UUID or hash in a few thousand
 * would be rejected as a card number.
 */
public final class PanGuard {
    static final int MIN_DIGITS = 13;
    static final int MAX_DIGITS = 19;

    /**
     * Only Visa issues 13-digit cards; without this, about one epoch-millisecond timestamp in ten
     * (13 digits, starting with 1) passes the Luhn check and would be taken for a card number.
     */
    static final char THIRTEEN_DIGIT_PREFIX = '4';

    private static final int KEEP_FIRST = 6;
    private static final int KEEP_LAST = 4;

    private PanGuard() {}

    /** True if {@code s} contains at least one PAN-like digit run. Null-safe. */
    public static boolean containsPan(CharSequence s) {
        if (s == null) {
            return false;
        }
        int n = s.length();
        if (n < MIN_DIGITS) {
            return false;
        }
        int i = 0;
        while (i < n) {
            if (!isDigit(s.charAt(i))) {
                i++;
                continue;
            }
            int end = runEnd(s, i);
            if (isPanRun(s, i, end)) {
                return true;
            }
            i = end;
        }
        return false;
    }

    /**
     * Returns {@code s} with every PAN-like run masked: the first 6 and last 4 digits are kept,
     * other digits become {@code '*'}, separators are kept. Returns the same instance when there is
     * nothing to mask; null stays null.
     */
    public static String mask(String s) {
        if (s == null || s.length() < MIN_DIGITS) {
            return s;
        }
        char[] out = null;
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (!isDigit(s.charAt(i))) {
                i++;
                continue;
            }
            int end = runEnd(s, i);
            if (isPanRun(s, i, end)) {
                if (out == null) {
                    out = s.toCharArray();
                }
                int digits = countDigits(s, i, end);
                int k = 0;
                for (int j = i; j < end; j++) {
                    if (isDigit(s.charAt(j))) {
                        if (k >= KEEP_FIRST && k < digits - KEEP_LAST) {
                            out[j] = '*';
                        }
                        k++;
                    }
                }
            }
            i = end;
        }
        return out == null ? s : new String(out);
    }

    /** True if a JSON integer with this value would be a PAN (13–19 digits, Luhn-valid). */
    static boolean isPanNumber(long value) {
        if (value == Long.MIN_VALUE) {
            return false; // 19 digits, but not Luhn-checked here: 9223372036854775808 fails Luhn
        }
        long v = Math.abs(value);
        if (v < 1_000_000_000_000L) {
            return false; // fewer than 13 digits; a long has at most 19
        }
        if (v < 10_000_000_000_000L && v / 1_000_000_000_000L != THIRTEEN_DIGIT_PREFIX - '0') {
            return false;
        }
        int sum = 0;
        boolean dbl = false;
        while (v > 0) {
            int d = (int) (v % 10);
            v /= 10;
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** What people and systems put between a card's digit groups. */
    private static boolean isSeparator(char c) {
        return c == ' ' || c == '-' || c == '.' || c == '_' || c == '\t';
    }

    /** Exclusive end of the digit run starting at the digit {@code start}. */
    private static int runEnd(CharSequence s, int start) {
        int n = s.length();
        int j = start + 1;
        while (j < n) {
            char c = s.charAt(j);
            if (isDigit(c)) {
                j++;
            } else if (isSeparator(c) && j + 1 < n && isDigit(s.charAt(j + 1))) {
                j += 2;
            } else {
                break;
            }
        }
        return j;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetter(c) || c == '_';
    }

    /** No separators, or every separated group is 3 to 6 digits long. */
    private static boolean cardLikeGroups(CharSequence s, int start, int end) {
        int group = 0;
        boolean separated = false;
        for (int j = start; j < end; j++) {
            if (isDigit(s.charAt(j))) {
                group++;
            } else {
                if (group < 3 || group > 6) {
                    return false;
                }
                separated = true;
                group = 0;
            }
        }
        return !separated || (group >= 3 && group <= 6);
    }

    private static int countDigits(CharSequence s, int start, int end) {
        int count = 0;
        for (int j = start; j < end; j++) {
            if (isDigit(s.charAt(j))) {
                count++;
            }
        }
        return count;
    }

    private static boolean isPanRun(CharSequence s, int start, int end) {
        if (end - start < MIN_DIGITS) {
            return false; // too short even without separators
        }
        if ((start > 0 && isWordChar(s.charAt(start - 1)))
                || (end < s.length() && isWordChar(s.charAt(end)))) {
            return false; // part of a token such as a hex hash
        }
        if (!cardLikeGroups(s, start, end)) {
            return false;
        }
        int digits = countDigits(s, start, end);
        if (digits < MIN_DIGITS || digits > MAX_DIGITS) {
            return false;
        }
        if (digits == MIN_DIGITS && s.charAt(start) != THIRTEEN_DIGIT_PREFIX) {
            return false;
        }
        int sum = 0;
        boolean dbl = false;
        for (int j = end - 1; j >= start; j--) {
            char c = s.charAt(j);
            if (!isDigit(c)) {
                continue;
            }
            int d = c - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }
}
