package dev.kiroku.store.lucene;

import dev.kiroku.store.EventQuery;
import dev.kiroku.store.EventSchema;
import dev.kiroku.store.query.Query;
import dev.kiroku.store.query.QuerySyntaxException;
import org.apache.lucene.document.InetAddressPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.SortedNumericDocValuesField;
import dev.kiroku.store.FieldSpec;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.WildcardQuery;

import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

/** Translates a parsed {@link Query} (and the query's time window) into a Lucene query. */
final class LuceneQueries {
    private LuceneQueries() {
    }

    static org.apache.lucene.search.Query of(EventQuery query, Instant windowFrom, Instant windowTo) {
        org.apache.lucene.search.Query main = translate(query.query(), query.text());
        if (windowFrom == null && windowTo == null) return main;
        long from = windowFrom == null ? Long.MIN_VALUE : Nanos.of(windowFrom);
        long to = windowTo == null ? Long.MAX_VALUE : Nanos.of(windowTo) - 1;
        return new BooleanQuery.Builder()
                .add(main, Occur.FILTER)
                .add(timestamp(from, to), Occur.FILTER)
                .build();
    }

    private static org.apache.lucene.search.Query translate(Query q, String text) {
        return switch (q) {
            case Query.All ignored -> new MatchAllDocsQuery();
            case Query.And and -> {
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                boolean positive = false;
                for (Query clause : and.clauses()) {
                    if (clause instanceof Query.Not not) {
                        b.add(translate(not.clause(), text), Occur.MUST_NOT);
                    } else {
                        b.add(translate(clause, text), Occur.FILTER);
                        positive = true;
                    }
                }
                if (!positive) b.add(new MatchAllDocsQuery(), Occur.FILTER);
                yield b.build();
            }
            case Query.Or or -> {
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                for (Query clause : or.clauses()) b.add(translate(clause, text), Occur.SHOULD);
                yield b.build();
            }
            case Query.Not not -> new BooleanQuery.Builder()
                    .add(new MatchAllDocsQuery(), Occur.FILTER)
                    .add(translate(not.clause(), text), Occur.MUST_NOT)
                    .build();
            case Query.Exact exact -> {
                org.apache.lucene.search.Query own = ownTerms(exact.field(), exact.value(), (f, v) -> new TermQuery(new Term(f, v)));
                yield CombinedKeywords.combines(exact.field()) ? CombinedKeywords.exact(exact.field(), exact.value(), own) : own;
            }
            case Query.Pattern pattern -> {
                org.apache.lucene.search.Query own = ownTerms(pattern.field(), pattern.pattern(), LuceneQueries::wildcard);
                yield CombinedKeywords.combines(pattern.field()) ? CombinedKeywords.pattern(pattern.field(), pattern.pattern(), own) : own;
            }
            case Query.Words words -> {
                List<String> tokens = WordAnalyzer.INSTANCE.words("", words.text());
                if (tokens.isEmpty()) {
                    throw new QuerySyntaxException(text, words.position(),
                            "'" + words.text() + "' has no searchable words (letters or digits) for a full-text field");
                }
                yield anyField(words.fields(), field -> {
                    org.apache.lucene.search.Query own = tokens.size() == 1
                            ? new TermQuery(new Term(Fields.words(field), tokens.getFirst()))
                            : new PhraseQuery(Fields.words(field), tokens.toArray(String[]::new));
                    return Fields.WORDS_FROM_KEYWORDS.contains(field) ? WordsOfKeywordsQuery.phrase(field, tokens, own) : own;
                });
            }
            case Query.WordPattern pattern -> anyField(pattern.fields(), field -> {
                org.apache.lucene.search.Query own = wildcard(Fields.words(field), pattern.pattern());
                return Fields.WORDS_FROM_KEYWORDS.contains(field) ? WordsOfKeywordsQuery.pattern(field, pattern.pattern(), own) : own;
            });
            case Query.LongRange range -> longRange(range.field(), range.min(), range.max());
            case Query.TimeRange range -> range.field().equals(EventSchema.TIMESTAMP)
                    ? timestamp(Nanos.of(range.from()), Nanos.of(range.to()))
                    : LongPoint.newRangeQuery(range.field(), Nanos.of(range.from()), Nanos.of(range.to()));
            case Query.IpRange range -> InetAddressPoint.newRangeQuery(range.field(), range.from(), range.to());
        };
    }

    /**
     * A number: {@code destination.port} has points and doc
     * values; the sequence and the other numbers only doc values since layout 4 of 2026-11-27
     * ({@link EventDocuments}), and points in older segments. Each leaf matches through whichever
     * it has (a clause over a structure a segment lacks matches nothing there).
     */
    static org.apache.lucene.search.Query longRange(String field, long min, long max) {
        org.apache.lucene.search.Query points = LongPoint.newRangeQuery(field, min, max);
        if (field.equals(EventSchema.SEQUENCE)) {
            return new BooleanQuery.Builder()
                    .add(points, Occur.SHOULD)
                    .add(NumericDocValuesField.newSlowRangeQuery(field, min, max), Occur.SHOULD)
                    .build();
        }
        org.apache.lucene.search.Query columns = SortedNumericDocValuesField.newSlowRangeQuery(field, min, max);
        if (EventSchema.field(field).map(FieldSpec::aggregatable).orElse(false)) {
            return new IndexOrDocValuesQuery(points, columns);
        }
        return new BooleanQuery.Builder().add(points, Occur.SHOULD).add(columns, Occur.SHOULD).build();
    }

    /** From the doc values' skip index (layout 7), or in older segments from the points. */
    private static org.apache.lucene.search.Query timestamp(long from, long to) {
        return new TimestampRangeQuery(from, to);
    }

    /**
     * A keyword query on the field's own terms; for a field combined since layout 8 also on the
     * {@link CombinedKeywords#UNCOMBINED} terms, where its values that cannot be combined are.
     */
    private static org.apache.lucene.search.Query ownTerms(String field, String valueOrPattern,
                                                           BiFunction<String, String, org.apache.lucene.search.Query> query) {
        org.apache.lucene.search.Query own = query.apply(field, valueOrPattern);
        if (!CombinedKeywords.FOLDED_SINCE_LAYOUT_8.contains(field)) return own;
        return new BooleanQuery.Builder()
                .add(own, Occur.SHOULD)
                .add(query.apply(CombinedKeywords.UNCOMBINED, CombinedKeywords.uncombined(field, valueOrPattern)), Occur.SHOULD)
                .build();
    }

    private static org.apache.lucene.search.Query wildcard(String field, String pattern) {
        int star = pattern.indexOf('*');
        if (star == pattern.length() - 1 && pattern.indexOf('?') < 0 && pattern.indexOf('\\') < 0) {
            return new PrefixQuery(new Term(field, pattern.substring(0, star)));
        }
        return new WildcardQuery(new Term(field, pattern));
    }

    private static org.apache.lucene.search.Query anyField(List<String> fields,
                                                           java.util.function.Function<String, org.apache.lucene.search.Query> one) {
        if (fields.size() == 1) return one.apply(fields.getFirst());
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (String field : fields) b.add(one.apply(field), Occur.SHOULD);
        return b.build();
    }

    /** The time window a query is confined to by its top-level @timestamp ranges; null bounds are open. */
    static Instant[] window(EventQuery query) {
        Instant from = query.from();
        Instant to = query.to();
        List<Query> conjuncts = query.query() instanceof Query.And and ? and.clauses() : List.of(query.query());
        for (Query clause : conjuncts) {
            if (clause instanceof Query.TimeRange range && range.field().equals(EventSchema.TIMESTAMP)) {
                if (from == null || range.from().isAfter(from)) from = range.from();
                Instant exclusiveTo = range.to().equals(Instant.MAX) ? null : range.to().plusNanos(1);
                if (exclusiveTo != null && (to == null || exclusiveTo.isBefore(to))) to = exclusiveTo;
            }
        }
        return new Instant[]{from, to};
    }
}
