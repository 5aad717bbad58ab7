package dev.kiroku.store.lucene;

import org.apache.lucene.index.Term;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.automaton.CharacterRunAutomaton;
import org.apache.lucene.util.automaton.Operations;

import java.util.Collections;
import java.util.List;

/**
 * A words search (phrase or word pattern) on a keyword field with few distinct values, such as
 * {@code process.executable}: instead of a {@code .words} field with positions in every document,
 * the field's distinct values are split into words when the query runs, and the documents holding
 * a value whose words match are found through the keyword terms ({@link TermsMatchingQuery}). The
 * {@code .words} field is still searched too: segments written before 2026-11-27 have it, and so do
 * values too long to be keywords.
 */
final class WordsOfKeywordsQuery {
    private WordsOfKeywordsQuery() {
    }

    /** Values whose words contain {@code phrase} consecutively. */
    static Query phrase(String field, List<String> phrase, Query wordsQuery) {
        return new TermsMatchingQuery(field, "words phrase " + String.join(" ", phrase),
                value -> Collections.indexOfSubList(WordAnalyzer.INSTANCE.words(field, value), phrase) >= 0, wordsQuery);
    }

    /** Values with a word matching the wildcard {@code pattern} (as a {@link WildcardQuery} on the words field would). */
    static Query pattern(String field, String pattern, Query wordsQuery) {
        CharacterRunAutomaton automaton = new CharacterRunAutomaton(
                WildcardQuery.toAutomaton(new Term(field, pattern), Operations.DEFAULT_DETERMINIZE_WORK_LIMIT));
        return new TermsMatchingQuery(field, "words pattern " + pattern,
                value -> WordAnalyzer.INSTANCE.words(field, value).stream().anyMatch(automaton::run), wordsQuery);
    }
}
