package dev.kiroku.server.indicators;

import dev.kiroku.indicators.Indicator;
import dev.kiroku.server.response.BlockList;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Indicators imported with action {@code block} become entries of the fleet's {@link BlockList}, which every agent
 * enforces: SHA-256 hashes are blocked from executing, addresses, networks and domains from being reached. Other types
 * (MD5, SHA-1, names, patterns, OpenIOC and STIX expressions) cannot be enforced on the endpoint and only alert; each
 * is reported. Block entries carry the source {@code indicator:<origin>}, so removing the indicators removes them.
 */
final class BlockingIndicators {
    private final BlockList blockList;

    BlockingIndicators(BlockList blockList) {
        this.blockList = blockList;
    }

    /** Adds every enforceable indicator to the block list; returns one line per indicator saying what happened. */
    List<Map<String, Object>> enforce(List<Indicator> indicators, String actor) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Indicator i : indicators) {
            String kind = kind(i);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("id", i.id());
            line.put("value", i.value());
            if (kind == null) {
                line.put("blocked", false);
                line.put("reason", i.type().name().toLowerCase() + " indicators cannot be enforced on the endpoint: alert only");
            } else {
                try {
                    BlockList.Entry entry = blockList.add(kind, i.value(), reason(i), source(i.source().origin()), actor, i.expires());
                    line.put("blocked", true);
                    line.put("block_id", entry.id());
                } catch (IllegalArgumentException e) {
                    line.put("blocked", false);
                    line.put("reason", e.getMessage());
                }
            }
            out.add(line);
        }
        return out;
    }

    /** Removes the block entries that came from this source, or only the one of {@code value} when it is given. */
    int release(String origin, String value, String actor) {
        int removed = 0;
        for (BlockList.Entry e : blockList.list()) {
            if (!source(origin).equals(e.source())) continue;
            if (value != null && !value.equalsIgnoreCase(e.value())) continue;
            if (blockList.remove(e.id(), actor)) removed++;
        }
        return removed;
    }

    private static String kind(Indicator i) {
        return switch (i.type()) {
            case SHA256 -> BlockList.HASH;
            case IP, CIDR, DOMAIN -> BlockList.DESTINATION;
            default -> null;
        };
    }

    private static String reason(Indicator i) {
        return i.description() == null || i.description().isBlank() ? "indicator " + i.id() : i.description();
    }

    static String source(String origin) {
        return "indicator:" + origin;
    }
}
