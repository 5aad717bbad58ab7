package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.MutableClock;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.StoredField;
import dev.kiroku.event.EventCodec;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.kiroku.store.TestEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Words, phrases and word patterns on {@code process.executable} and {@code process.parent.executable}
 * are answered from the executables' keyword terms ({@link WordsOfKeywordsQuery}), over several
 * segments, and from the {@code .words} field for executables too long to be keywords.
 */
class WordsOfExecutablesTest {
    private static final Instant T0 = Instant.parse("2025-03-10T12:00:00Z");
    private static final String LONG = "/opt/" + "deep/".repeat(250) + "longtool";

    @TempDir
    Path dir;
    private MutableClock clock;
    private LuceneEventStore store;

    @BeforeEach
    void open() {
        clock = new MutableClock(T0.plus(Duration.ofHours(1)));
        store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults());
        // three commits: three segments, each with its own executable terms
        store.append(List.of(exec("a1", 1, T0, "web-1", "/opt/Acme Agent/bin/run-agent", "run")));
        store.commit();
        store.append(List.of(exec("a1", 2, T0.plusSeconds(1), "web-1", "/usr/bin/curl", "curl", "-s"),
                exec("a1", 3, T0.plusSeconds(2), "web-1", LONG, "x")));
        store.commit();
        store.append(List.of(exec("a2", 1, T0.plusSeconds(3), "db-1", "/usr/local/bin/curl-wrapper", "w")));
        store.commit();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<String> ids(String query) {
        List<String> ids = store.search(EventQuery.parse(query, clock)).hits().stream()
                .map(h -> h.event().agentId() + "/" + h.event().sequence()).toList();
        assertThat(store.count(EventQuery.parse(query, clock))).as("count " + query).isEqualTo(ids.size());
        return ids;
    }

    @Test
    void a_word_of_an_executable_finds_every_event_of_it_across_segments() {
        assertThat(ids("process.executable:curl")).containsExactly("a2/1", "a1/2");
        assertThat(ids("process.executable:agent")).containsExactly("a1/1");
        assertThat(ids("process.executable:acme")).as("words are lower-cased").containsExactly("a1/1");
        assertThat(ids("process.executable:wrapper")).containsExactly("a2/1");
        assertThat(ids("process.executable:nothing")).isEmpty();
    }

    @Test
    void a_phrase_needs_the_words_consecutively() {
        assertThat(ids("process.executable:\"bin curl\"")).as("curl-wrapper is two words").containsExactly("a2/1", "a1/2");
        assertThat(ids("process.executable:\"bin curl wrapper\"")).containsExactly("a2/1");
        assertThat(ids("process.executable:\"usr bin\"")).containsExactly("a1/2");
        assertThat(ids("process.executable:\"usr curl\"")).isEmpty();
        assertThat(ids("process.executable:/usr/bin/curl")).containsExactly("a1/2");
    }

    @Test
    void bare_word_patterns_match_words_of_executables() {
        // "wrapp*" is in no command line: only the executable's words can match it
        assertThat(ids("wrapp*")).containsExactly("a2/1");
        assertThat(ids("acm?")).containsExactly("a1/1");
    }

    @Test
    void the_parent_executable_is_searched_by_its_words_too() {
        assertThat(ids("process.parent.executable:systemd")).containsExactly("a2/1", "a1/3", "a1/2", "a1/1");
        assertThat(ids("process.parent.executable:\"lib systemd\" AND host.name:db-1")).containsExactly("a2/1");
    }

    @Test
    void an_executable_too_long_to_be_a_keyword_is_still_found_by_its_words() {
        assertThat(ids("process.executable:longtool")).containsExactly("a1/3");
        assertThat(ids("process.executable:\"deep longtool\"")).containsExactly("a1/3");
    }

    @Test
    void events_stored_with_a_words_field_are_still_found() throws Exception {
        // a document as EventDocuments wrote it before executables' words came from their keyword terms
        Event old = exec("a3", 1, T0.plusSeconds(4), "old-1", "/usr/sbin/oldd", "oldd");
        Document doc = new Document();
        for (var field : EventDocuments.of(old).getFields()) {
            // only its words can find it; stored as JSON, as the oldest documents are (nothing read from columns)
            if (!field.name().equals("process.executable") && !field.name().equals(Fields.SOURCE)) doc.add(field);
        }
        doc.add(new StoredField(Fields.SOURCE, EventCodec.encode(old)));
        FieldType words = new FieldType();
        words.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
        words.setOmitNorms(true);
        doc.add(new Field(Fields.words("process.executable"), "/usr/sbin/oldd", words));
        store.close();
        try (IndexWriter writer = new IndexWriter(FSDirectory.open(dir.resolve("2025-03-10")),
                IndexLayout.writerConfig(LuceneStoreOptions.defaults()))) {
            writer.addDocument(doc);
        }
        store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults());
        assertThat(ids("process.executable:oldd")).containsExactly("a3/1");
        assertThat(ids("process.executable:\"sbin oldd\"")).containsExactly("a3/1");
    }
}
