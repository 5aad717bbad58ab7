package dev.kiroku.investigate;

import dev.kiroku.investigate.history.EventHistory;
import dev.kiroku.investigate.tracking.CrossHostLinker;
import dev.kiroku.investigate.tracking.FileOrigin;
import dev.kiroku.investigate.tracking.RootCause;
import dev.kiroku.investigate.tracking.RootCauseTracker;
import dev.kiroku.investigate.tracking.TrackingLimits;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dropper's fixed path written on many endpoints: the origin of the copy one endpoint ran is that endpoint's own
 * write, even when dozens of other endpoints wrote the same path later (more than the page of writes looked at).
 */
class SharedPathOriginTest {
    @Test
    void theWriterIsFoundOnTheEndpointThatRanTheFileNotHiddenByOtherEndpointsWrites(@TempDir Path dir) {
        Fleet fleet = new Fleet();
        Instant t = Instant.now().minusSeconds(3600);
        String dropped = "/tmp/.cache-update";
        Fleet.Proc shell = fleet.snapshot("agent-000", "host-000", 100, null, t, "/usr/bin/bash", "bash");
        Fleet.Proc curl = fleet.exec("agent-000", "host-000", 101, shell, t.plusSeconds(1), "/usr/bin/curl", null, "curl", "-o", dropped);
        fleet.connect(curl, t.plusSeconds(1).plusMillis(100), "198.51.100.7", 80);
        fleet.write(curl, t.plusSeconds(2), dropped);
        for (int i = 1; i <= 40; i++) {
            String agent = String.format("agent-%03d", i);
            Fleet.Proc other = fleet.snapshot(agent, "host-" + i, 200, null, t, "/usr/bin/bash", "bash");
            fleet.write(fleet.exec(agent, "host-" + i, 201, other, t.plusSeconds(3), "/usr/bin/wget", null, "wget"), t.plusSeconds(4), dropped);
        }
        // The endpoint runs its copy after every other endpoint wrote theirs.
        Fleet.Proc ran = fleet.exec("agent-000", "host-000", 102, shell, t.plusSeconds(30), dropped, "ab".repeat(32), dropped);

        try (LuceneEventStore store = new LuceneEventStore(dir, InstantSource.system(), LuceneStoreOptions.defaults())) {
            store.append(fleet.events);
            store.commit();
            EventHistory history = new EventHistory(store, InstantSource.system());
            RootCause trace = new RootCauseTracker(history, new CrossHostLinker(history, Duration.ofSeconds(2)))
                    .trace(ran.id(), TrackingLimits.defaults());

            FileOrigin origin = trace.chain().getFirst().origins().getFirst();
            assertThat(origin.path()).isEqualTo(dropped);
            assertThat(origin.writer()).as("the write on this endpoint, behind 40 later writes elsewhere").isNotNull();
            assertThat(origin.writer().process().entityId()).isEqualTo(curl.id());
            assertThat(origin.writer().download()).extracting(c -> c.remote()).containsExactly("198.51.100.7:80");
        }
    }
}
