package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.store.EventSchema;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Turns sorted hits back into events: the stored bytes of each, plus what the index keeps in column
 * form (the sort key the hit carries; the process hash from doc values). Reads in document order.
 */
final class HitReader {
    private HitReader() {
    }

    /** Below this many hits a page is read by the calling thread alone. */
    private static final int PARALLEL_MIN = 24;

    /**
     * @param hits sorted by {@link IndexLayout#NEWEST_FIRST}; events come back in the same order.
     *             Each hit costs one block decompression, so a large page is read by two threads
     *             (each half of the hits in document order).
     */
    static Event[] read(IndexReader reader, FieldDoc[] hits, int count) throws IOException {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingInt(i -> hits[i].doc));
        Event[] events = new Event[count];
        if (count < PARALLEL_MIN || Runtime.getRuntime().availableProcessors() < 2) {
            read(reader, hits, order, 0, count, events);
            return events;
        }
        int half = count / 2;
        Throwable[] failure = new Throwable[1];
        Thread other = Thread.ofVirtual().name("kiroku-store-hits").start(() -> {
            try {
                read(reader, hits, order, half, count, events);
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        try {
            read(reader, hits, order, 0, half, events);
        } finally {
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading hits", e);
            }
        }
        if (failure[0] instanceof IOException e) throw e;
        if (failure[0] instanceof RuntimeException e) throw e;
        if (failure[0] instanceof Error e) throw e;
        return events;
    }

    /** The keyword doc values a stored event may refer to ({@link EventBinary}), of one segment, read forward. */
    private static final class Columns {
        private final SortedSetDocValues hosts;
        private final SortedSetDocValues executables;
        private final SortedDocValues parentExecutables;
        private final SortedDocValues md5s;
        private final SortedDocValues sha1s;
        private final SortedDocValues processes;

        Columns(LeafReader leaf) throws IOException {
            hosts = DocValues.getSortedSet(leaf, EventSchema.HOST_NAME);
            executables = DocValues.getSortedSet(leaf, "process.executable");
            parentExecutables = DocValues.getSorted(leaf, Fields.PARENT_EXECUTABLE);
            md5s = DocValues.getSorted(leaf, Fields.PROCESS_MD5);
            sha1s = DocValues.getSorted(leaf, Fields.PROCESS_SHA1);
            processes = DocValues.getSorted(leaf, Fields.PROCESS);
        }

        BytesRef process(int doc) {
            try {
                return processes.advanceExact(doc) ? processes.lookupOrd(processes.ordValue()) : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String value(String field, int doc) {
            try {
                return switch (field) {
                    case EventSchema.HOST_NAME -> first(hosts, doc);
                    case "process.executable" -> first(executables, doc);
                    case Fields.PARENT_EXECUTABLE -> one(parentExecutables, doc);
                    case Fields.PROCESS_MD5 -> one(md5s, doc);
                    case Fields.PROCESS_SHA1 -> one(sha1s, doc);
                    default -> null;
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String one(SortedDocValues values, int doc) throws IOException {
            return values.advanceExact(doc) ? values.lookupOrd(values.ordValue()).utf8ToString() : null;
        }

        private static String first(SortedSetDocValues values, int doc) throws IOException {
            return values.advanceExact(doc) ? values.lookupOrd(values.nextOrd()).utf8ToString() : null;
        }
    }

    private static void read(IndexReader reader, FieldDoc[] hits, Integer[] order, int from, int to, Event[] events) throws IOException {
        List<LeafReaderContext> leaves = reader.leaves();
        StoredFields stored = reader.storedFields(); // one per thread
        SourceVisitor visitor = new SourceVisitor();
        int leafIndex = -1;
        SortedSetDocValues hashes = null;
        SortedDocValues causeHashes = null;
        Columns columns = null;
        for (int k = from; k < to; k++) {
            int i = order[k];
            FieldDoc hit = hits[i];
            int leaf = ReaderUtil.subIndex(hit.doc, leaves);
            if (leaf != leafIndex) {
                leafIndex = leaf;
                hashes = DocValues.getSortedSet(leaves.get(leaf).reader(), "process.hash.sha256");
                causeHashes = DocValues.getSorted(leaves.get(leaf).reader(), Fields.PROCESS_SHA256);
                columns = new Columns(leaves.get(leaf).reader());
            }
            int leafDoc = hit.doc - leaves.get(leaf).docBase;
            SortedSetDocValues leafHashes = hashes;
            SortedDocValues leafCauseHashes = causeHashes;
            Columns leafColumns = columns;
            visitor.reset();
            stored.document(hit.doc, visitor);
            byte[] source = visitor.source();
            events[i] = EventBinary.decode(source, 0, source.length, new EventBinary.Envelope() {
                public String agentId() {
                    return ((BytesRef) hit.fields[2]).utf8ToString();
                }

                public long sequence() {
                    return (Long) hit.fields[1];
                }

                public Instant timestamp() {
                    return Nanos.toInstant((Long) hit.fields[0]);
                }

                public String hash() {
                    try {
                        if (leafHashes.advanceExact(leafDoc)) return leafHashes.lookupOrd(leafHashes.nextOrd()).utf8ToString();
                        return leafCauseHashes.advanceExact(leafDoc) ? leafCauseHashes.lookupOrd(leafCauseHashes.ordValue()).utf8ToString() : null;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                public String column(String field) {
                    return leafColumns.value(field, leafDoc);
                }

                public BytesRef processColumn() {
                    return leafColumns.process(leafDoc);
                }
            });
        }
    }
}
