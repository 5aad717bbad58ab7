package dev.kiroku.sensor.linux.netlink;

/** Text of raw IP addresses as the kernel lays them out (network byte order). */
public final class IpAddressText {

    private IpAddressText() {
    }

    public static String ipv4(byte[] b, int at) {
        return (b[at] & 0xFF) + "." + (b[at + 1] & 0xFF) + "." + (b[at + 2] & 0xFF) + "." + (b[at + 3] & 0xFF);
    }

    /** RFC 5952 text: lowercase, longest zero run (of at least two groups) compressed, v4-mapped as ::ffff:a.b.c.d. */
    public static String ipv6(byte[] b, int at) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (b[at + 2 * i] & 0xFF) << 8 | (b[at + 2 * i + 1] & 0xFF);
        }
        if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xFFFF) {
            return "::ffff:" + ipv4(b, at + 12);
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength && j - i >= 2) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
