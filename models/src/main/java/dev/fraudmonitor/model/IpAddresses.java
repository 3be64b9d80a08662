package dev.fraudmonitor.model;

import java.util.Locale;

/**
 * One text per address, so that grouping and list lookups see one IP however the producer wrote it:
 * IPv4 stays dotted-quad, an IPv4-mapped IPv6 address ({@code ::ffff:203.0.113.7}) becomes its IPv4
 * address, and other IPv6 addresses take the RFC 5952 form (lower case, no leading zeros, the
 * longest run of zero groups as {@code ::}).
 */
public final class IpAddresses {
    private IpAddresses() {}

    /** The canonical text of {@code ip}; anything that is not an IP address comes back as it is. */
    public static String normalize(String ip) {
        if (ip == null) {
            return null;
        }
        if (Formats.isIpv4(ip, 0, ip.length())) {
            return ip;
        }
        if (!Formats.isIpv6(ip)) {
            return ip;
        }
        int[] g = groups(ip.toLowerCase(Locale.ROOT));
        if (g == null) {
            return ip;
        }
        if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
            return (g[6] >> 8) + "." + (g[6] & 0xff) + "." + (g[7] >> 8) + "." + (g[7] & 0xff);
        }
        return format(g);
    }

    /** The eight 16-bit groups of a valid IPv6 text, or null. */
    private static int[] groups(String s) {
        int[] out = new int[8];
        String head = s;
        String tail = "";
        int dc = s.indexOf("::");
        if (dc >= 0) {
            head = s.substring(0, dc);
            tail = s.substring(dc + 2);
        }
        int[] h = parts(head);
        int[] t = parts(tail);
        if (h == null || t == null || h.length + t.length > 8) {
            return null;
        }
        if (dc < 0 && h.length != 8) {
            return null;
        }
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(t, 0, out, 8 - t.length, t.length);
        return out;
    }

    private static int[] parts(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] p = s.split(":", -1);
        int n = p.length;
        boolean v4 = p[n - 1].indexOf('.') >= 0;
        int[] out = new int[v4 ? n + 1 : n];
        for (int i = 0; i < (v4 ? n - 1 : n); i++) {
            if (p[i].isEmpty() || p[i].length() > 4) {
                return null;
            }
            out[i] = Integer.parseInt(p[i], 16);
        }
        if (v4) {
            String[] q = p[n - 1].split("\\.");
            if (q.length != 4) {
                return null;
            }
            out[n - 1] = (Integer.parseInt(q[0]) << 8) | Integer.parseInt(q[1]);
            out[n] = (Integer.parseInt(q[2]) << 8) | Integer.parseInt(q[3]);
        }
        return out;
    }

    private static String format(int[] g) {
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not compressed (RFC 5952 4.2.2)
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
