package dev.kiroku.fleet;

import dev.kiroku.event.Event;
import dev.kiroku.event.LossReport;
import dev.kiroku.fleet.client.AgentCredentials;
import dev.kiroku.fleet.client.Enroller;
import dev.kiroku.fleet.client.FleetClient;
import dev.kiroku.fleet.pki.CertificateAuthority;
import dev.kiroku.fleet.pki.EnrolmentToken;
import dev.kiroku.fleet.server.BatchReceiver;
import dev.kiroku.fleet.server.FleetServer;
import dev.kiroku.fleet.state.JdbcStateStore;
import dev.kiroku.fleet.state.StateStore;
import dev.kiroku.store.AppendResult;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** A real fleet server on loopback: CA, H2 state, Lucene store, gRPC with mutual TLS. */
final class TestFleet implements AutoCloseable {
    final Path dir;
    final InstantSource clock = InstantSource.system();
    final CertificateAuthority ca;
    final JdbcStateStore state;
    final LuceneEventStore store;
    final FleetServer server;
    private volatile CountDownLatch turn = new CountDownLatch(0);
    private final AtomicLong abandonedBatches = new AtomicLong();

    TestFleet(Path dir) throws IOException {
        this.dir = dir;
        ca = CertificateAuthority.loadOrCreate(dir.resolve("pki"), clock);
        state = JdbcStateStore.h2(dir.resolve("state"), clock.instant());
        store = new LuceneEventStore(dir.resolve("events"), clock, LuceneStoreOptions.defaults());
        server = FleetServer.start("127.0.0.1", 0, ca, state, new BatchReceiver() {
            @Override
            public Receipt receive(List<Event> events) {
                return TestFleet.this.receive(events);
            }

            @Override
            public Receipt receive(List<Event> events, List<byte[]> encoded, BooleanSupplier abandoned) throws Abandoned {
                waitForTurn();
                // like the server's ingest: the caller may have given up while its batch waited
                if (abandoned.getAsBoolean()) {
                    abandonedBatches.incrementAndGet();
                    throw new Abandoned(events.size());
                }
                return receive(events);
            }
        }, clock, 4);
    }

    /** Until {@link #releaseBatches}, batches wait before they are stored, as behind a busy store. */
    void holdBatches() {
        turn = new CountDownLatch(1);
    }

    void releaseBatches() {
        turn.countDown();
    }

    /** Batches not stored because their caller had given up when their turn came. */
    long abandonedBatches() {
        return abandonedBatches.get();
    }

    private void waitForTurn() {
        try {
            if (!turn.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("batches held for 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private BatchReceiver.Receipt receive(List<Event> events) {
        AppendResult result = store.append(events);
        store.commit();
        return new BatchReceiver.Receipt(result.stored(), result.duplicates(),
                result.rejected().stream().map(r -> new BatchReceiver.Refused(r.sequence(), r.reason())).toList());
    }

    String address() {
        return "127.0.0.1:" + server.port();
    }

    EnrolmentToken token(Duration valid) {
        EnrolmentToken token = EnrolmentToken.generate(ca.fingerprint());
        Instant now = clock.instant();
        state.createToken(new StateStore.Token(token.hash(), "default", now, now.plus(valid), "test", 0));
        return token;
    }

    /** Enrols an agent with a fresh token; returns its credentials. */
    AgentCredentials enrol(String agentId) throws IOException {
        AgentCredentials credentials = new AgentCredentials(dir.resolve("agents").resolve(agentId));
        Enroller.enrol(address(), token(Duration.ofHours(1)).toString(), agentId, "host-" + agentId, credentials);
        return credentials;
    }

    FleetClient client(AgentCredentials credentials) throws IOException {
        return new FleetClient(address(), credentials);
    }

    static List<Event> events(String agentId, long firstSequence, int count) {
        List<Event> events = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            events.add(Event.of(agentId, now, "host-" + agentId,
                    new LossReport("test", i, now.minusSeconds(1), now, "fleet test event " + i)).withSequence(firstSequence + i));
        }
        return events;
    }

    long stored(String agentId) {
        return store.sequenceGaps(agentId, 1, Long.MAX_VALUE).storedInRange();
    }

    @Override
    public void close() {
        server.close();
        store.close();
        state.close();
    }
}
