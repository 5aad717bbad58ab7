package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.store.EventSchema;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
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

    /** @param hits sorted by {@link IndexLayout#NEWEST_FIRST}; events come back in the same order */
    static Event[] read(IndexReader reader, FieldDoc[] hits, int count) throws IOException {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingInt(i -> hits[i].doc));
        List<LeafReaderContext> leaves = reader.leaves();
        StoredFields stored = reader.storedFields();
        SourceVisitor visitor = new SourceVisitor();
        Event[] events = new Event[count];
        int leafIndex = -1;
        SortedSetDocValues hashes = null;
        for (int i : order) {
            FieldDoc hit = hits[i];
            int leaf = ReaderUtil.subIndex(hit.doc, leaves);
            if (leaf != leafIndex) {
                leafIndex = leaf;
                hashes = DocValues.getSortedSet(leaves.get(leaf).reader(), "process.hash.sha256");
            }
            int leafDoc = hit.doc - leaves.get(leaf).docBase;
            SortedSetDocValues leafHashes = hashes;
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
                        return leafHashes.advanceExact(leafDoc) ? leafHashes.lookupOrd(leafHashes.nextOrd()).utf8ToString() : null;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        }
        return events;
    }
}
