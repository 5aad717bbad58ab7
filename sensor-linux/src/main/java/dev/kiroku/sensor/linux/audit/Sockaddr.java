package dev.kiroku.sensor.linux.audit;

import dev.kiroku.sensor.linux.netlink.IpAddressText;

import java.nio.charset.StandardCharsets;

/**
 * A decoded SOCKADDR {@code saddr=} value: {@code sa_family} is little-endian u16, ports are big-endian.
 *
 * @param family  {@code inet}, {@code inet6}, {@code unix}, {@code netlink}, {@code family(N)}, or {@code malformed}
 * @param address IP text, unix path ({@code @name} for abstract), or null
 * @param port    port for inet/inet6, else -1
 */
public record Sockaddr(String family, String address, int port) {

    public static Sockaddr decode(byte[] b) {
        if (b == null || b.length < 2) {
            return new Sockaddr("malformed", null, -1);
        }
        int family = (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
        switch (family) {
            case 2 -> {
                if (b.length < 8) {
                    return new Sockaddr("malformed", null, -1);
                }
                return new Sockaddr("inet", IpAddressText.ipv4(b, 4), port(b));
            }
            case 10 -> {
                if (b.length < 24) {
                    return new Sockaddr("malformed", null, -1);
                }
                return new Sockaddr("inet6", IpAddressText.ipv6(b, 8), port(b));
            }
            case 1 -> {
                if (b.length == 2) {
                    return new Sockaddr("unix", null, -1);
                }
                boolean abstractName = b[2] == 0;
                int start = abstractName ? 3 : 2;
                int end = start;
                while (end < b.length && b[end] != 0) {
                    end++;
                }
                String path = new String(b, start, end - start, StandardCharsets.UTF_8);
                return new Sockaddr("unix", abstractName ? "@" + path : path, -1);
            }
            case 16 -> {
                return new Sockaddr("netlink", null, -1);
            }
            default -> {
                return new Sockaddr("family(" + family + ")", null, -1);
            }
        }
    }

    private static int port(byte[] b) {
        return (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }
}
