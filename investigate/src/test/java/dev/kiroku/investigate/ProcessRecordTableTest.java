package dev.kiroku.investigate;

import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.investigate.history.EventHistory;
import dev.kiroku.investigate.history.ProcessRecord;
import dev.kiroku.investigate.history.Window;
import dev.kiroku.investigate.index.ProcessRecordTable;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The process record index against the store it sits beside: fed with batches or built from the store, it answers
 * what the store answers (images, children, runs of a hash or a path, exits), never merges two processes that shared a
 * pid, and feeding the same batch twice stores it once.
 */
class ProcessRecordTableTest {
    private static ProcessRecordTable table() {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:process-index-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return new ProcessRecordTable(db, InstantSource.system());
    }

    @Test
    void fedWithBatchesOrBuiltFromTheStoreItAnswersWhatTheStoreAnswers(@TempDir Path dir) {
        Instant t = Instant.now().minusSeconds(7200);
        Fleet fleet = new Fleet();
        Fleet.Proc init = fleet.snapshot("agent-a", "web-1", 1, null, t.minusSeconds(86_400), "/usr/lib/systemd/systemd", "/sbin/init");
        Fleet.Proc shell = fleet.exec("agent-a", "web-1", 200, init, t, "/usr/bin/bash", "11".repeat(32), "-bash");
        Fleet.Proc script = fleet.exec("agent-a", "web-1", 201, shell, t.plusSeconds(1), "/usr/bin/python3", "22".repeat(32),
                "python3", "-u", "tools/sync.py");
        Fleet.Proc first = fleet.exec("agent-a", "web-1", 300, shell, t.plusSeconds(2), "/usr/bin/ls", "33".repeat(32), "ls");
        // The same pid again, later: another process, never merged with the first.
        Fleet.Proc reused = fleet.exec("agent-a", "web-1", 300, shell, t.plusSeconds(60), "/usr/bin/ls", "33".repeat(32), "ls", "-a");
        Fleet.Proc other = fleet.exec("agent-b", "db-1", 300, null, t.plusSeconds(3), "/opt/x/tool", "33".repeat(32), "tool", "a\u00e9 b");
        List<Event> events = new ArrayList<>(fleet.events);
        events.add(new Event("agent-a", 1_000, t.plusSeconds(5), "web-1", List.of(), new ProcessExit(first.info(), 0, 0)));

        try (LuceneEventStore store = new LuceneEventStore(dir, InstantSource.system(), LuceneStoreOptions.defaults())) {
            store.append(events);
            store.commit();
            ProcessRecordTable fed = table();
            assertThat(fed.complete()).isFalse();
            assertThat(fed.ingest(events)).isEqualTo(6);
            assertThat(fed.ingest(events)).as("the same batch again").isEqualTo(6);
            fed.markComplete();
            ProcessRecordTable built = table();
            assertThat(built.rebuildFrom(store, InstantSource.system())).isEqualTo(6);
            assertThat(built.complete()).isTrue();

            EventHistory fromStore = new EventHistory(store, InstantSource.system());
            for (ProcessRecordTable index : List.of(fed, built)) {
                EventHistory indexed = new EventHistory(store, InstantSource.system(), index);
                for (Fleet.Proc p : List.of(init, shell, script, first, reused, other)) {
                    assertThat(index.images(p.id())).as(p.info().executable()).hasSize(1);
                    assertThat(indexed.process(p.id())).isEqualTo(fromStore.process(p.id()));
                    assertThat(indexed.images(p.id())).isEqualTo(fromStore.images(p.id()));
                }
                assertThat(first.id()).isNotEqualTo(reused.id());
                assertThat(indexed.process(reused.id()).orElseThrow().args()).containsExactly("ls", "-a");
                assertThat(indexed.children(shell.id(), Window.ALL, 10)).isEqualTo(fromStore.children(shell.id(), Window.ALL, 10))
                        .extracting(ProcessRecord::entityId).containsExactly(script.id(), first.id(), reused.id());
                assertThat(indexed.childStarts(shell.id(), Window.ALL)).isEqualTo(3);
                Window early = new Window(t, t.plusSeconds(30));
                assertThat(indexed.children(shell.id(), early, 10)).extracting(ProcessRecord::entityId).containsExactly(script.id(), first.id());
                assertThat(indexed.runsOfHash("33".repeat(32), Window.ALL, 10)).extracting(ProcessRecord::entityId)
                        .containsExactly(reused.id(), other.id(), first.id());
                assertThat(indexed.agentsThatRan("33".repeat(32), Window.ALL, 10)).containsExactly("agent-a", "agent-b");
                assertThat(indexed.agentsThatRan("33".repeat(32), Window.ALL, 10))
                        .containsExactlyInAnyOrderElementsOf(fromStore.agentsThatRan("33".repeat(32), Window.ALL, 10));
                assertThat(indexed.runsOf("agent-a", "/root/tools/sync.py", Window.ALL, 10)).extracting(ProcessRecord::entityId)
                        .as("the script an interpreter ran, resolved against its working directory").containsExactly(script.id());
                assertThat(indexed.runsOf("agent-b", "/usr/bin/ls", Window.ALL, 10)).isEmpty();
                assertThat(index.exitTime(first.id())).contains(t.plusSeconds(5));
                assertThat(index.exitTime(reused.id())).isEmpty();
            }
        }
    }

    @Test
    void anIncompleteIndexLeavesMissesToTheStore(@TempDir Path dir) {
        Instant t = Instant.now().minusSeconds(600);
        Fleet fleet = new Fleet();
        Fleet.Proc init = fleet.snapshot("agent-a", "web-1", 1, null, t.minusSeconds(86_400), "/usr/lib/systemd/systemd", "/sbin/init");
        Fleet.Proc shell = fleet.exec("agent-a", "web-1", 200, init, t, "/usr/bin/bash", "11".repeat(32), "-bash");
        try (LuceneEventStore store = new LuceneEventStore(dir, InstantSource.system(), LuceneStoreOptions.defaults())) {
            store.append(fleet.events);
            store.commit();
            ProcessRecordTable index = table();
            index.ingest(fleet.events.subList(1, 2));
            EventHistory indexed = new EventHistory(store, InstantSource.system(), index);
            assertThat(indexed.process(init.id())).as("not indexed yet: asked of the store").isPresent();
            assertThat(indexed.children(init.id(), Window.ALL, 5)).extracting(ProcessRecord::entityId).containsExactly(shell.id());
        }
    }

    @Test
    void argumentsOfAnyCharactersComeBackAsTheyWent() {
        Random random = new Random(42);
        ProcessRecordTable index = table();
        Fleet fleet = new Fleet();
        Instant t = Instant.now().minusSeconds(60);
        List<Fleet.Proc> procs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String[] args = new String[random.nextInt(5)];
            for (int a = 0; a < args.length; a++) {
                StringBuilder s = new StringBuilder();
                for (int c = random.nextInt(12); c > 0; c--) s.append((char) (1 + random.nextInt(0x2FF)));
                args[a] = s.toString();
            }
            procs.add(fleet.exec("agent-r", "r", 1000 + i, null, t.plusMillis(i * 20L), "/bin/x" + i, null, args));
        }
        index.ingest(fleet.events);
        for (Fleet.Proc p : procs) assertThat(index.images(p.id()).getFirst().args()).isEqualTo(p.info().args());
    }
}
