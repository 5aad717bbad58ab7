package dev.kiroku.store.lucene;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.automaton.CharacterRunAutomaton;
import org.apache.lucene.util.automaton.Operations;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Keyword fields with a handful of values (event kind, type and outcome, network direction, the
 * user and group ids…) indexed together as one term per document instead of one term per field:
 * the term lists the document's {@code name=value} pairs, so a document carries one posting where
 * it carried nine or ten nearly identical ones. A query on one of these fields reads the few distinct
 * combined terms when it runs and matches those holding a pair that fits ({@link TermsMatchingQuery}),
 * and also the field's own terms, which documents written before layout 5 have, and so does a
 * value that contains one of the separators. Since layout 8 the aggregated descriptors ({@link #FOLDED_SINCE_LAYOUT_8})
 * are combined too: their terms go, their doc values (for aggregations) stay.
 */
final class CombinedKeywords {
    /** Separates a field name from its value inside a combined term. */
    private static final char NAME_END = '\u001f';
    /** Separates the pairs of a combined term. */
    private static final char PAIR_END = '\u001e';
    /** Longer combined terms are split back into their own fields (Lucene's term limit is 32 KiB of UTF-8). */
    private static final int MAX_TERM_CHARS = 8_192;

    /** The combined fields, in the order a document gets them. */
    private static final String[] NAMES = {"_event", "_identity"};
    /** Which combined field (index into {@link #NAMES}) holds each of the combined ECS fields. */
    private static final Map<String, Integer> SLOT = new HashMap<>();

    static {
        for (String f : List.of("event.kind", "host.os.type", "event.type", "event.outcome", "network.direction",
                "network.type", "file.type", "kiroku.incomplete", "kiroku.block.attempt", "kiroku.audit.record_type",
                "kiroku.loss.source", "event.category", "event.action", "network.transport")) {
            SLOT.put(f, 0);
        }
        for (String f : List.of("user.id", "user.effective.id", "user.effective.name", "group.id", "process.user.login_id")) {
            SLOT.put(f, 1);
        }
    }

    /**
     * The aggregated fields combined since layout 8; an index that already has their own terms
     * (Lucene keeps a field's structure across an index) goes on getting them ({@link Partition}).
     */
    static final List<String> FOLDED_SINCE_LAYOUT_8 = List.of("event.category", "event.action", "network.transport");
    /**
     * Where a value of those fields that holds a separator gets its term ({@code name␟value}): not in a field of
     * its own, which since layout 8 has doc values only and Lucene will not give terms beside them.
     */
    static final String UNCOMBINED = "_uncombined";

    private CombinedKeywords() {
    }

    static boolean combines(String field) {
        return SLOT.containsKey(field);
    }

    /** The pairs of one document, gathered while its fields are produced and then added as its combined terms. */
    static final class Pairs {
        private int[] slots = new int[16];
        private String[] fields = new String[16];
        private String[] values = new String[16];
        private int size;

        /** False when the value cannot be part of a combined term (the caller indexes it as its own field). */
        boolean add(String field, String value) {
            Integer slot = SLOT.get(field);
            if (slot == null || value.indexOf(NAME_END) >= 0 || value.indexOf(PAIR_END) >= 0) return false;
            if (size == fields.length) {
                slots = Arrays.copyOf(slots, size * 2);
                fields = Arrays.copyOf(fields, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            // kept sorted by slot, then field, then value: the order of the "name=value" texts, since no name holds a separator
            int at = size;
            while (at > 0 && compare(slots[at - 1], fields[at - 1], values[at - 1], slot, field, value) > 0) at--;
            System.arraycopy(slots, at, slots, at + 1, size - at);
            System.arraycopy(fields, at, fields, at + 1, size - at);
            System.arraycopy(values, at, values, at + 1, size - at);
            slots[at] = slot;
            fields[at] = field;
            values[at] = value;
            size++;
            return true;
        }

        private static int compare(int slotA, String fieldA, String valueA, int slotB, String fieldB, String valueB) {
            if (slotA != slotB) return Integer.compare(slotA, slotB);
            int byField = fieldA.compareTo(fieldB);
            return byField != 0 ? byField : valueA.compareTo(valueB);
        }

        void addTo(Document doc) {
            StringBuilder term = new StringBuilder(256);
            for (int from = 0, to; from < size; from = to) {
                int slot = slots[from];
                term.setLength(0);
                for (to = from; to < size && slots[to] == slot; to++) {
                    if (to > from) term.append(PAIR_END);
                    term.append(fields[to]).append(NAME_END).append(values[to]);
                }
                if (term.length() <= MAX_TERM_CHARS) {
                    doc.add(new StringField(NAMES[slot], Utf8.bytes(term.toString()), Field.Store.NO));
                } else {
                    for (int i = from; i < to; i++) doc.add(new StringField(fields[i], values[i], Field.Store.NO));
                }
            }
        }
    }

    /** The term of {@link #UNCOMBINED} for a field and a value, or a wildcard pattern of values. */
    static String uncombined(String field, String value) {
        return field + NAME_END + value;
    }

    /** {@code field:value} on a combined field; {@code own} is the same query on the field's own terms. */
    static Query exact(String field, String value, Query own) {
        return matching(field, "= " + value, value::equals, own);
    }

    /** {@code field:pattern} (wildcards) on a combined field; {@code own} is the same query on the field's own terms. */
    static Query pattern(String field, String pattern, Query own) {
        CharacterRunAutomaton automaton = new CharacterRunAutomaton(
                WildcardQuery.toAutomaton(new Term(field, pattern), Operations.DEFAULT_DETERMINIZE_WORK_LIMIT));
        return matching(field, "like " + pattern, automaton::run, own);
    }

    private static Query matching(String field, String description, Predicate<String> value, Query own) {
        String prefix = field + NAME_END;
        return new TermsMatchingQuery(NAMES[SLOT.get(field)], field + " " + description, term -> {
            for (String pair : term.split(String.valueOf(PAIR_END), -1)) {
                if (pair.startsWith(prefix) && value.test(pair.substring(prefix.length()))) return true;
            }
            return false;
        }, own);
    }
}
