package dev.kiroku.store.lucene;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.automaton.CharacterRunAutomaton;
import org.apache.lucene.util.automaton.Operations;

import java.util.ArrayList;
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
 * value that contains one of the separators.
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
                "kiroku.loss.source")) {
            SLOT.put(f, 0);
        }
        for (String f : List.of("user.id", "user.effective.id", "user.effective.name", "group.id", "process.user.login_id")) {
            SLOT.put(f, 1);
        }
    }

    private CombinedKeywords() {
    }

    static boolean combines(String field) {
        return SLOT.containsKey(field);
    }

    /** The pairs of one document, gathered while its fields are produced and then added as its combined terms. */
    static final class Pairs {
        @SuppressWarnings("unchecked")
        private final List<String>[] bySlot = new List[NAMES.length];

        /** False when the value cannot be part of a combined term (the caller indexes it as its own field). */
        boolean add(String field, String value) {
            Integer slot = SLOT.get(field);
            if (slot == null || value.indexOf(NAME_END) >= 0 || value.indexOf(PAIR_END) >= 0) return false;
            if (bySlot[slot] == null) bySlot[slot] = new ArrayList<>(8);
            bySlot[slot].add(field + NAME_END + value);
            return true;
        }

        void addTo(Document doc) {
            for (int slot = 0; slot < NAMES.length; slot++) {
                List<String> pairs = bySlot[slot];
                if (pairs == null) continue;
                pairs.sort(null);
                String term = String.join(String.valueOf(PAIR_END), pairs);
                if (term.length() <= MAX_TERM_CHARS) {
                    doc.add(new StringField(NAMES[slot], Utf8.bytes(term), Field.Store.NO));
                } else {
                    for (String pair : pairs) {
                        int end = pair.indexOf(NAME_END);
                        doc.add(new StringField(pair.substring(0, end), pair.substring(end + 1), Field.Store.NO));
                    }
                }
            }
        }
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
