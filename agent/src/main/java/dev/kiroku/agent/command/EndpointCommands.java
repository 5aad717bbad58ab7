package dev.kiroku.agent.command;

import dev.kiroku.response.ActionLog;
import dev.kiroku.response.ActionResult;
import dev.kiroku.response.EndpointResponse;
import dev.kiroku.response.Outcome;
import dev.kiroku.response.ResponseAction;
import dev.kiroku.response.execblock.BlockedAttempt;
import dev.kiroku.response.execblock.BlockerSettings;
import dev.kiroku.response.execblock.ExecInspector;
import dev.kiroku.response.nft.Endpoint;
import dev.kiroku.response.nft.Nft;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The endpoint's hands on the command channel: every response action (isolate, release, kill, quarantine,
 * restore, collect, block/unblock a hash or a destination). Each response command answers
 * one JSON result per target and is appended to the local action log; a command fails as a whole only when every
 * target failed, so the server records the real outcome.
 */
public final class EndpointCommands implements AutoCloseable {
    private static final long COLLECT_LIMIT = 16L << 20;
    private static final Duration DOMAIN_REFRESH = Duration.ofMinutes(5);

    private final EndpointResponse response;
    private final ActionLog log;
    private final AtomicLong blockedExecutions;

    private EndpointCommands(EndpointResponse response, ActionLog log, AtomicLong blockedExecutions) {
        this.response = response;
        this.log = log;
        this.blockedExecutions = blockedExecutions;
    }

    /**
     * Starts response (re-applying a saved isolation and saved blocks) and registers its actions.
     *
     * @param stateDirectory root-only directory for isolation state, block lists, quarantine and the action log
     * @param serverAddress  HOST:PORT of the server: isolation keeps it reachable and it can never be blocked
     */
    public static EndpointCommands register(CommandRegistry registry, String agentId, Path stateDirectory, String serverAddress)
            throws IOException {
        return register(registry, agentId, stateDirectory, serverAddress, Nft.system());
    }

    /** The same, with network actions (isolation, destination blocks) applied through {@code nft}, e.g. in the agent's network namespace. */
    public static EndpointCommands register(CommandRegistry registry, String agentId, Path stateDirectory, String serverAddress,
                                            Nft nft) throws IOException {
        return register(registry, agentId, stateDirectory, serverAddress, nft, attempt -> { });
    }

    /**
     * The same, and every execution the blocker denies is also handed to {@code blockedEvents} (from a thread of the
     * blocker's, never the verdict path), for the agent to record as an event.
     */
    public static EndpointCommands register(CommandRegistry registry, String agentId, Path stateDirectory, String serverAddress,
                                            Nft nft, Consumer<BlockedAttempt> blockedEvents) throws IOException {
        AtomicLong blocked = new AtomicLong();
        EndpointResponse response = EndpointResponse.start(new EndpointResponse.Config(stateDirectory, agentId,
                List.of(Endpoint.parse(serverAddress)), BlockerSettings.localFilesystems(), COLLECT_LIMIT, DOMAIN_REFRESH,
                attempt -> {
                    blocked.incrementAndGet();
                    System.err.println("kiroku agent: blocked " + attempt.kind() + " of " + attempt.path() + " (sha256 "
                            + attempt.sha256() + ") by pid " + attempt.pid());
                    blockedEvents.accept(attempt);
                }, nft));
        for (ActionResult r : response.startupResults()) {
            System.err.println("kiroku agent: response " + r.action() + " " + r.outcome().name().toLowerCase() + ": " + r.detail());
        }
        EndpointCommands commands = new EndpointCommands(response, new ActionLog(stateDirectory.resolve("actions.jsonl")), blocked);
        for (ResponseAction action : response.actions()) registry.register(commands.handler(action));
        return commands;
    }

    private CommandHandler handler(ResponseAction action) {
        return new CommandHandler() {
            @Override
            public String type() {
                return action.name();
            }

            @Override
            public String handle(Map<String, String> parameters) throws IOException {
                List<ActionResult> results = action.run(parameters);
                log.append(parameters.getOrDefault("issued_by", "server"), results);
                String json = results.stream().map(ActionLog::toJson).collect(Collectors.joining(",", "[", "]"));
                if (!results.isEmpty() && results.stream().allMatch(r -> r.outcome() == Outcome.FAILED)) {
                    throw new IOException(json);
                }
                return json;
            }
        };
    }

    /** The isolation state for the inventory: "isolated", "not isolated", or "unknown: <why>". */
    public String isolationState() {
        var status = response.isolation().status();
        if (status.error() != null && !status.error().isBlank()) return "unknown: " + status.error();
        return status.isolated() ? "isolated" : "not isolated";
    }

    /**
     * Has every execution the block list allows inspected by {@code inspector} (YARA scans before execution), starting
     * the exec blocker when needed; {@link ExecInspector#NONE} stops it.
     */
    public void inspectExecutions(ExecInspector inspector) throws IOException {
        response.inspectExecutions(inspector);
    }

    public long blockedExecutions() {
        return blockedExecutions.get();
    }

    @Override
    public void close() throws Exception {
        response.close();
    }
}
