package dev.kiroku.store.lucene;

import dev.kiroku.store.EventSchema;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;

import java.io.IOException;
import java.util.Collection;
import java.util.TreeMap;

/** Counts matching documents per {@code @timestamp} bucket (bucket start in epoch nanos). */
final class HistogramCounter implements Collector {
    private final long intervalNanos;
    private final TreeMap<Long, Long> counts = new TreeMap<>();

    HistogramCounter(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    static CollectorManager<HistogramCounter, TreeMap<Long, Long>> manager(long intervalNanos) {
        return new CollectorManager<>() {
            @Override
            public HistogramCounter newCollector() {
                return new HistogramCounter(intervalNanos);
            }

            @Override
            public TreeMap<Long, Long> reduce(Collection<HistogramCounter> collectors) {
                TreeMap<Long, Long> total = new TreeMap<>();
                for (HistogramCounter c : collectors) c.counts.forEach((k, v) -> total.merge(k, v, Long::sum));
                return total;
            }
        };
    }

    @Override
    public LeafCollector getLeafCollector(LeafReaderContext context) throws IOException {
        NumericDocValues timestamps = DocValues.getNumeric(context.reader(), EventSchema.TIMESTAMP);
        return new LeafCollector() {
            @Override
            public void setScorer(Scorable scorer) {
            }

            @Override
            public void collect(int doc) throws IOException {
                if (!timestamps.advanceExact(doc)) return;
                long bucket = Math.floorDiv(timestamps.longValue(), intervalNanos) * intervalNanos;
                counts.merge(bucket, 1L, Long::sum);
            }
        };
    }

    @Override
    public ScoreMode scoreMode() {
        return ScoreMode.COMPLETE_NO_SCORES;
    }
}
