package dev.kiroku.store.lucene;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.automaton.CharacterRunAutomaton;
import org.apache.lucene.util.automaton.Operations;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A words search (phrase or word pattern) on a keyword field with few distinct values, such as
 * {@code process.executable}: instead of a {@code .words} field with positions in every document,
 * the field's distinct values are split into words when the query runs, and the documents holding
 * a value whose words match are found through the keyword terms. The {@code .words} field is still
 * searched too: segments written before 2026-11-27 have it, and so do values too long to be keywords.
 */
final class WordsOfKeywordsQuery extends Query {
    private final String field;
    private final String description;
    private final Predicate<List<String>> matches;
    private final Query wordsQuery;

    private WordsOfKeywordsQuery(String field, String description, Predicate<List<String>> matches, Query wordsQuery) {
        this.field = field;
        this.description = description;
        this.matches = matches;
        this.wordsQuery = wordsQuery;
    }

    /** Values whose words contain {@code phrase} consecutively. */
    static Query phrase(String field, List<String> phrase, Query wordsQuery) {
        return new WordsOfKeywordsQuery(field, "phrase " + String.join(" ", phrase),
                words -> Collections.indexOfSubList(words, phrase) >= 0, wordsQuery);
    }

    /** Values with a word matching the wildcard {@code pattern} (as a {@link WildcardQuery} on the words field would). */
    static Query pattern(String field, String pattern, Query wordsQuery) {
        CharacterRunAutomaton automaton = new CharacterRunAutomaton(
                WildcardQuery.toAutomaton(new Term(field, pattern), Operations.DEFAULT_DETERMINIZE_WORK_LIMIT));
        return new WordsOfKeywordsQuery(field, "pattern " + pattern, words -> words.stream().anyMatch(automaton::run), wordsQuery);
    }

    @Override
    public Query rewrite(IndexSearcher searcher) throws IOException {
        TreeSet<BytesRef> values = new TreeSet<>();
        Set<BytesRef> seen = new HashSet<>();
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            Terms terms = leaf.reader().terms(field);
            if (terms == null) continue;
            TermsEnum each = terms.iterator();
            for (BytesRef value = each.next(); value != null; value = each.next()) {
                if (!seen.add(BytesRef.deepCopyOf(value))) continue;
                if (matches.test(WordAnalyzer.INSTANCE.words(field, value.utf8ToString()))) values.add(BytesRef.deepCopyOf(value));
            }
        }
        if (values.isEmpty()) return wordsQuery;
        return new BooleanQuery.Builder()
                .add(new TermInSetQuery(field, values), Occur.SHOULD)
                .add(wordsQuery, Occur.SHOULD)
                .build();
    }

    @Override
    public void visit(QueryVisitor visitor) {
        if (visitor.acceptField(field)) visitor.visitLeaf(this);
    }

    @Override
    public String toString(String defaultField) {
        return field + ":words(" + description + ")";
    }

    @Override
    public boolean equals(Object other) {
        return sameClassAs(other) && field.equals(((WordsOfKeywordsQuery) other).field)
                && description.equals(((WordsOfKeywordsQuery) other).description)
                && wordsQuery.equals(((WordsOfKeywordsQuery) other).wordsQuery);
    }

    @Override
    public int hashCode() {
        return Objects.hash(classHash(), field, description, wordsQuery);
    }
}
