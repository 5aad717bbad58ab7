package dev.kiroku.store.lucene;

import dev.kiroku.store.EventSchema;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.ScorerSupplier;
import org.apache.lucene.search.Weight;

import java.io.IOException;

/**
 * {@code @timestamp} between two nanosecond instants, inclusive. Since layout 7 a segment keeps the
 * timestamp only as doc values with a skip index (no points): the range is answered from those,
 * skipping blocks of documents whose timestamps are all outside it. Older segments have points and
 * are answered as before (points, or doc values when another clause leads).
 */
final class TimestampRangeQuery extends Query {
    private final long from;
    private final long to;

    TimestampRangeQuery(long from, long to) {
        this.from = from;
        this.to = to;
    }

    /** True when a segment's {@code @timestamp} has points (layouts before 7). */
    static boolean hasPoints(FieldInfo field) {
        return field != null && field.getPointDimensionCount() > 0;
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) throws IOException {
        Query columns = NumericDocValuesField.newSlowRangeQuery(EventSchema.TIMESTAMP, from, to);
        Query points = new IndexOrDocValuesQuery(LongPoint.newRangeQuery(EventSchema.TIMESTAMP, from, to), columns);
        Weight ofColumns = searcher.createWeight(searcher.rewrite(columns), scoreMode, boost);
        Weight ofPoints = searcher.createWeight(searcher.rewrite(points), scoreMode, boost);
        return new Weight(this) {
            private Weight of(LeafReaderContext context) {
                return hasPoints(context.reader().getFieldInfos().fieldInfo(EventSchema.TIMESTAMP)) ? ofPoints : ofColumns;
            }

            @Override
            public ScorerSupplier scorerSupplier(LeafReaderContext context) throws IOException {
                return of(context).scorerSupplier(context);
            }

            @Override
            public Explanation explain(LeafReaderContext context, int doc) throws IOException {
                return of(context).explain(context, doc);
            }

            @Override
            public int count(LeafReaderContext context) throws IOException {
                return of(context).count(context);
            }

            @Override
            public boolean isCacheable(LeafReaderContext context) {
                return of(context).isCacheable(context);
            }
        };
    }

    @Override
    public String toString(String field) {
        return EventSchema.TIMESTAMP + ":[" + from + " TO " + to + "]";
    }

    @Override
    public void visit(QueryVisitor visitor) {
        if (visitor.acceptField(EventSchema.TIMESTAMP)) visitor.visitLeaf(this);
    }

    @Override
    public boolean equals(Object other) {
        return sameClassAs(other) && ((TimestampRangeQuery) other).from == from && ((TimestampRangeQuery) other).to == to;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * classHash() + Long.hashCode(from)) + Long.hashCode(to);
    }
}
