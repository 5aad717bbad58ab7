package dev.kiroku.indicators.expr;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;

/**
 * An IPv4 or IPv6 CIDR range ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare address is a
 * range of one. Parsing never resolves names.
 *
 * @param address the network address bytes (4 or 16), host bits cleared
 * @param prefix  the prefix length in bits
 */
public record IpRange(byte[] address, int prefix) {

    public IpRange {
        address = address.clone();
        if (prefix < 0 || prefix > address.length * 8) throw new IllegalArgumentException("prefix /" + prefix + " out of range");
        clearHostBits(address, prefix);
    }

    /** Parses {@code ADDRESS} or {@code ADDRESS/PREFIX}; throws IllegalArgumentException naming the problem. */
    public static IpRange parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = address(addressPart)
                .orElseThrow(() -> new IllegalArgumentException("not an IP address: " + addressPart));
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a prefix length: " + s.substring(slash + 1));
            }
        }
        return new IpRange(bytes, prefix);
    }

    /** The bytes of an IPv4 or IPv6 literal, or empty when the text is not one (names are never resolved). */
    public static Optional<byte[]> address(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) return Optional.empty();
        boolean v6 = text.indexOf(':') >= 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = c == '.' || c >= '0' && c <= '9' || v6 && (c == ':' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F');
            if (!ok) return Optional.empty();
        }
        if (!v6) return ipv4(text);
        try {
            return Optional.of(InetAddress.ofLiteral(text).getAddress());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<byte[]> ipv4(String text) {
        byte[] out = new byte[4];
        int part = 0, value = 0, digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i == text.length() ? '.' : text.charAt(i);
            if (c == '.') {
                if (digits == 0 || value > 255 || part > 3) return Optional.empty();
                out[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                if (++digits > 3) return Optional.empty();
                value = value * 10 + (c - '0');
            }
        }
        return part == 4 ? Optional.of(out) : Optional.empty();
    }

    public boolean contains(byte[] candidate) {
        if (candidate.length != address.length) return false;
        int full = prefix / 8;
        for (int i = 0; i < full; i++) if (candidate[i] != address[i]) return false;
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (candidate[full] & mask) == (address[full] & mask);
    }

    public boolean contains(String candidate) {
        return address(candidate).map(this::contains).orElse(false);
    }

    private static void clearHostBits(byte[] bytes, int prefix) {
        for (int bit = prefix; bit < bytes.length * 8; bit++) bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpRange r && r.prefix == prefix && Arrays.equals(r.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            String a = InetAddress.getByAddress(address).getHostAddress();
            return prefix == address.length * 8 ? a : a + "/" + prefix;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
