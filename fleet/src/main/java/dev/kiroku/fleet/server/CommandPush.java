package dev.kiroku.fleet.server;

import dev.kiroku.fleet.proto.Command;
import dev.kiroku.fleet.state.StateStore;
import io.grpc.stub.ServerCallStreamObserver;

import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open {@code Listen} calls of connected agents. When a command is issued, {@link #wake} takes the
 * pending commands of every targeted agent that has an open call from the state store in one pass (marking
 * them delivered, exactly as a heartbeat does) and writes them to the calls, so a connected agent gets a
 * command within milliseconds, and a fleet-wide command costs the store three statements, not three per agent.
 * An agent without an open call gets it with its next heartbeat; one that is away, when it returns.
 */
final class CommandPush {
    private final StateStore state;
    private final InstantSource clock;
    private final Map<String, Set<ServerCallStreamObserver<Command>>> listeners = new ConcurrentHashMap<>();

    CommandPush(StateStore state, InstantSource clock) {
        this.state = state;
        this.clock = clock;
    }

    /** Registers an agent's open call and sends what is already waiting for it. */
    void listen(String agentId, ServerCallStreamObserver<Command> call) {
        call.setOnCancelHandler(() -> forget(agentId, call));
        listeners.computeIfAbsent(agentId, id -> ConcurrentHashMap.newKeySet()).add(call);
        wake(List.of(agentId));
    }

    /**
     * Sends the agents' pending commands on their open calls; agents without one are skipped. One writer at a time:
     * commands keep their order per agent and a call is never written concurrently (writes only queue in gRPC).
     */
    synchronized void wake(Collection<String> agentIds) {
        List<String> listening = agentIds.stream().filter(id -> openCall(id) != null).distinct().toList();
        if (listening.isEmpty()) return;
        state.takePending(listening, clock.instant()).forEach(this::write);
    }

    private void write(String agentId, List<StateStore.Command> commands) {
        ServerCallStreamObserver<Command> call = openCall(agentId);
        for (StateStore.Command command : commands) {
            boolean written = false;
            if (call != null) {
                try {
                    call.onNext(FleetService.toWire(command));
                    written = !call.isCancelled();
                } catch (RuntimeException e) {
                    written = false;
                }
            }
            if (!written) {
                // The call broke after the command was marked delivered: the next heartbeat or call hands it out again.
                if (call != null) forget(agentId, call);
                call = null;
                state.redeliver(command.id(), agentId);
            }
        }
    }

    private ServerCallStreamObserver<Command> openCall(String agentId) {
        Set<ServerCallStreamObserver<Command>> calls = listeners.get(agentId);
        if (calls == null) return null;
        return calls.stream().filter(c -> !c.isCancelled()).findFirst().orElse(null);
    }

    private void forget(String agentId, ServerCallStreamObserver<Command> call) {
        Set<ServerCallStreamObserver<Command>> calls = listeners.get(agentId);
        if (calls != null) calls.remove(call);
    }

    /** Agents with an open call now. */
    int connected() {
        return (int) listeners.values().stream().filter(calls -> !calls.isEmpty()).count();
    }
}
