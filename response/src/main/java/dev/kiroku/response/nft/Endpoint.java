package dev.kiroku.response.nft;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * An address, TCP/UDP port and protocol, e.g. the Kiroku server the agent talks to. Parsed from
 * {@code 10.0.0.5:8443}, {@code [2001:db8::1]:8443} or {@code udp/10.0.0.5:53}; only literal
 * addresses are accepted, so a ruleset never depends on DNS.
 */
public record Endpoint(InetAddress address, int port, String protocol) {

    public Endpoint {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range 1-65535: " + port);
        }
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new IllegalArgumentException("protocol must be tcp or udp: " + protocol);
        }
    }

    public static Endpoint parse(String text) {
        String s = text.trim();
        String protocol = "tcp";
        int slash = s.indexOf('/');
        if (slash > 0 && !s.startsWith("[")) {
            protocol = s.substring(0, slash).toLowerCase(Locale.ROOT);
            s = s.substring(slash + 1);
        }
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("endpoint '" + text + "': expected [IPv6]:port");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0 || s.indexOf(':') != colon) {
                throw new IllegalArgumentException("endpoint '" + text + "': expected address:port (IPv6 as [addr]:port)");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        if (!AddressText.isLiteral(host)) {
            throw new IllegalArgumentException("endpoint '" + text + "': '" + host + "' is not an IP address literal");
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint '" + text + "': port '" + port + "' is not a number");
        }
        try {
            return new Endpoint(InetAddress.getByName(host), p, protocol);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("endpoint '" + text + "': " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("endpoint '" + text + "': " + e.getMessage());
        }
    }

    /** {@code ip} or {@code ip6}: the nft payload keyword of the address family. */
    public String nftFamily() {
        return address instanceof java.net.Inet6Address ? "ip6" : "ip";
    }

    @Override
    public String toString() {
        String host = address.getHostAddress();
        return protocol + "/" + (address instanceof java.net.Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }
}
