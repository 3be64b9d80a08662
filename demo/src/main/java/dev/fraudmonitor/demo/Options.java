package dev.fraudmonitor.demo;

import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Command-line options {@code --name value} or {@code --name=value}. Every error names the option
 * and says what was expected.
 */
final class Options {
    private final Map<String, String> values;

    private Options(Map<String, String> values) {
        this.values = values;
    }

    static Options parse(String[] args, Set<String> allowed) {
        Map<String, String> v = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.isBlank()) {
                continue; // an empty ${demo.args} from Maven
            }
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException(
                        "unexpected argument '" + a + "': options look like --name value");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown option --"
                                + name
                                + "; known: --"
                                + String.join(", --", new TreeSet<>(allowed)));
            }
            if (value == null && !name.equals("help")) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException("--" + name + ": expected a value");
                }
                value = args[++i];
            }
            if (v.put(name, value == null ? "" : value) != null) {
                throw new IllegalArgumentException("--" + name + " given twice");
            }
        }
        return new Options(v);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name, String dflt) {
        String s = values.get(name);
        if (s == null) {
            return dflt;
        }
        if (s.isBlank()) {
            throw new IllegalArgumentException("--" + name + ": expected a value, got nothing");
        }
        return s;
    }

    double positiveDouble(String name, double dflt) {
        String s = values.get(name);
        if (s == null) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(s);
            if (d > 0 && !Double.isInfinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(
                "--" + name + ": expected a positive number, got '" + s + "'");
    }

    double ratio(String name, double dflt) {
        String s = values.get(name);
        if (s == null) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(s);
            if (d >= 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(
                "--" + name + ": expected a fraction between 0 and 1 (e.g. 0.2), got '" + s + "'");
    }

    long longValue(String name, long dflt) {
        String s = values.get(name);
        if (s == null) {
            return dflt;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--" + name + ": expected a whole number, got '" + s + "'");
        }
    }

    /** An ISO-8601 instant, e.g. {@code 2026-03-02T00:00:00Z}. */
    java.time.Instant instant(String name) {
        String s = values.get(name);
        try {
            return java.time.Instant.parse(s == null ? "" : s.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "--"
                            + name
                            + ": expected an instant like 2026-03-02T00:00:00Z, got '"
                            + s
                            + "'");
        }
    }

    /** {@code 90s}, {@code 5m}, {@code 1h}, {@code 500ms}, a number of seconds, or ISO-8601. */
    Duration duration(String name, Duration dflt) {
        String s = values.get(name);
        if (s == null) {
            return dflt;
        }
        Duration d = parseDuration(s.trim().toLowerCase(Locale.ROOT));
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(
                    "--"
                            + name
                            + ": expected a positive duration like 90s, 5m, 1h or PT90S, got '"
                            + s
                            + "'");
        }
        return d;
    }

    private static Duration parseDuration(String s) {
        try {
            if (s.startsWith("pt") || s.startsWith("p")) {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            char unit = s.charAt(s.length() - 1);
            String n = Character.isDigit(unit) ? s : s.substring(0, s.length() - 1);
            long v = Long.parseLong(n);
            return switch (unit) {
                case 's' -> Duration.ofSeconds(v);
                case 'm' -> Duration.ofMinutes(v);
                case 'h' -> Duration.ofHours(v);
                default -> Character.isDigit(unit) ? Duration.ofSeconds(v) : null;
            };
        } catch (NumberFormatException
                | DateTimeParseException
                | StringIndexOutOfBoundsException e) {
            return null;
        }
    }

    /** {@code host:port[,host:port...]}. */
    String hostPort(String name) {
        String s = string(name, null);
        for (String hp : s.split(",")) {
            int colon = hp.lastIndexOf(':');
            boolean ok = colon > 0 && colon < hp.length() - 1;
            if (ok) {
                try {
                    int port = Integer.parseInt(hp.substring(colon + 1));
                    ok = port > 0 && port < 65536;
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok) {
                throw new IllegalArgumentException(
                        "--"
                                + name
                                + ": expected host:port (e.g. localhost:9092), got '"
                                + s
                                + "'");
            }
        }
        return s;
    }

    /** {@code redis://host:port}; a bare {@code host:port} is accepted too. */
    String redisUrl(String name) {
        String s = string(name, null);
        String url = s.contains("://") ? s : "redis://" + s;
        try {
            URI u = URI.create(url);
            if (("redis".equals(u.getScheme()) || "rediss".equals(u.getScheme()))
                    && u.getHost() != null) {
                return url;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(
                "--"
                        + name
                        + ": expected redis://host:port (e.g. redis://localhost:6379), got '"
                        + s
                        + "'");
    }
}
