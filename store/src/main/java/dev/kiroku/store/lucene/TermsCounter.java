package dev.kiroku.store.lucene;

import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Counts matching documents per value of a column-stored field (keyword ordinals or numbers). */
final class TermsCounter implements Collector {
    private final String field;
    private final boolean numeric;
    private final Map<String, Long> counts = new HashMap<>();

    TermsCounter(String field, boolean numeric) {
        this.field = field;
        this.numeric = numeric;
    }

    static CollectorManager<TermsCounter, Map<String, Long>> manager(String field, boolean numeric) {
        return new CollectorManager<>() {
            @Override
            public TermsCounter newCollector() {
                return new TermsCounter(field, numeric);
            }

            @Override
            public Map<String, Long> reduce(Collection<TermsCounter> collectors) {
                Map<String, Long> total = new HashMap<>();
                for (TermsCounter c : collectors) c.counts.forEach((k, v) -> total.merge(k, v, Long::sum));
                return total;
            }
        };
    }

    @Override
    public LeafCollector getLeafCollector(LeafReaderContext context) throws IOException {
        if (numeric) {
            SortedNumericDocValues values = DocValues.getSortedNumeric(context.reader(), field);
            Map<Long, Long> leafCounts = new HashMap<>();
            return new Leaf() {
                @Override
                public void collect(int doc) throws IOException {
                    if (!values.advanceExact(doc)) return;
                    for (int i = 0; i < values.docValueCount(); i++) leafCounts.merge(values.nextValue(), 1L, Long::sum);
                }

                @Override
                public void finish() {
                    leafCounts.forEach((k, v) -> counts.merge(Long.toString(k), v, Long::sum));
                }
            };
        }
        SortedSetDocValues values = DocValues.getSortedSet(context.reader(), field);
        long[] ordCounts = new long[Math.toIntExact(values.getValueCount())];
        return new Leaf() {
            @Override
            public void collect(int doc) throws IOException {
                if (!values.advanceExact(doc)) return;
                for (int i = 0; i < values.docValueCount(); i++) ordCounts[(int) values.nextOrd()]++;
            }

            @Override
            public void finish() throws IOException {
                for (int ord = 0; ord < ordCounts.length; ord++) {
                    if (ordCounts[ord] > 0) counts.merge(values.lookupOrd(ord).utf8ToString(), ordCounts[ord], Long::sum);
                }
            }
        };
    }

    @Override
    public ScoreMode scoreMode() {
        return ScoreMode.COMPLETE_NO_SCORES;
    }

    private abstract static class Leaf implements LeafCollector {
        @Override
        public void setScorer(Scorable scorer) {
        }
    }
}
