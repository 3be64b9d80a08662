package dev.fraudmonitor.engine.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Description templates: {@code {name}} placeholders replaced by the values of a hit. The known
 * placeholders are {@link #PLACEHOLDERS}; an unknown one is a validation error when the rule set is
 * parsed. There is no escape syntax: a brace not forming {@code {letters}} is kept as is.
 */
public final class Templates {
    /** Every placeholder a description may use. */
    public static final Set<String> PLACEHOLDERS =
            Set.of("observed", "threshold", "window", "groupBy", "attribute", "ruleId");

    private Templates() {}

    /** Replaces each {@code {name}} with its value; a name without a value is left as is. */
    public static String render(String template, Map<String, String> values) {
        if (template == null) return "";
        StringBuilder sb = new StringBuilder(template.length() + 32);
        int i = 0;
        int n = template.length();
        while (i < n) {
            char c = template.charAt(i);
            if (c == '{') {
                int end = nameEnd(template, i + 1);
                if (end > i + 1 && end < n && template.charAt(end) == '}') {
                    String v = values.get(template.substring(i + 1, end));
                    if (v != null) {
                        sb.append(v);
                        i = end + 1;
                        continue;
                    }
                }
            }
            sb.append(c);
            i++;
        }
        return sb.toString();
    }

    /** The placeholder names a template uses, in order. */
    public static List<String> placeholders(String template) {
        List<String> out = new ArrayList<>();
        if (template == null) return out;
        int n = template.length();
        for (int i = 0; i < n; i++) {
            if (template.charAt(i) != '{') continue;
            int end = nameEnd(template, i + 1);
            if (end > i + 1 && end < n && template.charAt(end) == '}') {
                out.add(template.substring(i + 1, end));
                i = end;
            }
        }
        return out;
    }

    private static int nameEnd(String s, int from) {
        int j = from;
        while (j < s.length() && Character.isLetterOrDigit(s.charAt(j))) j++;
        return j;
    }

    /** Plain words for a duration: "10 minutes", "1 hour 30 minutes", "90 days", "8 seconds". */
    public static String words(Duration d) {
        if (d == null) return "";
        long s = d.getSeconds();
        if (s == 0) return d.toMillis() + " ms";
        StringBuilder sb = new StringBuilder();
        long days = s / 86400;
        long hours = (s % 86400) / 3600;
        long minutes = (s % 3600) / 60;
        long seconds = s % 60;
        unit(sb, days, "day");
        unit(sb, hours, "hour");
        unit(sb, minutes, "minute");
        unit(sb, seconds, "second");
        return sb.toString();
    }

    static String words(long millis) {
        return words(Duration.ofMillis(Math.max(0, millis)));
    }

    private static void unit(StringBuilder sb, long n, String unit) {
        if (n == 0) return;
        if (sb.length() > 0) sb.append(' ');
        sb.append(n).append(' ').append(unit);
        if (n != 1) sb.append('s');
    }
}
