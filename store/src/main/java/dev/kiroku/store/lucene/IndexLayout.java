package dev.kiroku.store.lucene;

import dev.kiroku.store.EventSchema;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;

import java.nio.file.Path;
import java.util.Map;

/** How a partition's index is laid out: codec, sort order, buffers. */
final class IndexLayout {
    /**
     * Newest first. The index is not sorted (sorting at flush rewrites every stored field); instead
     * searches visit segments newest first and skip those whose newest @timestamp (from the points)
     * cannot compete, and within a segment Lucene skips non-competitive documents by the points of
     * {@code @timestamp}.
     */
    static final Sort NEWEST_FIRST = new Sort(
            new SortField(EventSchema.TIMESTAMP, SortField.Type.LONG, true),
            new SortField(EventSchema.SEQUENCE, SortField.Type.LONG, true),
            new SortField(EventSchema.AGENT_ID, SortField.Type.STRING, true));

    /**
     * The document layout a partition's newest segments were written with, kept in its commit
     * under {@link #LAYOUT_KEY}. 5 (2026-11-27): the low-cardinality keyword fields are combined
     * into one term per document ({@link CombinedKeywords}). 7 (2026-11-27): {@code @timestamp} is
     * doc values with a skip index, without points ({@link TimestampRangeQuery}); a partition whose
     * index has the points of an older layout keeps adding them (6 was an experiment never shipped,
     * refused). 8 (2026-11-28): {@code event.category}, {@code event.action} and {@code network.transport}
     * join the combined term and keep only their doc values; an index with their own terms keeps adding them.
     * 9 (2026-11-28): an event's process record is kept in the {@link Fields#PROCESS} doc values (once per
     * distinct record and segment) instead of in its stored bytes ({@link EventBinary} version 5).
     * Partitions without the key are older
     * layouts, which queries still read (they search both structures); a partition of a newer
     * layout than this build knows is refused, never misread.
     */
    static final int LAYOUT = 9;
    static final String LAYOUT_KEY = "kiroku.layout";
    /** Layout 6 (process fields once per process, branch s6-store) was never shipped: refused too. */
    private static final int UNSHIPPED_LAYOUT = 6;

    private IndexLayout() {
    }

    /** @throws IllegalStateException when the partition was written with a layout this build does not know */
    static void checkReadable(Path partition, Iterable<Map.Entry<String, String>> commitData) {
        for (Map.Entry<String, String> entry : commitData) {
            if (!entry.getKey().equals(LAYOUT_KEY)) continue;
            int written;
            try {
                written = Integer.parseInt(entry.getValue());
            } catch (NumberFormatException e) {
                written = Integer.MAX_VALUE;
            }
            if (written > LAYOUT || written == UNSHIPPED_LAYOUT) {
                throw new IllegalStateException("the event store partition " + partition + " was written with store layout '"
                        + entry.getValue() + "'; this Kiroku reads layouts up to " + LAYOUT
                        + ": run a newer Kiroku, or move the partition out of the store directory");
            }
        }
    }

    /** The commit data that marks what this build writes. */
    static Map<String, String> commitData() {
        return Map.of(LAYOUT_KEY, Integer.toString(LAYOUT));
    }

    static IndexWriterConfig writerConfig(LuceneStoreOptions options) {
        IndexWriterConfig config = new IndexWriterConfig(WordAnalyzer.INSTANCE)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setCodec(options.bestCompression() ? new KirokuCodec() : new Lucene104Codec(Lucene104Codec.Mode.BEST_SPEED))
                .setRAMBufferSizeMB(options.ramBufferMb())
                .setUseCompoundFile(false) // compound files copy every flushed segment once more
                .setCommitOnClose(true);
        TieredMergePolicy merges = new TieredMergePolicy();
        // Few merges while a day is written (closed days are merged once, see Partition.compactIfIdle)
        merges.setSegmentsPerTier(20);
        merges.setNoCFSRatio(0);
        config.setMergePolicy(merges);
        ConcurrentMergeScheduler scheduler = new ConcurrentMergeScheduler();
        scheduler.setMaxMergesAndThreads(2, 1);
        config.setMergeScheduler(scheduler);
        return config;
    }
}
