package dev.kiroku.sandbox.statics;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Network indicators embedded in a file: URLs, IPv4 addresses and domain names, found in its
 * printable strings (at most {@link #MAX_EACH} of each kind, from the first {@link #SCAN_LIMIT} bytes).
 */
public record Indicators(List<String> urls, List<String> ips, List<String> domains) {
    static final int MAX_EACH = 50;
    static final int SCAN_LIMIT = 16 << 20;
    private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?|ftp|stratum\\+tcp)://[\\w.\\-:@%]{1,253}(?:/[^\\s\"'<>`]{0,200})?");
    private static final Pattern IP = Pattern.compile("(?<![\\d.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\d.])");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?i)\\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:com|net|org|io|ru|cn|xyz|top|info|biz|onion|tk|cc|su|pw|me|co|de|uk|us|in|click|online|site|club|live|dev|app)\\b");

    public Indicators {
        urls = List.copyOf(urls);
        ips = List.copyOf(ips);
        domains = List.copyOf(domains);
    }

    public static Indicators of(byte[] bytes) {
        String text = printable(bytes);
        Set<String> urls = collect(URL, text);
        Set<String> ips = new LinkedHashSet<>();
        for (String ip : collect(IP, text)) if (validIp(ip)) ips.add(ip);
        Set<String> domains = collect(DOMAIN, text);
        return new Indicators(List.copyOf(urls), List.copyOf(ips), List.copyOf(domains));
    }

    /** An address that leaves the machine (not loopback, private, link-local or unspecified). */
    public static boolean isPublic(String ip) {
        try {
            InetAddress a = InetAddress.ofLiteral(ip);
            return !(a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                    || a.isMulticastAddress());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean validIp(String ip) {
        for (String part : ip.split("\\.")) if (Integer.parseInt(part) > 255 || (part.length() > 1 && part.startsWith("0"))) return false;
        return true;
    }

    private static Set<String> collect(Pattern pattern, String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find() && found.size() < MAX_EACH) found.add(m.group());
        return found;
    }

    /** Printable runs of at least 4 characters, separated by newlines. */
    private static String printable(byte[] bytes) {
        int n = Math.min(bytes.length, SCAN_LIMIT);
        StringBuilder out = new StringBuilder();
        int runStart = -1;
        for (int i = 0; i <= n; i++) {
            int c = i < n ? bytes[i] & 0xFF : 0;
            boolean ok = c >= 0x20 && c < 0x7F || c == '\t';
            if (ok && runStart < 0) runStart = i;
            if (!ok && runStart >= 0) {
                if (i - runStart >= 4) out.append(new String(bytes, runStart, i - runStart, StandardCharsets.US_ASCII)).append('\n');
                runStart = -1;
            }
        }
        return out.toString();
    }

}
