package dev.kiroku.yara.ffm;

import dev.kiroku.yara.api.StringMatch;
import dev.kiroku.yara.api.YaraMatch;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * Turns a matching {@code YR_RULE} and its scan context into a {@link YaraMatch} (without the target). libyara keeps
 * these structures in arena buffers without natural alignment, hence the unaligned layouts.
 */
final class RuleReader {
    private RuleReader() {
    }

    static YaraMatch read(MemorySegment context, MemorySegment rulePointer) {
        MemorySegment rule = Structs.at(rulePointer);
        String identifier = Structs.cString(rule.get(ADDRESS_UNALIGNED, Structs.RULE_IDENTIFIER));
        MemorySegment ns = rule.get(ADDRESS_UNALIGNED, Structs.RULE_NS);
        String namespace = ns.equals(MemorySegment.NULL) ? "default" : Structs.cString(Structs.at(ns).get(ADDRESS_UNALIGNED, Structs.NS_NAME));
        return new YaraMatch(identifier, namespace, tags(rule.get(ADDRESS_UNALIGNED, Structs.RULE_TAGS)),
                meta(rule.get(ADDRESS_UNALIGNED, Structs.RULE_METAS)), strings(context, rule.get(ADDRESS_UNALIGNED, Structs.RULE_STRINGS)), null, null);
    }

    /** Tags are consecutive NUL-terminated strings ended by an empty one. */
    private static List<String> tags(MemorySegment pointer) {
        List<String> tags = new ArrayList<>();
        if (pointer.equals(MemorySegment.NULL)) {
            return tags;
        }
        MemorySegment at = Structs.at(pointer);
        long offset = 0;
        while (at.get(JAVA_BYTE, offset) != 0) {
            String tag = at.getString(offset);
            tags.add(tag);
            offset += tag.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
        }
        return tags;
    }

    private static Map<String, Object> meta(MemorySegment pointer) {
        Map<String, Object> meta = new LinkedHashMap<>();
        if (pointer.equals(MemorySegment.NULL)) {
            return meta;
        }
        MemorySegment metas = Structs.at(pointer);
        for (long i = 0; ; i++) {
            long base = i * Structs.META_SIZE;
            String key = Structs.cString(metas.get(ADDRESS_UNALIGNED, base + Structs.META_IDENTIFIER));
            Object value = switch (metas.get(JAVA_INT_UNALIGNED, base + Structs.META_TYPE)) {
                case Structs.META_TYPE_INTEGER -> metas.get(JAVA_LONG_UNALIGNED, base + Structs.META_INTEGER);
                case Structs.META_TYPE_BOOLEAN -> metas.get(JAVA_LONG_UNALIGNED, base + Structs.META_INTEGER) != 0;
                default -> Structs.cString(metas.get(ADDRESS_UNALIGNED, base + Structs.META_STRING));
            };
            if (key != null) {
                meta.putIfAbsent(key, value);
            }
            if ((metas.get(JAVA_INT_UNALIGNED, base + Structs.META_FLAGS) & Structs.META_FLAGS_LAST_IN_RULE) != 0) {
                return meta;
            }
        }
    }

    private static List<StringMatch> strings(MemorySegment context, MemorySegment pointer) {
        List<StringMatch> found = new ArrayList<>();
        if (pointer.equals(MemorySegment.NULL)) {
            return found;
        }
        MemorySegment matchLists = Structs.at(Structs.at(context).get(ADDRESS_UNALIGNED, Structs.CONTEXT_MATCHES));
        MemorySegment strings = Structs.at(pointer);
        Map<String, Integer> perIdentifier = new LinkedHashMap<>();
        for (long i = 0; ; i++) {
            long base = i * Structs.STRING_SIZE;
            int flags = strings.get(JAVA_INT_UNALIGNED, base + Structs.STRING_FLAGS);
            if ((flags & Structs.STRING_FLAGS_PRIVATE) == 0) {
                String identifier = Structs.cString(strings.get(ADDRESS_UNALIGNED, base + Structs.STRING_IDENTIFIER));
                long index = Integer.toUnsignedLong(strings.get(JAVA_INT_UNALIGNED, base + Structs.STRING_IDX));
                MemorySegment match = matchLists.get(ADDRESS_UNALIGNED, index * Structs.MATCHES_SIZE + Structs.MATCHES_HEAD);
                while (!match.equals(MemorySegment.NULL)
                        && perIdentifier.merge(identifier, 1, Integer::sum) <= YaraMatch.MAX_STRING_MATCHES) {
                    MemorySegment m = Structs.at(match);
                    found.add(stringMatch(identifier, m));
                    match = m.get(ADDRESS_UNALIGNED, Structs.MATCH_NEXT);
                }
            }
            if ((flags & Structs.STRING_FLAGS_LAST_IN_RULE) != 0) {
                return found;
            }
        }
    }

    private static StringMatch stringMatch(String identifier, MemorySegment m) {
        int dataLength = Math.min(m.get(JAVA_INT_UNALIGNED, Structs.MATCH_DATA_LENGTH), StringMatch.PREVIEW_BYTES);
        MemorySegment data = m.get(ADDRESS_UNALIGNED, Structs.MATCH_DATA);
        byte[] preview = data.equals(MemorySegment.NULL) || dataLength <= 0 ? new byte[0]
                : data.reinterpret(dataLength).toArray(JAVA_BYTE);
        return new StringMatch(identifier, m.get(JAVA_LONG_UNALIGNED, Structs.MATCH_BASE), m.get(JAVA_LONG_UNALIGNED, Structs.MATCH_OFFSET),
                m.get(JAVA_INT_UNALIGNED, Structs.MATCH_LENGTH), StringMatch.preview(preview));
    }
}
