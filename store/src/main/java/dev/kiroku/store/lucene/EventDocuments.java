package dev.kiroku.store.lucene;

import dev.kiroku.event.EcsFields;
import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.store.EventSchema;
import dev.kiroku.store.FieldSpec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.InetAddressPoint;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.SortedNumericDocValuesField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.BytesRef;

import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps an event to its Lucene document, field by field as {@link EventSchema} says. The fields come
 * from {@link Event#writeEcs} (the ECS writer of the event model, without building a map), so the
 * store indexes exactly the names and values {@link Event#toEcs()} gives; {@link #ofEcs} is the
 * map-based reference the tests compare against.
 */
final class EventDocuments {
    /** Words with positions (for phrases), without norms: hits are sorted by time, never scored. */
    private static final FieldType WORDS = new FieldType();

    static {
        WORDS.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
        WORDS.setTokenized(true);
        WORDS.setOmitNorms(true);
        WORDS.freeze();
    }

    /** Keyword values longer than this are not indexed as keywords (their words still are), as in ECS. */
    static final int IGNORE_ABOVE = 1024;

    private static final Map<String, FieldSpec> SPECS = new HashMap<>(EventSchema.fields());

    /** Per-thread buffer for the stored event. */
    private static final ThreadLocal<EventBinary.Out> BUFFERS = ThreadLocal.withInitial(EventBinary.Out::new);

    private EventDocuments() {
    }

    /** @throws IllegalArgumentException when the event cannot be indexed (the reason is the message) */
    static Document of(Event event) {
        Document doc = envelope(event);
        CombinedKeywords.Pairs pairs = new CombinedKeywords.Pairs();
        event.writeEcs(new EcsFields() {
            @Override
            public void put(String name, Object value) {
                field(doc, pairs, name, value);
            }

            @Override
            public void time(String name, Instant value) {
                // @timestamp is indexed exactly by the envelope; other times as nanoseconds, without text in between
                if (!name.equals(EventSchema.TIMESTAMP)) date(doc, name, Nanos.of(value));
            }
        });
        pairs.addTo(doc);
        return doc;
    }

    /** The same document built from the {@link Event#toEcs()} map; the reference the tests compare {@link #of} with. */
    static Document ofEcs(Event event) {
        Document doc = envelope(event);
        CombinedKeywords.Pairs pairs = new CombinedKeywords.Pairs();
        event.toEcs().forEach((name, value) -> field(doc, pairs, name, value));
        pairs.addTo(doc);
        return doc;
    }

    private static void field(Document doc, CombinedKeywords.Pairs pairs, String name, Object value) {
        if (name.equals(EventSchema.TIMESTAMP)) return; // indexed exactly by the envelope
        FieldSpec spec = SPECS.get(name);
        if (value instanceof List<?> list) {
            for (Object item : list) add(doc, pairs, name, spec, item);
        } else {
            add(doc, pairs, name, spec, value);
        }
    }

    private static Document envelope(Event event) {
        if (event.sequence() <= 0) throw new IllegalArgumentException("sequence must be positive but is " + event.sequence());
        if (event.agentId().isEmpty()) throw new IllegalArgumentException("agent id is empty");
        long timestamp;
        try {
            timestamp = Nanos.exactly(event.timestamp());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("timestamp out of range: " + event.timestamp());
        }
        Document doc = new Document();
        // Doc values with a skip index: sorting, ranges and skipping older segments all read them;
        // the points of layouts before 7 are added instead by partitions that already have them.
        doc.add(NumericDocValuesField.indexedField(EventSchema.TIMESTAMP, timestamp));
        EventBinary.Out out = BUFFERS.get();
        EventBinary.encode(event, out);
        doc.add(new StoredField(Fields.SOURCE, out.toByteArray()));
        byte[] processRecord = out.processColumn();
        if (processRecord != null) doc.add(new SortedDocValuesField(Fields.PROCESS, new BytesRef(processRecord)));
        String causeHash = EventBinary.hashOfCause(event);
        if (causeHash != null) doc.add(new SortedDocValuesField(Fields.PROCESS_SHA256, Utf8.bytes(causeHash)));
        ProcessInfo process = EventBinary.processOf(event.payload());
        if (process != null) {
            if (process.parent() != null && EventBinary.inColumn(process.parent().executable())) {
                doc.add(new SortedDocValuesField(Fields.PARENT_EXECUTABLE, Utf8.bytes(process.parent().executable())));
            }
            if (EventBinary.inColumn(process.md5())) doc.add(new SortedDocValuesField(Fields.PROCESS_MD5, Utf8.bytes(process.md5())));
            if (EventBinary.inColumn(process.sha1())) doc.add(new SortedDocValuesField(Fields.PROCESS_SHA1, Utf8.bytes(process.sha1())));
        }
        return doc;
    }

    /**
     * Turns a document's {@code @timestamp} into the form of layouts before 7 (points and doc values
     * without a skip index), for a partition whose index already has it so (Lucene keeps a field's
     * structure the same across an index).
     */
    static void withTimestampPoints(Document doc, long timestamp) {
        doc.removeFields(EventSchema.TIMESTAMP);
        doc.add(new LongPoint(EventSchema.TIMESTAMP, timestamp));
        doc.add(new NumericDocValuesField(EventSchema.TIMESTAMP, timestamp));
    }

    /**
     * Gives the combined fields named (kept in doc values only since layout 8) their own terms again,
     * as layouts before 8 indexed them, for a partition whose index already has those terms.
     */
    static void withOwnTerms(Document doc, List<String> fields) {
        for (String name : fields) {
            for (IndexableField column : doc.getFields(name)) {
                if (column.fieldType().indexOptions() == IndexOptions.NONE) doc.add(new StringField(name, column.binaryValue(), Field.Store.NO));
            }
        }
    }

    private static void add(Document doc, CombinedKeywords.Pairs pairs, String name, FieldSpec spec, Object value) {
        if (spec == null) {
            if (value instanceof Number n) doc.add(new LongPoint(name, n.longValue()));
            else if (value.toString().length() <= IGNORE_ABOVE) doc.add(new StringField(name, Utf8.bytes(value.toString()), Field.Store.NO));
            return;
        }
        switch (spec.type()) {
            case KEYWORD -> {
                String text = value.toString();
                if (text.length() > IGNORE_ABOVE) return;
                if (pairs.add(name, text)) {
                    if (spec.aggregatable()) doc.add(new SortedSetDocValuesField(name, Utf8.bytes(text)));
                } else if (CombinedKeywords.FOLDED_SINCE_LAYOUT_8.contains(name)) {
                    doc.add(new StringField(CombinedKeywords.UNCOMBINED, Utf8.bytes(CombinedKeywords.uncombined(name, text)), Field.Store.NO));
                    doc.add(new SortedSetDocValuesField(name, Utf8.bytes(text)));
                } else {
                    keyword(doc, spec, text);
                }
            }
            case KEYWORD_TEXT -> {
                String text = value.toString();
                keyword(doc, spec, text);
                if (text.length() > IGNORE_ABOVE || !Fields.WORDS_FROM_KEYWORDS.contains(name)) {
                    doc.add(new Field(Fields.words(name), text, WORDS));
                }
            }
            case TEXT -> {
                if (spec.indexesOwnWords()) doc.add(new Field(Fields.words(name), value.toString(), WORDS));
            }
            case LONG -> number(doc, spec, ((Number) value).longValue());
            case DATE -> date(doc, name, value instanceof Instant t ? Nanos.of(t) : Nanos.ofText(value.toString()));
            case IP -> {
                String text = value.toString();
                InetAddress address;
                try {
                    address = InetAddress.ofLiteral(text);
                } catch (IllegalArgumentException e) {
                    doc.add(new StringField(name, Utf8.bytes(text), Field.Store.NO));
                    return;
                }
                doc.add(new InetAddressPoint(name, address));
                if (spec.aggregatable()) doc.add(new SortedSetDocValuesField(name, Utf8.bytes(text)));
            }
        }
    }

    /**
     * Of the numbers only {@code destination.port} (aggregated and range-searched on its own) has
     * points; the sequence and the other numbers (pids, counts, namespaces, ports) are column-stored
     * only: they are searched beside a time range or a host, and small integers take fewer bytes in
     * doc values than in points, which also store a document id per value (see {@link LuceneQueries#longRange}).
     */
    private static void number(Document doc, FieldSpec spec, long n) {
        String name = spec.name();
        if (name.equals(EventSchema.SEQUENCE)) {
            doc.add(new NumericDocValuesField(name, n));
        } else if (spec.aggregatable()) {
            doc.add(new LongField(name, n, Field.Store.NO)); // points and doc values in one field
        } else {
            doc.add(new SortedNumericDocValuesField(name, n));
        }
    }

    /** Points: nanosecond times spread over years take 7 bytes a value in doc values, fewer in points. */
    private static void date(Document doc, String name, long nanos) {
        doc.add(new LongPoint(name, nanos));
    }

    private static void keyword(Document doc, FieldSpec spec, String value) {
        if (value.length() > IGNORE_ABOVE) return;
        BytesRef bytes = Utf8.bytes(value);
        if (!spec.aggregatable()) {
            doc.add(new StringField(spec.name(), bytes, Field.Store.NO));
        } else if (spec.name().equals(EventSchema.AGENT_ID)) {
            doc.add(new StringField(spec.name(), bytes, Field.Store.NO));
            doc.add(new SortedDocValuesField(spec.name(), bytes));
        } else {
            doc.add(new KeywordField(spec.name(), bytes, Field.Store.NO)); // term and doc values in one field
        }
    }

}
