package dev.kiroku.fleet.server;

import dev.kiroku.event.EventSink;
import dev.kiroku.fleet.proto.Command;
import dev.kiroku.fleet.proto.CommandResult;
import dev.kiroku.fleet.proto.FleetGrpc;
import dev.kiroku.fleet.proto.HeartbeatRequest;
import dev.kiroku.fleet.proto.HeartbeatResponse;
import dev.kiroku.fleet.proto.ListenRequest;
import dev.kiroku.fleet.proto.ResultAccepted;
import dev.kiroku.fleet.proto.ShipRequest;
import dev.kiroku.fleet.proto.ShipResponse;
import dev.kiroku.fleet.state.StateStore;
import dev.kiroku.fleet.wire.BatchDecoder;
import dev.kiroku.fleet.wire.Protocol;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The calls of enrolled agents. A batch is stored and committed before its answer acknowledges it;
 * each agent may have a bounded number of batches in flight, and the server as a whole stores a
 * bounded number at once, so a slow store makes agents' calls slower (they ship less often) while
 * their recording goes on into their journals.
 */
final class FleetService extends FleetGrpc.FleetImplBase {
    private static final int IN_FLIGHT_PER_AGENT = 2;

    private final StateStore state;
    private final BatchReceiver receiver;
    private final InstantSource clock;
    private final Semaphore storing;
    private final CommandPush push;
    private final DeliveryCounters counters;
    private final ShipPacing pacing = new ShipPacing();
    private final Map<String, Semaphore> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong eventsStored = new AtomicLong();
    private final AtomicLong eventsRejected = new AtomicLong();

    FleetService(StateStore state, BatchReceiver receiver, InstantSource clock, int concurrentStores) {
        this.state = state;
        this.receiver = receiver;
        this.clock = clock;
        this.storing = new Semaphore(concurrentStores, true);
        this.push = new CommandPush(state, clock);
        this.counters = new DeliveryCounters(state);
    }

    @Override
    public void ship(ShipRequest request, StreamObserver<ShipResponse> response) {
        String agentId = AgentAuthentication.AGENT_ID.get();
        Semaphore mine = inFlight.computeIfAbsent(agentId, id -> new Semaphore(IN_FLIGHT_PER_AGENT));
        if (!mine.tryAcquire()) {
            response.onError(Status.RESOURCE_EXHAUSTED.withDescription("agent " + agentId + " already has "
                    + IN_FLIGHT_PER_AGENT + " batches in flight; wait for their acknowledgements").asRuntimeException());
            return;
        }
        try {
            BatchDecoder.Decoded decoded = BatchDecoder.decode(request, agentId);
            BatchReceiver.Receipt receipt;
            Context call = Context.current();
            storing.acquireUninterruptibly();
            try {
                // a batch whose caller gave up (deadline passed, connection gone) is not stored: it will come again
                receipt = decoded.events().isEmpty() ? new BatchReceiver.Receipt(0, 0, java.util.List.of())
                        : receiver.receive(decoded.events(), decoded.encoded(), call::isCancelled);
            } finally {
                storing.release();
            }
            ShipResponse.Builder answer = ShipResponse.newBuilder().setAcknowledgedSequence(decoded.highestSequence())
                    .setStored(receipt.stored()).setDuplicates(receipt.duplicates()).addAllRejected(decoded.rejections())
                    .setGatherMs((int) pacing.shipped(agentId, System.nanoTime()).toMillis());
            for (BatchReceiver.Refused refused : receipt.refused()) {
                answer.addRejected(BatchDecoder.rejection(0, refused.sequence(), refused.reason()));
            }
            eventsStored.addAndGet(receipt.stored());
            eventsRejected.addAndGet(answer.getRejectedCount());
            counters.add(agentId, receipt.stored(), decoded.highestSequence(), clock.instant());
            response.onNext(answer.build());
            response.onCompleted();
        } catch (BatchDecoder.BatchRefused e) {
            Status status = e.versionMismatch() ? Status.FAILED_PRECONDITION : Status.INVALID_ARGUMENT;
            response.onError(status.withDescription(e.getMessage()).asRuntimeException());
        } catch (EventSink.DeliveryException e) {
            response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
        } catch (BatchReceiver.Abandoned e) {
            response.onError(Status.CANCELLED.withDescription(e.getMessage()).asRuntimeException());
        } finally {
            mine.release();
        }
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
        String agentId = AgentAuthentication.AGENT_ID.get();
        if (request.getProtocolVersion() != Protocol.VERSION) {
            response.onError(Status.FAILED_PRECONDITION.withDescription("protocol version " + request.getProtocolVersion()
                    + " is not supported; this server speaks " + Protocol.VERSION).asRuntimeException());
            return;
        }
        Instant now = clock.instant();
        state.heartbeat(agentId, InventoryJson.write(request.getInventory()), now);
        HeartbeatResponse.Builder answer = HeartbeatResponse.newBuilder().setServerTimeMs(now.toEpochMilli());
        for (StateStore.Command command : state.takePending(agentId, now)) answer.addCommands(toWire(command));
        response.onNext(answer.build());
        response.onCompleted();
    }

    @Override
    public void listen(ListenRequest request, StreamObserver<Command> response) {
        String agentId = AgentAuthentication.AGENT_ID.get();
        if (request.getProtocolVersion() != Protocol.VERSION) {
            response.onError(Status.FAILED_PRECONDITION.withDescription("protocol version " + request.getProtocolVersion()
                    + " is not supported; this server speaks " + Protocol.VERSION).asRuntimeException());
            return;
        }
        push.listen(agentId, (ServerCallStreamObserver<Command>) response);
    }

    static Command toWire(StateStore.Command command) {
        return Command.newBuilder().setId(command.id()).setType(command.type())
                .putAllParameters(command.parameters()).setExpiresMs(command.expires().toEpochMilli()).build();
    }

    CommandPush push() {
        return push;
    }

    @Override
    public void reportResult(CommandResult request, StreamObserver<ResultAccepted> response) {
        String agentId = AgentAuthentication.AGENT_ID.get();
        Instant now = clock.instant();
        if (request.getInProgress()) {
            if (!state.progress(request.getCommandId(), agentId, request.getOutput())) {
                response.onError(Status.NOT_FOUND.withDescription("command " + request.getCommandId()
                        + " is not running on agent " + agentId).asRuntimeException());
                return;
            }
            response.onNext(ResultAccepted.getDefaultInstance());
            response.onCompleted();
            return;
        }
        if (!state.result(request.getCommandId(), agentId, request.getSuccess(), request.getOutput(), now)) {
            response.onError(Status.NOT_FOUND.withDescription("command " + request.getCommandId()
                    + " was not sent to agent " + agentId + " or already has a result").asRuntimeException());
            return;
        }
        state.audit("agent:" + agentId, "command.result", request.getCommandId() + " "
                + (request.getSuccess() ? "succeeded" : "failed"), now);
        response.onNext(ResultAccepted.getDefaultInstance());
        response.onCompleted();
    }

    long eventsStored() {
        return eventsStored.get();
    }

    long eventsRejected() {
        return eventsRejected.get();
    }

    /** Writes the delivery counters not yet written; the service takes no more batches after this. */
    void close() {
        counters.close();
    }
}
