package dev.kiroku.agent.scanning;

import dev.kiroku.yara.api.YaraMatch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the policy's rules found in a content, by SHA-256: a file is scanned once per content, whether it was written,
 * copied elsewhere or executed. Bounded (least recently used out); thread-safe. One instance per set of rules.
 */
final class ContentVerdicts {
    private final Map<String, List<YaraMatch>> verdicts;

    ContentVerdicts(int capacity) {
        this.verdicts = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<YaraMatch>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The matches found in this content (empty: clean), or null when it was not scanned yet. */
    synchronized List<YaraMatch> get(String sha256) {
        return verdicts.get(sha256);
    }

    synchronized void put(String sha256, List<YaraMatch> matches) {
        verdicts.put(sha256, List.copyOf(matches));
    }

    synchronized int size() {
        return verdicts.size();
    }
}
