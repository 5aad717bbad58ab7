package dev.kiroku.response.destinations;

import dev.kiroku.response.nft.AddressText;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One thing to block, parsed from command text: an IPv4/IPv6 address, a CIDR network (host bits are
 * cleared: {@code 10.1.2.3/8} is {@code 10.0.0.0/8}), or a domain name.
 */
public sealed interface Destination {
    Pattern DOMAIN = Pattern.compile("(?=.{1,253}\\.?$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*"
            + "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.?");

    /** An address or network, in nft element syntax. */
    record Network(String element, boolean v6) implements Destination {
    }

    /** A domain, blocked by the addresses it resolves to. */
    record Domain(String name) implements Destination {
    }

    /** Parses one target; throws naming the text and the problem. */
    static Destination parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String host = slash < 0 ? t : t.substring(0, slash);
        if (AddressText.isLiteral(host)) {
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
            }
            boolean v6 = address instanceof Inet6Address;
            int max = v6 ? 128 : 32;
            int prefix = max;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(t.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "': prefix length is not a number");
                }
                if (prefix < 1 || prefix > max) {
                    throw new IllegalArgumentException("'" + text + "': prefix length must be 1-" + max);
                }
            }
            return new Network(network(address, prefix) + (prefix == max ? "" : "/" + prefix), v6);
        }
        if (slash < 0 && DOMAIN.matcher(t).matches() && t.chars().anyMatch(Character::isLetter)) {
            String name = t.toLowerCase(Locale.ROOT);
            return new Domain(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
        }
        throw new IllegalArgumentException("'" + text + "' is neither an IP address, a CIDR network nor a domain name");
    }

    /** An address as a single-address network element. */
    static Network of(InetAddress address) {
        return new Network(address.getHostAddress().replaceFirst("%.*$", ""), address instanceof Inet6Address);
    }

    private static String network(InetAddress address, int prefix) {
        byte[] bytes = address.getAddress();
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }
}
