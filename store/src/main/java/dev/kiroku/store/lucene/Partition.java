package dev.kiroku.store.lucene;

import dev.kiroku.store.EventSchema;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.IOUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * One UTC day of events: its own Lucene index, writer, near-real-time searchers, and the
 * sequence numbers it holds per agent. Retention deletes a partition as a whole.
 */
final class Partition implements AutoCloseable {
    private final LocalDate day;
    private final Path path;
    private final LuceneStoreOptions options;
    private final Map<String, SequenceSet> sequences = new ConcurrentHashMap<>();
    private Directory directory;
    private volatile IndexWriter writer;
    private volatile SearcherManager searchers;
    private volatile long lastWriteNanos = System.nanoTime();
    /** False once written to since it was opened: only days written by this process are compacted. */
    private volatile boolean compacted = true;
    /** True once written to since it was opened. */
    private volatile boolean written;
    /** True when the index already keeps {@code @timestamp} as points (layouts before 7): new documents must too. */
    private volatile boolean timestampPoints;
    /** The fields combined since layout 8 that the index already has terms of (older layouts): new documents get them too. */
    private volatile List<String> foldedWithOwnTerms = List.of();

    private Partition(LocalDate day, Path path, LuceneStoreOptions options) {
        this.day = day;
        this.path = path;
        this.options = options;
    }

    static Partition open(LocalDate day, Path path, LuceneStoreOptions options) throws IOException {
        Files.createDirectories(path);
        Partition partition = new Partition(day, path, options);
        partition.openIndex();
        return partition;
    }

    private void openIndex() throws IOException {
        directory = options.directories().open(path);
        try {
            if (DirectoryReader.indexExists(directory)) {
                IndexLayout.checkReadable(path, SegmentInfos.readLatestCommit(directory).getUserData().entrySet());
            }
            writer = new IndexWriter(directory, IndexLayout.writerConfig(options));
            writer.setLiveCommitData(IndexLayout.commitData().entrySet(), false); // recorded by the next commit
            searchers = new SearcherManager(writer, false, false, null);
            loadSequences();
        } catch (IOException | RuntimeException e) {
            IOUtils.closeWhileHandlingException(searchers, writer, directory);
            throw e;
        }
    }

    /** Rebuilds the per-agent sequence sets from what the index holds, and notes how it keeps {@code @timestamp} and the combined fields. */
    private void loadSequences() throws IOException {
        sequences.clear();
        timestampPoints = false;
        Set<String> withOwnTerms = new TreeSet<>();
        IndexSearcher searcher = searchers.acquire();
        try {
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                FieldInfos fields = leaf.reader().getFieldInfos();
                if (TimestampRangeQuery.hasPoints(fields.fieldInfo(EventSchema.TIMESTAMP))) {
                    timestampPoints = true;
                }
                for (String folded : CombinedKeywords.FOLDED_SINCE_LAYOUT_8) {
                    FieldInfo info = fields.fieldInfo(folded);
                    if (info != null && info.getIndexOptions() != IndexOptions.NONE) withOwnTerms.add(folded);
                }
                SortedDocValues agents = DocValues.getSorted(leaf.reader(), EventSchema.AGENT_ID);
                NumericDocValues seqs = DocValues.getNumeric(leaf.reader(), EventSchema.SEQUENCE);
                Bits live = leaf.reader().getLiveDocs();
                for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                    if (live != null && !live.get(doc)) continue;
                    if (!agents.advanceExact(doc) || !seqs.advanceExact(doc)) continue;
                    String agent = agents.lookupOrd(agents.ordValue()).utf8ToString();
                    sequences(agent).add(seqs.longValue());
                }
            }
        } finally {
            searchers.release(searcher);
        }
        foldedWithOwnTerms = List.copyOf(withOwnTerms);
    }

    LocalDate day() {
        return day;
    }

    SequenceSet sequences(String agentId) {
        return sequences.computeIfAbsent(agentId, a -> new SequenceSet());
    }

    SequenceSet existingSequences(String agentId) {
        return sequences.get(agentId);
    }

    void add(Document doc) throws IOException {
        lastWriteNanos = System.nanoTime();
        compacted = false;
        written = true;
        writer.addDocument(inLayout(doc));
    }

    /**
     * Adds documents as one group: the writer takes its per-document locks and flush checks once
     * for the group instead of once per document. When Lucene refuses one of them (an
     * {@link IllegalArgumentException}: the group's documents are then all marked deleted), none
     * of the group is stored.
     */
    void addAll(List<Document> docs) throws IOException {
        lastWriteNanos = System.nanoTime();
        compacted = false;
        written = true;
        if (timestampPoints || !foldedWithOwnTerms.isEmpty()) docs.forEach(this::inLayout);
        writer.addDocuments(docs);
    }

    /** The document in the form of the layout the index keeps: {@code @timestamp} as points, own terms of combined fields. */
    private Document inLayout(Document doc) {
        if (timestampPoints) {
            EventDocuments.withTimestampPoints(doc, doc.getField(EventSchema.TIMESTAMP).numericValue().longValue());
        }
        if (!foldedWithOwnTerms.isEmpty()) EventDocuments.withOwnTerms(doc, foldedWithOwnTerms);
        return doc;
    }

    /**
     * Once a newer day is being written and this one has been idle for {@code idleNanos}, merges it
     * into one segment in the background: a closed day is written once more instead of being merged
     * tier by tier while it grows, and its terms (entity ids repeat across segments) are stored once.
     */
    void compactIfIdle(long idleNanos) throws IOException {
        if (compacted || System.nanoTime() - lastWriteNanos < idleNanos) return;
        compacted = true;
        writer.forceMerge(1, false);
    }

    /** If written since it was opened: merges into one segment now and waits (also for a compaction under way). */
    void compactNow() throws IOException {
        if (!written) return;
        compacted = true;
        writer.forceMerge(1, true);
    }

    /** Durable and visible. */
    void commit() throws IOException {
        if (writer.hasUncommittedChanges()) writer.commit();
        searchers.maybeRefreshBlocking();
    }

    /** Writes and deletes a small temporary file: does the disk take writes again? */
    void probe() throws IOException {
        String name = null;
        try (IndexOutput out = directory.createTempOutput("probe", "tmp", IOContext.DEFAULT)) {
            name = out.getName();
            byte[] block = new byte[4096];
            for (int i = 0; i < 16; i++) out.writeBytes(block, block.length);
        } finally {
            if (name != null) IOUtils.deleteFilesIgnoringExceptions(directory, name);
        }
    }

    /** @return false when another thread was refreshing at the time (this call then did nothing) */
    boolean refresh() throws IOException {
        return searchers.maybeRefresh();
    }

    SearcherManager searchers() {
        return searchers;
    }

    /**
     * After a failed write: drops what was not committed (Lucene keeps the last commit intact),
     * reopens the index and re-reads which sequences it holds.
     */
    void recover() throws IOException {
        try {
            writer.rollback();
        } catch (IOException | RuntimeException ignored) {
            // the writer may already be closed by the failure; the last commit is what counts
        }
        IOUtils.closeWhileHandlingException(searchers, directory);
        openIndex();
    }

    long diskBytes() {
        try (Stream<Path> files = Files.list(path)) {
            return files.mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long documents() {
        return writer.getDocStats().numDocs;
    }

    @Override
    public void close() throws IOException {
        // Finish a compaction under way (closing would abort it and the next open would start over).
        try {
            if (compacted) writer.forceMerge(1, true);
        } finally {
            IOUtils.close(searchers, writer, directory);
        }
    }

    /** Closes without committing and deletes the partition's files. */
    void delete() throws IOException {
        try {
            writer.rollback();
        } finally {
            IOUtils.closeWhileHandlingException(searchers, directory);
            IOUtils.rm(path);
        }
    }
}
