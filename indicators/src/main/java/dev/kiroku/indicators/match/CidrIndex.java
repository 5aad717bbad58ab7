package dev.kiroku.indicators.match;

import dev.kiroku.indicators.expr.IpRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * IP addresses and CIDR ranges, looked up by address: one hash table per prefix length present (keyed
 * by the masked network address), so a lookup costs one probe per distinct prefix length, and 100,000
 * single addresses cost 100,000 map entries rather than a trie's 32 nodes each.
 *
 * @param <T> what a range stands for
 */
final class CidrIndex<T> {
    private record Key(long high, long low, int length) {
    }

    /** prefix length → masked network → values, per address size (4 or 16 bytes). */
    private final Map<Integer, TreeMap<Integer, Map<Key, List<T>>>> bySize = new HashMap<>();

    void add(IpRange range, T value) {
        byte[] network = range.address();
        bySize.computeIfAbsent(network.length, k -> new TreeMap<>())
                .computeIfAbsent(range.prefix(), k -> new HashMap<>())
                .computeIfAbsent(key(network, range.prefix()), k -> new ArrayList<>(1))
                .add(value);
    }

    boolean isEmpty() {
        return bySize.isEmpty();
    }

    /** Hands every value whose range contains the address to the consumer. */
    void lookup(byte[] address, Consumer<? super T> found) {
        TreeMap<Integer, Map<Key, List<T>>> lengths = bySize.get(address.length);
        if (lengths == null) return;
        for (Map.Entry<Integer, Map<Key, List<T>>> e : lengths.entrySet()) {
            List<T> values = e.getValue().get(key(address, e.getKey()));
            if (values != null) values.forEach(found);
        }
    }

    private static Key key(byte[] address, int prefix) {
        long high = 0, low = 0;
        for (int i = 0; i < address.length; i++) {
            int bitsBefore = i * 8;
            int keep = Math.clamp(prefix - bitsBefore, 0, 8);
            int b = address[i] & (keep == 0 ? 0 : (0xff << (8 - keep)) & 0xff);
            if (i < 8) high = high << 8 | b;
            else low = low << 8 | b;
        }
        return new Key(high, low, prefix);
    }
}
