package dev.kiroku.server.investigate;

import dev.kiroku.event.EntityIds;
import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.server.alerts.JdbcAlertStore;
import dev.kiroku.server.ingest.StoreIngest;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The process record index as the server runs it: a store recorded before the index existed gets it built in the
 * background at start; then every batch the ingest stores feeds it; it survives a restart without being rebuilt.
 */
class ProcessIndexWiringTest {
    private static final InstantSource CLOCK = InstantSource.system();

    private static Event start(long sequence, int pid, ProcessInfo parent, String executable, Instant at) {
        ProcessInfo.ParentRef ref = parent == null ? null : new ProcessInfo.ParentRef(parent.entityId(), parent.pid(), parent.executable(), parent.args());
        ProcessInfo p = new ProcessInfo(EntityIds.process("agent-1", pid, at.toEpochMilli() / 10), pid, at, ref, executable,
                List.of(executable), "/", null, new ProcessInfo.Credentials(0, "root", 0, "root", 0, 0, 0), 1, null, null);
        return new Event("agent-1", sequence, at, "host-1", List.of(), new ProcessStart(p, parent == null));
    }

    private static ProcessInfo process(Event e) {
        return ((ProcessStart) e.payload()).process();
    }

    @Test
    void builtFromAnOlderStoreAtStartThenFedByIngestAndKeptAcrossRestarts(@TempDir Path data) throws Exception {
        Instant t = Instant.now().minusSeconds(600);
        Event init = start(1, 1, null, "/sbin/init", t);
        Event shell = start(2, 200, process(init), "/usr/bin/bash", t.plusSeconds(1));
        try (LuceneEventStore store = new LuceneEventStore(data.resolve("events"), CLOCK, LuceneStoreOptions.defaults());
             JdbcAlertStore alerts = JdbcAlertStore.h2(data, CLOCK)) {
            store.append(List.of(init, shell));
            store.commit();

            InvestigationService first = new InvestigationService(data.resolve("investigation"), store, alerts, CLOCK);
            await().atMost(Duration.ofSeconds(60)).until(() -> first.processes().complete());
            assertThat(first.processes().images(process(shell).entityId())).singleElement()
                    .satisfies(r -> assertThat(r.parentEntityId()).isEqualTo(process(init).entityId()));

            Event curl = start(3, 201, process(shell), "/usr/bin/curl", t.plusSeconds(2));
            new StoreIngest(store, first::afterStore).deliver(List.of(curl));
            assertThat(first.processes().images(process(curl).entityId())).hasSize(1);
            assertThat(first.status()).containsEntry("process_index_complete", true);
            first.close();

            InvestigationService second = new InvestigationService(data.resolve("investigation"), store, alerts, CLOCK);
            try {
                assertThat(second.processes().complete()).as("complete at once, without a rebuild").isTrue();
                assertThat(second.processes().children(process(shell).entityId(), dev.kiroku.investigate.history.Window.ALL, 5))
                        .singleElement().satisfies(r -> assertThat(r.executable()).isEqualTo("/usr/bin/curl"));
            } finally {
                second.close();
            }
        }
    }
}
