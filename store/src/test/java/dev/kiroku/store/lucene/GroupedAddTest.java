package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.store.AppendResult;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static dev.kiroku.store.TestEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;

/** A run of documents goes to Lucene as one group; a document Lucene refuses costs only itself. */
class GroupedAddTest {
    @TempDir
    Path dir;

    @Test
    void a_document_lucene_refuses_is_rejected_alone_and_the_rest_of_its_group_is_stored() throws IOException {
        Instant at = Instant.parse("2025-03-01T08:00:00Z");
        LocalDate day = LocalDate.parse("2025-03-01");
        try (Partition partition = Partition.open(day, dir.resolve("2025-03-01"), LuceneStoreOptions.defaults())) {
            List<LuceneEventStore.Pending> run = new ArrayList<>();
            for (int sequence = 1; sequence <= 5; sequence++) {
                Event event = exec("a", sequence, at.plusSeconds(sequence), "h", "/bin/true", "true");
                Document doc = EventDocuments.of(event);
                // A term longer than Lucene's limit of 32,766 bytes: Lucene refuses the document.
                if (sequence == 3) doc.add(new StringField("immense", "x".repeat(40_000), Field.Store.NO));
                partition.sequences("a").add(sequence);
                run.add(new LuceneEventStore.Pending(event, doc, day, null));
            }
            List<AppendResult.Rejected> rejected = new ArrayList<>();

            int stored = LuceneEventStore.add(partition, run, rejected);

            assertThat(stored).isEqualTo(4);
            assertThat(rejected).singleElement().satisfies(r -> {
                assertThat(r.sequence()).isEqualTo(3);
                assertThat(r.reason()).contains("immense");
            });
            partition.commit();
            assertThat(partition.documents()).isEqualTo(4);
            assertThat(partition.existingSequences("a").contains(3)).isFalse();
            assertThat(partition.existingSequences("a").contains(4)).isTrue();
        }
    }
}
