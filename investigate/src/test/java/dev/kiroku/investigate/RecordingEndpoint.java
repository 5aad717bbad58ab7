package dev.kiroku.investigate;

import dev.kiroku.agent.Agent;
import dev.kiroku.agent.AgentConfig;
import dev.kiroku.event.EventSink;
import dev.kiroku.sensor.linux.audit.AuditLock;
import dev.kiroku.store.StoreUnavailableException;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/**
 * The real agent recording this machine into a real Lucene store, in this JVM, holding the machine-wide audit lock so
 * no other Kiroku test uses audit at the same time.
 */
final class RecordingEndpoint implements AutoCloseable {
    final LuceneEventStore store;
    final Agent agent;
    private final AuditLock lock;

    RecordingEndpoint(Path data, Path watched) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root for audit, fanotify and the proc connector (running as " + System.getProperty("user.name") + ")");
        lock = AuditLock.acquire(Duration.ofMinutes(10));
        LuceneEventStore s = null;
        try {
            InstantSource clock = InstantSource.system();
            s = new LuceneEventStore(data.resolve("store"), clock, LuceneStoreOptions.defaults().withRefreshInterval(Duration.ofMillis(200)));
            LuceneEventStore target = s;
            EventSink sink = batch -> {
                try {
                    target.append(batch);
                    target.commit();
                } catch (StoreUnavailableException e) {
                    throw new EventSink.DeliveryException(e.getMessage(), e);
                }
            };
            agent = new Agent(AgentConfig.defaults(data.resolve("agent"), "investigate-host").withFileWatchPaths(List.of(watched)), clock);
            agent.start(sink);
            store = s;
        } catch (Exception e) {
            if (s != null) s.close();
            lock.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            agent.close();
            store.close();
        } finally {
            lock.close();
        }
    }
}
