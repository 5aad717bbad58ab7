package dev.kiroku.store.lucene;

import dev.kiroku.store.EventSchema;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;

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

    private IndexLayout() {
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
