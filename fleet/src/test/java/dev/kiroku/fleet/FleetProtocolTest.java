package dev.kiroku.fleet;

import com.google.protobuf.ByteString;
import dev.kiroku.event.Event;
import dev.kiroku.event.EventSink;
import dev.kiroku.event.Incomplete;
import dev.kiroku.event.LossReport;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.fleet.client.AgentCredentials;
import dev.kiroku.fleet.client.Enroller;
import dev.kiroku.fleet.client.FleetClient;
import dev.kiroku.fleet.pki.CertificateAuthority;
import dev.kiroku.fleet.pki.EnrolmentToken;
import dev.kiroku.fleet.pki.Pem;
import dev.kiroku.fleet.proto.FleetGrpc;
import dev.kiroku.fleet.proto.HeartbeatRequest;
import dev.kiroku.fleet.proto.Inventory;
import dev.kiroku.fleet.proto.ShipRequest;
import dev.kiroku.fleet.proto.ShipResponse;
import dev.kiroku.fleet.state.StateStore;
import dev.kiroku.fleet.wire.BatchDecoder;
import dev.kiroku.fleet.wire.Protocol;
import dev.kiroku.store.EventQuery;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Enrolment, mutual TLS, exactly-once delivery, revocation, bad input and commands against a real fleet server. */
class FleetProtocolTest {
    @TempDir
    Path dir;
    TestFleet fleet;

    @BeforeEach
    void start() throws Exception {
        fleet = new TestFleet(dir);
    }

    @AfterEach
    void stop() {
        fleet.close();
    }

    @Test
    void enrolledAgentDeliversExactlyOnceEvenWhenBatchesAreSentAgain() throws Exception {
        AgentCredentials credentials = fleet.enrol("agent-a");
        assertThat(Pem.readCertificate(credentials.certificate()).getSubjectX500Principal().getName()).isEqualTo("CN=agent-a");
        assertThat(fleet.state.agent("agent-a")).get().extracting(StateStore.AgentRecord::hostName).isEqualTo("host-agent-a");
        try (FleetClient client = fleet.client(credentials)) {
            List<Event> first = TestFleet.events("agent-a", 1, 500);
            client.deliver(first);
            client.deliver(first);                      // a retry after a lost acknowledgement
            client.deliver(TestFleet.events("agent-a", 400, 200)); // overlapping
            assertThat(client.requestedGathering()).as("the server's pace, passed on to the shipper").isEqualTo(java.time.Duration.ofSeconds(1));
        }
        assertThat(fleet.stored("agent-a")).isEqualTo(599);
        assertThat(fleet.store.sequenceGaps("agent-a", 1, 599).missing()).isEmpty();
        // the delivery counters are written once a second (DeliveryCounters)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(fleet.state.agent("agent-a").orElseThrow().eventsReceived()).isEqualTo(599);
            assertThat(fleet.state.agent("agent-a").orElseThrow().lastStoredSequence()).isEqualTo(599);
        });
    }

    /**
     * A batch larger than the server takes in one message (here 1,000 events of 20 KB: 20 MB against 16 MB) is shipped in
     * parts: before, the agent sent the same oversized call again and again and its shipping stopped for good.
     */
    @Test
    void aBatchLargerThanOneMessageIsShippedInPartsAndStoredOnce() throws Exception {
        AgentCredentials credentials = fleet.enrol("agent-big");
        Instant now = Instant.now();
        String large = "x".repeat(20_000);
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(Event.of("agent-big", now, "host-agent-big", new LossReport("test", i, now.minusSeconds(1), now, large + i))
                    .withSequence(i + 1));
        }
        assertThat(BatchDecoder.encode(batch).getSerializedSize()).isGreaterThan(Protocol.MAX_MESSAGE_BYTES);
        try (FleetClient client = fleet.client(credentials)) {
            client.deliver(batch);
            client.deliver(batch); // a retry: nothing twice
        }
        assertThat(fleet.stored("agent-big")).isEqualTo(1000);
        assertThat(fleet.store.sequenceGaps("agent-big", 1, 1000).missing()).isEmpty();
    }

    /**
     * One event larger than any message (a 6 MB argument vector of control characters, which the event's JSON writes
     * as six bytes each) is stored with its argument vector cut and flagged, instead of being refused forever.
     */
    @Test
    void anEventLargerThanAnyMessageIsStoredWithItsArgumentsCut() throws Exception {
        AgentCredentials credentials = fleet.enrol("agent-huge");
        Instant now = Instant.now();
        List<String> args = List.of("/usr/bin/true", "\u0001".repeat(6 << 20));
        ProcessInfo process = new ProcessInfo("huge-1", 4242, now, null, "/usr/bin/true", args, "/", null, null, -1,
                null, null);
        Event huge = Event.of("agent-huge", now, "host-agent-huge", new ProcessStart(process, false)).withSequence(1);
        assertThat(BatchDecoder.encode(List.of(huge)).getSerializedSize()).isGreaterThan(Protocol.MAX_MESSAGE_BYTES);

        try (FleetClient client = fleet.client(credentials)) {
            client.deliver(List.of(huge));
        }
        assertThat(fleet.stored("agent-huge")).isEqualTo(1);

        Event stored = fleet.store.search(EventQuery.parse("process.pid:4242", Instant::now)).hits().getFirst().event();
        assertThat(stored.incomplete()).contains(Incomplete.ARGS_ABRIDGED);
        List<String> storedArgs = ((ProcessStart) stored.payload()).process().args();
        assertThat(storedArgs.getFirst()).isEqualTo("/usr/bin/true");
        assertThat(storedArgs.get(1)).isNotEmpty().hasSizeLessThan(6 << 20).matches("\u0001+");
    }

    @Test
    void unknownExpiredAndForeignTokensAreRefused() throws Exception {
        AgentCredentials credentials = new AgentCredentials(dir.resolve("x"));
        EnrolmentToken unknown = EnrolmentToken.generate(fleet.ca.fingerprint());
        assertThatThrownBy(() -> Enroller.enrol(fleet.address(), unknown.toString(), "x1", "h", credentials))
                .hasMessageContaining("UNAUTHENTICATED").hasMessageContaining("did not issue that token");

        EnrolmentToken expired = fleet.token(Duration.ofMillis(1));
        Thread.sleep(20);
        assertThatThrownBy(() -> Enroller.enrol(fleet.address(), expired.toString(), "x2", "h", credentials))
                .hasMessageContaining("expired");

        // a token that pins another CA: the agent refuses the server before sending anything
        EnrolmentToken foreign = new EnrolmentToken(fleet.token(Duration.ofHours(1)).secret(), "0".repeat(64));
        assertThatThrownBy(() -> Enroller.enrol(fleet.address(), foreign.toString(), "x3", "h", credentials))
                .hasMessageContaining("UNAVAILABLE");
        assertThatThrownBy(() -> Enroller.enrol(fleet.address(), "not-a-token", "x4", "h", credentials))
                .hasMessageContaining("K1.<secret>.<fingerprint>");
        assertThat(fleet.state.agents()).isEmpty();
        assertThat(credentials.enrolled()).isFalse();
    }

    @Test
    void anAgentIdEnrolsOnlyOnce() throws Exception {
        fleet.enrol("agent-b");
        AgentCredentials again = new AgentCredentials(dir.resolve("again"));
        assertThatThrownBy(() -> Enroller.enrol(fleet.address(), fleet.token(Duration.ofHours(1)).toString(), "agent-b", "h", again))
                .hasMessageContaining("ALREADY_EXISTS");
    }

    @Test
    void revokedAgentIsRefusedAtOnce() throws Exception {
        AgentCredentials credentials = fleet.enrol("agent-r");
        try (FleetClient client = fleet.client(credentials)) {
            client.deliver(TestFleet.events("agent-r", 1, 10));
            assertThat(fleet.state.revoke("agent-r", Instant.now())).isTrue();
            assertThatThrownBy(() -> client.deliver(TestFleet.events("agent-r", 11, 10)))
                    .isInstanceOf(EventSink.DeliveryException.class).hasMessageContaining("PERMISSION_DENIED").hasMessageContaining("revoked");
            assertThat(client.revoked()).isTrue();
            assertThatThrownBy(() -> client.heartbeat(Inventory.getDefaultInstance())).hasMessageContaining("PERMISSION_DENIED");
        }
        assertThat(fleet.stored("agent-r")).isEqualTo(10);
    }

    @Test
    void oneAgentCannotSendEventsAsAnother() throws Exception {
        AgentCredentials mallory = fleet.enrol("mallory");
        fleet.enrol("victim");
        List<Event> batch = new ArrayList<>(TestFleet.events("mallory", 1, 3));
        batch.addAll(TestFleet.events("victim", 1, 2));
        try (FleetClient client = fleet.client(mallory)) {
            client.deliver(batch);
            assertThat(client.rejected()).isEqualTo(2);
        }
        assertThat(fleet.stored("mallory")).isEqualTo(3);
        assertThat(fleet.stored("victim")).isZero();
    }

    @Test
    void callsWithoutACertificateAreRefused() throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilder(fleet.address(), TlsChannelCredentials.newBuilder()
                .trustManager(fleet.ca.serverCertificateChain().toFile()).build()).overrideAuthority(CertificateAuthority.SERVER_NAME).build();
        try {
            assertThatThrownBy(() -> FleetGrpc.newBlockingStub(channel).ship(BatchDecoder.encode(TestFleet.events("x", 1, 1))))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void wrongVersionOversizedAndMalformedBatchesGetClearAnswersAndStoreNothingWrong() throws Exception {
        AgentCredentials credentials = fleet.enrol("agent-m");
        ManagedChannel channel = Grpc.newChannelBuilder(fleet.address(), TlsChannelCredentials.newBuilder()
                        .keyManager(credentials.certificate().toFile(), credentials.key().toFile())
                        .trustManager(credentials.caCertificate().toFile()).build())
                .overrideAuthority(CertificateAuthority.SERVER_NAME).maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES).build();
        try {
            var stub = FleetGrpc.newBlockingStub(channel);
            ShipRequest good = BatchDecoder.encode(TestFleet.events("agent-m", 1, 5));
            assertThat(status(() -> stub.ship(good.toBuilder().setProtocolVersion(99).build())))
                    .isEqualTo(Status.Code.FAILED_PRECONDITION);
            ShipRequest.Builder many = ShipRequest.newBuilder().setProtocolVersion(Protocol.VERSION);
            for (int i = 0; i <= Protocol.MAX_EVENTS_PER_BATCH; i++) many.addEvents(ByteString.copyFromUtf8("{}"));
            assertThat(status(() -> stub.ship(many.build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
            ShipRequest huge = ShipRequest.newBuilder().setProtocolVersion(Protocol.VERSION)
                    .addEvents(ByteString.copyFrom(new byte[Protocol.MAX_MESSAGE_BYTES + 1])).build();
            assertThat(status(() -> stub.ship(huge))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(status(() -> stub.heartbeat(HeartbeatRequest.newBuilder().setProtocolVersion(0).build())))
                    .isEqualTo(Status.Code.FAILED_PRECONDITION);

            ShipRequest mixed = good.toBuilder().addEvents(ByteString.copyFromUtf8("{\"agentId\":")).addEvents(ByteString.EMPTY)
                    .addEvents(ByteString.copyFrom(dev.kiroku.event.EventCodec.encode(TestFleet.events("agent-m", 0, 1).getFirst())))
                    .build();
            ShipResponse answer = stub.ship(mixed);
            assertThat(answer.getStored()).isEqualTo(5);
            assertThat(answer.getRejectedList()).extracting(r -> r.getIndex()).containsExactly(5, 6, 7);
            assertThat(answer.getRejected(0).getReason()).contains("event 5 cannot be decoded");
            assertThat(answer.getRejected(2).getReason()).contains("no valid sequence");
            assertThat(answer.getAcknowledgedSequence()).isEqualTo(5);
            assertThat(answer.getGatherMs()).as("one agent shipping: the agents' own pace").isEqualTo(1000);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(fleet.stored("agent-m")).isEqualTo(5);
    }

    @Test
    void aBatchWhoseCallerGaveUpBeforeItsTurnIsNotStoredAndIsStoredOnceWhenSentAgain() throws Exception {
        AgentCredentials credentials = fleet.enrol("agent-late");
        ManagedChannel channel = Grpc.newChannelBuilder(fleet.address(), TlsChannelCredentials.newBuilder()
                        .keyManager(credentials.certificate().toFile(), credentials.key().toFile())
                        .trustManager(credentials.caCertificate().toFile()).build())
                .overrideAuthority(CertificateAuthority.SERVER_NAME).build();
        try {
            ShipRequest batch = BatchDecoder.encode(TestFleet.events("agent-late", 1, 5));
            fleet.holdBatches();
            assertThat(status(() -> FleetGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS).ship(batch)))
                    .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            Thread.sleep(2_000); // the server's copy of the deadline has passed too
            fleet.releaseBatches();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fleet.abandonedBatches() == 1);
            assertThat(fleet.stored("agent-late")).as("nothing of the abandoned batch is stored").isZero();

            ShipResponse again = FleetGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).ship(batch);
            assertThat(again.getStored()).isEqualTo(5);
            assertThat(again.getDuplicates()).isZero();
            assertThat(fleet.stored("agent-late")).isEqualTo(5);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void commandsWaitForTheAgentAndExpiredOnesAreNotDelivered() throws Exception {
        AgentCredentials credentials = fleet.enrol("agent-c");
        Instant now = Instant.now();
        fleet.state.issue(new StateStore.Command("c1", "agent:agent-c", "ping", Map.of("echo", "hi"), "admin", now, now.plusSeconds(600)));
        fleet.state.issue(new StateStore.Command("c2", "all", "ping", Map.of(), "admin", now, now.minusSeconds(1)));
        try (FleetClient client = fleet.client(credentials)) {
            var commands = client.heartbeat(Inventory.newBuilder().setHostName("host-agent-c").setKernel("6.1").build());
            assertThat(commands).extracting(c -> c.getId()).containsExactly("c1");
            assertThat(commands.getFirst().getParametersMap()).containsEntry("echo", "hi");
            assertThat(client.heartbeat(Inventory.getDefaultInstance())).isEmpty();
            client.report("c1", true, "pong hi");
            assertThatThrownBy(() -> client.report("c1", true, "again")).hasMessageContaining("NOT_FOUND");
        }
        assertThat(fleet.state.deliveries("c1", 10)).singleElement().satisfies(d -> {
            assertThat(d.state()).isEqualTo("succeeded");
            assertThat(d.output()).isEqualTo("pong hi");
            assertThat(d.command().issuedBy()).isEqualTo("admin");
        });
        assertThat(fleet.state.deliveries("c2", 10)).singleElement().extracting(StateStore.Delivery::state).isEqualTo("expired");
    }

    private static Status.Code status(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }
}
