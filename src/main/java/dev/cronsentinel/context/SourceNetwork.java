package dev.cronsentinel.context;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The network a source IP belongs to: its /24 for IPv4 and its /64 for IPv6 (an IPv4-mapped IPv6 address
 * counts as IPv4). Clients move within a subnet (DHCP, pod IP churn, NAT pools) without that being news; a
 * different subnet is.
 *
 * <p>Parsed by hand, never with {@code InetAddress.getByName}, which would resolve a host name through DNS if
 * a malformed event carried one.
 */
public final class SourceNetwork {
    private SourceNetwork() {}

    /** The network, e.g. {@code 198.51.100.0/24} or {@code 2001:db8:0:1::/64}; null when the text is not an IP. */
    public static String of(String ip) {
        if (ip == null) {
            return null;
        }
        String s = ip.strip();
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.indexOf(':') < 0) {
            int[] v4 = parseIpv4(s);
            return v4 == null ? null : v4[0] + "." + v4[1] + "." + v4[2] + ".0/24";
        }
        int[] groups = parseIpv6(s.toLowerCase(Locale.ROOT));
        if (groups == null) {
            return null;
        }
        boolean mapped = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
                && groups[5] == 0xffff;
        if (mapped) {
            return (groups[6] >> 8) + "." + (groups[6] & 0xff) + "." + (groups[7] >> 8) + ".0/24";
        }
        // The first four groups; trailing zero groups fold into the "::" that stands for the host half.
        int last = 3;
        while (last >= 0 && groups[last] == 0) {
            last--;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i <= last; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        sb.append("::");
        return sb.append("/64").toString();
    }

    /** The four octets of a dotted-quad IPv4 address, or null (also used for image registries). */
    public static int[] parseIpv4(String s) {
        String[] parts = split(s, '.');
        if (parts.length != 4) {
            return null;
        }
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                char ch = p.charAt(j);
                if (ch < '0' || ch > '9') {
                    return null;
                }
                v = v * 10 + (ch - '0');
            }
            if (v > 255) {
                return null;
            }
            out[i] = v;
        }
        return out;
    }

    /** The eight 16-bit groups of an IPv6 address (with "::" expanded and a dotted IPv4 tail), or null. */
    static int[] parseIpv6(String s) {
        int[] tail = null;
        int lastColon = s.lastIndexOf(':');
        if (s.indexOf('.', lastColon) > lastColon) {
            tail = parseIpv4(s.substring(lastColon + 1));
            if (tail == null) {
                return null;
            }
            s = s.substring(0, lastColon + 1) + "0:0";
        }
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap >= 0 ? s.substring(0, gap) : s;
        String rest = gap >= 0 ? s.substring(gap + 2) : "";
        int[] h = groups(head);
        int[] r = groups(rest);
        if (h == null || r == null) {
            return null;
        }
        int[] out = new int[8];
        if (gap < 0) {
            if (h.length != 8) {
                return null;
            }
            System.arraycopy(h, 0, out, 0, 8);
        } else {
            if (h.length + r.length > 7) {
                return null;
            }
            System.arraycopy(h, 0, out, 0, h.length);
            System.arraycopy(r, 0, out, 8 - r.length, r.length);
        }
        if (tail != null) {
            out[6] = (tail[0] << 8) | tail[1];
            out[7] = (tail[2] << 8) | tail[3];
        }
        return out;
    }

    private static int[] groups(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = split(s, ':');
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                int d = Character.digit(p.charAt(j), 16);
                if (d < 0) {
                    return null;
                }
                v = (v << 4) | d;
            }
            out[i] = v;
        }
        return out;
    }

    /** Splits on one character, keeping empty parts; regex-free like the rest of this parser. */
    private static String[] split(String s, char sep) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == sep) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts.toArray(new String[0]);
    }
}
