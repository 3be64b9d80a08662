package dev.fraudmonitor.dashboards;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The series names and their label names in a Prometheus text exposition (what {@code /metrics}
 * serves): every sample line's name, so a histogram appears as its {@code _bucket}, {@code _count}
 * and {@code _sum} series, exactly as Prometheus stores it.
 */
public final class Exposition {
    private Exposition() {}

    public static Map<String, Set<String>> labelsBySeries(String text) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
            Set<String> labels = out.computeIfAbsent(line.substring(0, i), k -> new TreeSet<>());
            if (i < line.length() && line.charAt(i) == '{') {
                i++;
                while (i < line.length() && line.charAt(i) != '}') {
                    int eq = line.indexOf('=', i);
                    if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                        throw new IllegalArgumentException("cannot read labels of: " + line);
                    }
                    labels.add(line.substring(i, eq).strip());
                    int j = eq + 2;
                    while (j < line.length() && line.charAt(j) != '"') {
                        j += line.charAt(j) == '\\' ? 2 : 1;
                    }
                    i = j + 1;
                    if (i < line.length() && line.charAt(i) == ',') i++;
                }
            }
        }
        return out;
    }
}
