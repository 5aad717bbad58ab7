package dev.kiroku.fleet.client;

import dev.kiroku.event.Event;
import dev.kiroku.event.EventSink;
import dev.kiroku.fleet.pki.CertificateAuthority;
import dev.kiroku.fleet.proto.Command;
import dev.kiroku.fleet.proto.CommandResult;
import dev.kiroku.fleet.proto.FleetGrpc;
import dev.kiroku.fleet.proto.HeartbeatRequest;
import dev.kiroku.fleet.proto.Inventory;
import dev.kiroku.fleet.proto.ShipResponse;
import dev.kiroku.fleet.wire.BatchDecoder;
import dev.kiroku.fleet.wire.Protocol;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An enrolled agent's connection to the server: mutual TLS with its certificate, the server checked
 * against the fleet CA. As an {@link EventSink} it returns from {@link #deliver} only after the
 * server answered that the batch is stored, so the shipper acknowledges only durable events; a
 * refused or failed call throws and the shipper retries the same batch with backoff.
 */
public final class FleetClient implements EventSink, AutoCloseable {
    private final ManagedChannel channel;
    private final FleetGrpc.FleetBlockingStub stub;
    private final AtomicLong rejected = new AtomicLong();
    private volatile Status.Code lastRefusal;

    public FleetClient(String address, AgentCredentials credentials) throws IOException {
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder()
                .keyManager(credentials.certificate().toFile(), credentials.key().toFile())
                .trustManager(credentials.caCertificate().toFile());
        this.channel = Grpc.newChannelBuilder(address, tls.build()).overrideAuthority(CertificateAuthority.SERVER_NAME)
                .maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES).build();
        this.stub = FleetGrpc.newBlockingStub(channel);
    }

    @Override
    public void deliver(List<Event> batch) throws DeliveryException {
        try {
            ShipResponse response = stub.withDeadlineAfter(60, TimeUnit.SECONDS).ship(BatchDecoder.encode(batch));
            if (response.getRejectedCount() > 0) {
                rejected.addAndGet(response.getRejectedCount());
                System.err.println("kiroku agent: the server rejected " + response.getRejectedCount() + " events, first: "
                        + response.getRejected(0).getReason());
            }
            lastRefusal = null;
        } catch (StatusRuntimeException e) {
            lastRefusal = e.getStatus().getCode();
            throw new DeliveryException("server: " + describe(e), e);
        }
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
