package dev.kiroku.fleet.server;

import dev.kiroku.fleet.proto.Command;
import dev.kiroku.fleet.state.StateStore;
import io.grpc.stub.ServerCallStreamObserver;

import java.time.InstantSource;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open {@code Listen} calls of connected agents. When a command is issued, {@link #wake} takes the
 * agent's pending commands from the state store (marking them delivered, exactly as a heartbeat does)
 * and writes them to the agent's open call, so a connected agent gets a command within milliseconds.
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
        wake(agentId);
    }

    /** Sends the agents' pending commands on their open calls; agents without one are skipped. */
    void wake(Collection<String> agentIds) {
        for (String agentId : agentIds) wake(agentId);
    }

    private void wake(String agentId) {
        Set<ServerCallStreamObserver<Command>> calls = listeners.get(agentId);
        if (calls == null || calls.isEmpty()) return;
        // One writer per agent at a time: commands keep their order and a call is never written concurrently.
        synchronized (calls) {
            ServerCallStreamObserver<Command> call = calls.stream().filter(c -> !c.isCancelled()).findFirst().orElse(null);
            if (call == null) return;
            for (StateStore.Command command : state.takePending(agentId, clock.instant())) {
                boolean written;
                try {
                    call.onNext(FleetService.toWire(command));
                    written = !call.isCancelled();
                } catch (RuntimeException e) {
                    written = false;
                }
                if (!written) {
                    // The call broke after the command was marked delivered: the next heartbeat or call hands it out again.
                    forget(agentId, call);
                    state.redeliver(command.id(), agentId);
                }
            }
        }
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
