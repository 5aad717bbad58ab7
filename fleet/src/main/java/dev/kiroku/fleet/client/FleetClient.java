package dev.kiroku.fleet.client;

import dev.kiroku.event.AbridgedArgs;
import dev.kiroku.event.Event;
import dev.kiroku.event.EventSink;
import dev.kiroku.fleet.pki.CertificateAuthority;
import dev.kiroku.fleet.proto.Command;
import dev.kiroku.fleet.proto.CommandResult;
import dev.kiroku.fleet.proto.FleetGrpc;
import dev.kiroku.fleet.proto.HeartbeatRequest;
import dev.kiroku.fleet.proto.Inventory;
import dev.kiroku.fleet.proto.ListenRequest;
import dev.kiroku.fleet.proto.ShipRequest;
import dev.kiroku.fleet.proto.ShipResponse;
import dev.kiroku.fleet.wire.BatchDecoder;
import dev.kiroku.fleet.wire.Protocol;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * An enrolled agent's connection to the server: mutual TLS with its certificate, the server checked
 * against the fleet CA. As an {@link EventSink} it returns from {@link #deliver} only after the
 * server answered that the batch is stored, so the shipper acknowledges only durable events; a
 * refused or failed call throws and the shipper retries the same batch with backoff.
 */
public final class FleetClient implements EventSink, AutoCloseable {
    /** The largest event the server accepts in a message of its own (room left for the message's other fields). */
    private static final int MAX_EVENT_BYTES = Protocol.MAX_MESSAGE_BYTES - (64 << 10);
    /**
     * A process start larger (an argument vector near the kernel's 6 MB limit, of characters that take several bytes
     * in the encoding) is shipped with its own argument vector cut to this many characters or fewer, and flagged; the
     * journal keeps it whole.
     */
    private static final int MAX_SHIPPED_ARGS_CHARS = 4 << 20;
    private final ManagedChannel channel;
    private final FleetGrpc.FleetBlockingStub stub;
    private final FleetGrpc.FleetStub asyncStub;
    private final AtomicLong rejected = new AtomicLong();
    private volatile Status.Code lastRefusal;
    private volatile Duration requestedGathering;
    private final ShipDeadline shipDeadline = new ShipDeadline();

    public FleetClient(String address, AgentCredentials credentials) throws IOException {
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder()
                .keyManager(dev.kiroku.fleet.pki.StaticKeyManager.fromPem(credentials.certificate(), credentials.key()))
                .trustManager(credentials.caCertificate().toFile());
        this.channel = Grpc.newChannelBuilder(address, tls.build()).overrideAuthority(CertificateAuthority.SERVER_NAME)
                .maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES)
                // The Listen call stays open for hours: pings keep it through NATs and find a dead server.
                .keepAliveTime(30, TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS).build();
        this.stub = FleetGrpc.newBlockingStub(channel);
        this.asyncStub = FleetGrpc.newStub(channel);
    }

    /**
     * Ships a batch in one call, or in several when its encoding exceeds {@link Protocol#MAX_SHIP_BYTES} (halves, in
     * order). Returns once every part is stored; when a part fails, the parts before it stay stored and the retry of
     * the whole batch stores them nothing twice (the server deduplicates by agent and sequence).
     */
    @Override
    public void deliver(List<Event> batch) throws DeliveryException {
        ShipRequest request = BatchDecoder.encode(batch);
        if (request.getSerializedSize() > Protocol.MAX_SHIP_BYTES && batch.size() > 1) {
            int half = batch.size() / 2;
            deliver(batch.subList(0, half));
            deliver(batch.subList(half, batch.size()));
            return;
        }
        ship(request.getSerializedSize() > MAX_EVENT_BYTES ? fitted(batch.getFirst()) : request);
    }

    /** A process start too large for any message, with its own argument vector cut until it fits (and flagged). */
    private static ShipRequest fitted(Event event) {
        ShipRequest request = null;
        for (int chars = MAX_SHIPPED_ARGS_CHARS; chars > 0; chars /= 2) {
            request = BatchDecoder.encode(List.of(AbridgedArgs.withOwnArgsCut(event, chars)));
            if (request.getSerializedSize() <= MAX_EVENT_BYTES) break;
        }
        return request;
    }

    private void ship(ShipRequest request) throws DeliveryException {
        long started = System.nanoTime();
        try {
            ShipResponse response = stub.withDeadlineAfter(shipDeadline.next().toNanos(), TimeUnit.NANOSECONDS)
                    .ship(request);
            shipDeadline.answered(Duration.ofNanos(System.nanoTime() - started));
            if (response.getRejectedCount() > 0) {
                rejected.addAndGet(response.getRejectedCount());
                System.err.println("kiroku agent: the server rejected " + response.getRejectedCount() + " events, first: "
                        + response.getRejected(0).getReason());
            }
            lastRefusal = null;
            requestedGathering = response.getGatherMs() > 0 ? Duration.ofMillis(response.getGatherMs()) : null;
        } catch (StatusRuntimeException e) {
            lastRefusal = e.getStatus().getCode();
            if (lastRefusal == Status.Code.DEADLINE_EXCEEDED) shipDeadline.expired();
            throw new DeliveryException("server: " + describe(e), e);
        }
    }

    /** What the server's last acknowledgement asked: how long to gather before the next partial batch (null: no request). */
    @Override
    public Duration requestedGathering() {
        return requestedGathering;
    }

    /** Reports inventory; returns the commands the server has waiting for this agent. */
    public List<Command> heartbeat(Inventory inventory) throws DeliveryException {
        try {
            return stub.withDeadlineAfter(30, TimeUnit.SECONDS).heartbeat(HeartbeatRequest.newBuilder()
                    .setProtocolVersion(Protocol.VERSION).setInventory(inventory).build()).getCommandsList();
        } catch (StatusRuntimeException e) {
            lastRefusal = e.getStatus().getCode();
            throw new DeliveryException("server: " + describe(e), e);
        }
    }

    /**
     * Opens the server's command push and returns at once: each command the server pushes goes to
     * {@code onCommand} (on a gRPC thread); when the call ends, {@code onEnd} gets the reason (null when the
     * server closed it). The returned handle cancels the call.
     */
    public AutoCloseable listen(Consumer<Command> onCommand, Consumer<String> onEnd) {
        AtomicReference<ClientCallStreamObserver<ListenRequest>> call = new AtomicReference<>();
        asyncStub.listen(ListenRequest.newBuilder().setProtocolVersion(Protocol.VERSION).build(),
                new ClientResponseObserver<ListenRequest, Command>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<ListenRequest> requestStream) {
                        call.set(requestStream);
                    }

                    @Override
                    public void onNext(Command command) {
                        onCommand.accept(command);
                    }

                    @Override
                    public void onError(Throwable t) {
                        if (t instanceof StatusRuntimeException e) lastRefusal = e.getStatus().getCode();
                        onEnd.accept(t instanceof StatusRuntimeException e ? "server: " + describe(e) : t.toString());
                    }

                    @Override
                    public void onCompleted() {
                        onEnd.accept(null);
                    }
                });
        return () -> call.get().cancel("agent stopped listening", null);
    }

    public void report(String commandId, boolean success, String output) throws DeliveryException {
        try {
            stub.withDeadlineAfter(30, TimeUnit.SECONDS).reportResult(CommandResult.newBuilder().setCommandId(commandId)
                    .setSuccess(success).setOutput(output).build());
        } catch (StatusRuntimeException e) {
            throw new DeliveryException("server: " + describe(e), e);
        }
    }

    /** Reports how far a running command has got (output: progress as JSON); the final result comes by {@link #report}. */
    public void progress(String commandId, String output) throws DeliveryException {
        try {
            stub.withDeadlineAfter(10, TimeUnit.SECONDS).reportResult(CommandResult.newBuilder().setCommandId(commandId)
                    .setInProgress(true).setOutput(output).build());
        } catch (StatusRuntimeException e) {
            throw new DeliveryException("server: " + describe(e), e);
        }
    }

    /** True once the server said this agent is revoked. */
    public boolean revoked() {
        return lastRefusal == Status.Code.PERMISSION_DENIED;
    }

    /** Events the server rejected for good (malformed, wrong agent). */
    public long rejected() {
        return rejected.get();
    }

    static String describe(StatusRuntimeException e) {
        Status status = e.getStatus();
        String cause = status.getCause() == null ? "" : " (" + status.getCause().getMessage() + ")";
        return status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription()) + cause;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
