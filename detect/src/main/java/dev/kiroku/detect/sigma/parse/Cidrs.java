package dev.kiroku.detect.sigma.parse;

import dev.kiroku.detect.sigma.model.ValueTest;

/** Parses CIDR networks and IP address literals without any name resolution. */
public final class Cidrs {
    private Cidrs() {
    }

    static ValueTest.Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        byte[] ip = address(addr);
        if (ip == null) return null;
        int prefix = ip.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (prefix < 0 || prefix > ip.length * 8) return null;
        }
        return new ValueTest.Cidr(ip, prefix, t);
    }

    /** True if the address text lies in the network. */
    public static boolean contains(ValueTest.Cidr cidr, String value) {
        byte[] ip = address(value.trim());
        if (ip == null || ip.length != cidr.network().length) return false;
        int full = cidr.prefix() / 8;
        for (int i = 0; i < full; i++) if (ip[i] != cidr.network()[i]) return false;
        int rest = cidr.prefix() % 8;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (ip[full] & mask) == (cidr.network()[full] & mask);
    }

    /** Parses an IPv4 or IPv6 literal; null when it is not one. */
    public static byte[] address(String s) {
        if (s.isEmpty() || s.length() > 45) return null;
        if (s.indexOf(':') >= 0) return ipv6(s);
        return ipv4(s);
    }

    private static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) return null;
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3) return null;
            int v = 0;
            for (char c : p.toCharArray()) {
                if (c < '0' || c > '9') return null;
                v = v * 10 + (c - '0');
            }
            if (v > 255) return null;
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] ipv6(String s) {
        int zone = s.indexOf('%');
        if (zone >= 0) s = s.substring(0, zone);
        byte[] tail4 = null;
        int lastColon = s.lastIndexOf(':');
        if (s.indexOf('.', lastColon) >= 0) {
            tail4 = ipv4(s.substring(lastColon + 1));
            if (tail4 == null) return null;
            s = s.substring(0, lastColon + 1) + "0:0";
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) return null;
        String[] head = dbl < 0 ? s.split(":", -1) : (dbl == 0 ? new String[0] : s.substring(0, dbl).split(":", -1));
        String[] tail = dbl < 0 ? new String[0] : (dbl + 2 == s.length() ? new String[0] : s.substring(dbl + 2).split(":", -1));
        int groups = head.length + tail.length;
        if (dbl < 0 && groups != 8) return null;
        if (dbl >= 0 && groups > 7) return null;
        int[] words = new int[8];
        for (int i = 0; i < head.length; i++) if ((words[i] = hex(head[i])) < 0) return null;
        for (int i = 0; i < tail.length; i++) if ((words[8 - tail.length + i] = hex(tail[i])) < 0) return null;
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (words[i] >> 8);
            out[2 * i + 1] = (byte) words[i];
        }
        if (tail4 != null) System.arraycopy(tail4, 0, out, 12, 4);
        return out;
    }

    private static int hex(String g) {
        if (g.isEmpty() || g.length() > 4) return -1;
        int v = 0;
        for (char c : g.toCharArray()) {
            int d = Character.digit(c, 16);
            if (d < 0) return -1;
            v = v * 16 + d;
        }
        return v;
    }
}
