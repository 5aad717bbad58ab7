package dev.kiroku.store.lucene;

import dev.kiroku.store.EventSchema;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.DocValuesSkipper;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.MultiReader;
import org.apache.lucene.search.IndexSearcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The current near-real-time searchers of some partitions, read as one index; release by closing. */
final class PartitionView implements AutoCloseable {
    private final List<Partition> partitions;
    private final List<IndexSearcher> acquired = new ArrayList<>();
    private final IndexSearcher searcher;
    private MultiReader reader;

    PartitionView(List<Partition> partitions) {
        this.partitions = partitions;
        try {
            for (Partition p : partitions) acquired.add(p.searchers().acquire());
            // Segments newest first (by their newest @timestamp): newest-first searches fill their
            // page from the first segments and then skip whole older segments by their points (doc values' skip index since layout 7).
            List<LeafReader> leaves = new ArrayList<>();
            for (IndexSearcher s : acquired) for (LeafReaderContext leaf : s.getIndexReader().leaves()) leaves.add(leaf.reader());
            leaves.sort(Comparator.comparingLong(PartitionView::newest).reversed());
            this.reader = new MultiReader(leaves.toArray(IndexReader[]::new), false);
            this.searcher = new IndexSearcher(reader);
            this.searcher.setQueryCache(null);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    private static long newest(LeafReader leaf) {
        try {
            PointValues points = leaf.getPointValues(EventSchema.TIMESTAMP);
            if (points != null) return LongPoint.decodeDimension(points.getMaxPackedValue(), 0);
            DocValuesSkipper skipper = leaf.getDocValuesSkipper(EventSchema.TIMESTAMP); // layout 7
            return skipper == null || skipper.docCount() == 0 ? Long.MIN_VALUE : skipper.maxValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    IndexSearcher searcher() {
        return searcher;
    }

    boolean isEmpty() {
        return partitions.isEmpty();
    }

    @Override
    public void close() {
        if (reader != null) {
            try {
                reader.close(); // gives back the references it took on the segments
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                reader = null;
            }
        }
        for (int i = 0; i < acquired.size(); i++) {
            try {
                partitions.get(i).searchers().release(acquired.get(i));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        acquired.clear();
    }
}
