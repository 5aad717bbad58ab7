package dev.kiroku.response.destinations;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The saved destination blocks: networks blocked directly, and domains with the addresses they
 * resolved to at the last refresh.
 */
public record BlockedDestinations(List<String> networks, Map<String, List<String>> domains) {
    public BlockedDestinations {
        networks = List.copyOf(new TreeSet<>(networks));
        domains = java.util.Collections.unmodifiableMap(new TreeMap<>(domains));
    }

    public static BlockedDestinations none() {
        return new BlockedDestinations(List.of(), Map.of());
    }

    boolean isEmpty() {
        return networks.isEmpty() && domains.isEmpty();
    }
}
