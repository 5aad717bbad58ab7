package dev.kiroku.yara.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule that matched a file or a process.
 *
 * @param rule      the rule's identifier
 * @param namespace the namespace it was compiled in (Kiroku uses the rule file's path)
 * @param tags      the rule's tags
 * @param meta      the rule's meta values (String, Long or Boolean), in rule order
 * @param strings   matched strings with offsets; at most {@link #MAX_STRING_MATCHES} per string identifier are kept
 * @param file      the scanned file, or null for a process
 * @param pid       the scanned process, or null for a file
 */
public record YaraMatch(String rule, String namespace, List<String> tags, Map<String, Object> meta,
                        List<StringMatch> strings, String file, Long pid) {
    /** Occurrences kept per string identifier (libyara may find thousands). */
    public static final int MAX_STRING_MATCHES = 16;

    public YaraMatch {
        tags = List.copyOf(tags);
        meta = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(meta));
        strings = List.copyOf(strings);
    }

    public YaraMatch inFile(String path) {
        return new YaraMatch(rule, namespace, tags, meta, strings, path, null);
    }

    public YaraMatch inProcess(long processId) {
        return new YaraMatch(rule, namespace, tags, meta, strings, null, processId);
    }

    /**
     * The match as alert data in ECS field names ({@code rule.*}, {@code file.path} or {@code process.pid},
     * {@code tags}) plus {@code yara.*} for what ECS has no field for; the server can store it as an alert event.
     */
    public Map<String, Object> toEcs() {
        Map<String, Object> ecs = new LinkedHashMap<>();
        ecs.put("event.kind", "alert");
        ecs.put("event.module", "yara");
        ecs.put("rule.name", rule);
        ecs.put("rule.ruleset", namespace);
        Object description = meta.get("description");
        if (description != null) {
            ecs.put("rule.description", description.toString());
        }
        Object author = meta.get("author");
        if (author != null) {
            ecs.put("rule.author", author.toString());
        }
        if (!tags.isEmpty()) {
            ecs.put("tags", tags);
        }
        if (file != null) {
            ecs.put("file.path", file);
        }
        if (pid != null) {
            ecs.put("process.pid", pid);
        }
        ecs.put("yara.meta", meta);
        ecs.put("yara.strings", strings.stream().map(s -> Map.of(
                "identifier", s.identifier(), "offset", s.address(), "length", s.length(), "preview", s.preview())).toList());
        return ecs;
    }
}
