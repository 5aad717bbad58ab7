package dev.kiroku.indicators.hunt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * The IPv4 networks whose addresses contain a piece of dotted-decimal text, such as {@code "103.41.124."} (an OpenIOC
 * {@code PortItem/remoteIP contains}) → {@code 103.41.124.0/24}: a "contains" on an address field becomes a few CIDR
 * terms instead of a scan of every event. Each alignment of the text on the four octets is tried (the first piece ends
 * an octet, the last one starts an octet, the ones between are whole octets); octets that may be anything must all
 * come last, and at most {@value #MAX_NETWORKS} networks are listed, or the text is not narrowed this way.
 */
final class Ipv4Fragments {
    static final int MAX_NETWORKS = 256;

    private Ipv4Fragments() {
    }

    /** The networks as {@code a.b.c.d/len} texts, or empty when the text cannot be narrowed to a few networks. */
    static Optional<List<String>> networksContaining(String fragment) {
        String text = fragment.strip();
        if (text.isEmpty() || text.indexOf('.') < 0 || !text.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return Optional.empty();
        }
        String[] pieces = text.split("\\.", -1);
        if (pieces.length > 4) return Optional.empty();
        List<String> networks = new ArrayList<>();
        for (int start = 0; start + pieces.length <= 4; start++) {
            List<IntPredicate> slots = new ArrayList<>();
            for (int slot = 0; slot < 4; slot++) {
                int j = slot - start;
                if (j < 0 || j >= pieces.length) {
                    slots.add(null); // any octet
                } else if (j == 0) {
                    String p = pieces[0];
                    slots.add(p.isEmpty() ? null : o -> Integer.toString(o).endsWith(p));
                } else if (j == pieces.length - 1) {
                    String p = pieces[j];
                    slots.add(p.isEmpty() ? null : o -> Integer.toString(o).startsWith(p));
                } else {
                    String p = pieces[j];
                    slots.add(o -> Integer.toString(o).equals(p));
                }
            }
            if (!add(slots, networks)) return Optional.empty();
        }
        return Optional.of(List.copyOf(networks));
    }

    /** Adds the networks of one alignment; false when they are too many or an "any" octet comes before a fixed one. */
    private static boolean add(List<IntPredicate> slots, List<String> networks) {
        int fixed = 0;
        for (int i = 0; i < 4; i++) if (slots.get(i) != null) fixed = i + 1;
        List<int[]> prefixes = new ArrayList<>();
        prefixes.add(new int[0]);
        for (int i = 0; i < fixed; i++) {
            IntPredicate allowed = slots.get(i);
            if (allowed == null) return false; // a leading "any" octet: 256 networks per prefix at least
            List<int[]> next = new ArrayList<>();
            for (int[] prefix : prefixes) {
                for (int o = 0; o < 256; o++) {
                    if (!allowed.test(o)) continue;
                    int[] longer = java.util.Arrays.copyOf(prefix, prefix.length + 1);
                    longer[prefix.length] = o;
                    next.add(longer);
                }
            }
            if (next.size() + networks.size() > MAX_NETWORKS) return false;
            prefixes = next;
        }
        for (int[] prefix : prefixes) {
            int[] octets = java.util.Arrays.copyOf(prefix, 4);
            networks.add(octets[0] + "." + octets[1] + "." + octets[2] + "." + octets[3] + "/" + (8 * prefix.length));
        }
        return true;
    }
}
