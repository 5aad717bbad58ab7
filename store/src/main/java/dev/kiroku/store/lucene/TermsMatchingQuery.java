package dev.kiroku.store.lucene;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The documents holding a term of {@code field} that satisfies a predicate, decided when the query
 * runs by reading the field's distinct terms (a field with few of them), or matching {@code fallback}
 * (the same condition on the structure older or unusual documents have).
 */
final class TermsMatchingQuery extends Query {
    private final String field;
    private final String description;
    private final Predicate<String> matches;
    private final Query fallback;

    /**
     * @param description what the predicate tests; queries with equal fields, descriptions and fallbacks are equal
     */
    TermsMatchingQuery(String field, String description, Predicate<String> matches, Query fallback) {
        this.field = field;
        this.description = description;
        this.matches = matches;
        this.fallback = fallback;
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
                if (matches.test(value.utf8ToString())) values.add(BytesRef.deepCopyOf(value));
            }
        }
        if (values.isEmpty()) return fallback;
        return new BooleanQuery.Builder()
                .add(new TermInSetQuery(field, values), Occur.SHOULD)
                .add(fallback, Occur.SHOULD)
                .build();
    }

    @Override
    public void visit(QueryVisitor visitor) {
        if (visitor.acceptField(field)) visitor.visitLeaf(this);
    }

    @Override
    public String toString(String defaultField) {
        return field + ":matching(" + description + ")";
    }

    @Override
    public boolean equals(Object other) {
        return sameClassAs(other) && field.equals(((TermsMatchingQuery) other).field)
                && description.equals(((TermsMatchingQuery) other).description)
                && fallback.equals(((TermsMatchingQuery) other).fallback);
    }

    @Override
    public int hashCode() {
        return Objects.hash(classHash(), field, description, fallback);
    }
}
