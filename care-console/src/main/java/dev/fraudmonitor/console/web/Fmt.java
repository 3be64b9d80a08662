package dev.fraudmonitor.console.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Formatting used by the templates. */
public final class Fmt {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Fmt() {}

    public static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    public static String or(String s, String fallback) {
        return s == null || s.isBlank() ? fallback : s;
    }

    /** "HOLD" → "hold", for a CSS class from a bounded set. */
    public static String cls(String s) {
        return s == null ? "" : s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z_]", "");
    }

    public static String card(String bin, String last4) {
        if (bin == null && last4 == null) {
            return "";
        }
        return or(bin, "??????") + "…" + or(last4, "????");
    }
}
