package dev.kiroku.response;

import dev.kiroku.response.destinations.BlockDestinationAction;
import dev.kiroku.response.destinations.DestinationBlocker;
import dev.kiroku.response.execblock.BlockHashAction;
import dev.kiroku.response.execblock.BlockedAttempt;
import dev.kiroku.response.execblock.BlockerSettings;
import dev.kiroku.response.execblock.ExecBlocker;
import dev.kiroku.response.execblock.ExecInspector;
import dev.kiroku.response.execblock.HashBlockList;
import dev.kiroku.response.isolation.IsolateAction;
import dev.kiroku.response.isolation.IsolationStateFile;
import dev.kiroku.response.isolation.NetworkIsolation;
import dev.kiroku.response.isolation.ReleaseAction;
import dev.kiroku.response.kill.KillAction;
import dev.kiroku.response.kill.ProcessKiller;
import dev.kiroku.response.nft.Endpoint;
import dev.kiroku.response.nft.Nft;
import dev.kiroku.response.quarantine.FileCollector;
import dev.kiroku.response.quarantine.QuarantineAction;
import dev.kiroku.response.quarantine.QuarantineStore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Everything the agent needs for response, built from one configuration: on {@link #start} the saved
 * isolation and destination blocks are re-applied, the exec blocker starts with the saved hash
 * block list, and {@link #actions()} lists every action for the command registry. Parts that cannot
 * start (no nftables, fanotify refused) do not stop the others; their actions answer FAILED with the
 * reason, and {@link #startupResults()} says what happened.
 */
public final class EndpointResponse implements AutoCloseable {

    /**
     * @param stateDir          root-only directory for isolation state, block lists, quarantine store, action log
     * @param agentId           the agent id used in process entity ids
     * @param serverEndpoints   the Kiroku server address:port(s): always reachable, never blockable
     * @param execFilesystems   filesystems the exec blocker guards ({@link BlockerSettings#localFilesystems()})
     * @param collectLimitBytes largest file {@code collect} uploads
     * @param domainRefresh     how often blocked domains are resolved again
     * @param onBlocked         receives every denied execution, for events and alerts
     */
    public record Config(Path stateDir, String agentId, List<Endpoint> serverEndpoints, List<Path> execFilesystems,
                         long collectLimitBytes, Duration domainRefresh, Consumer<BlockedAttempt> onBlocked, Nft nft) {
        /** Isolation and destination blocks on this machine's own network ({@link Nft#system()}). */
        public Config(Path stateDir, String agentId, List<Endpoint> serverEndpoints, List<Path> execFilesystems,
                      long collectLimitBytes, Duration domainRefresh, Consumer<BlockedAttempt> onBlocked) {
            this(stateDir, agentId, serverEndpoints, execFilesystems, collectLimitBytes, domainRefresh, onBlocked, Nft.system());
        }
    }

    private final List<ResponseAction> actions = new ArrayList<>();
    private final List<ActionResult> startup = new ArrayList<>();
    private final NetworkIsolation isolation;
    private BlockerSettings blockerSettings;
    private Path blockListFile;
    private Consumer<BlockedAttempt> onBlocked;
    private ExecBlocker execBlocker;
    private AutoCloseable domainRefresh;

    private EndpointResponse(Config config) {
        Nft nft = config.nft();
        isolation = new NetworkIsolation(nft, new IsolationStateFile(config.stateDir().resolve("isolation.json")));
        startup.add(isolation.reapplyOnStart());
        actions.add(new IsolateAction(isolation, config.serverEndpoints()));
        actions.add(new ReleaseAction(isolation));

        ProcessKiller killer = new ProcessKiller(config.agentId());
        actions.add(new KillAction(killer));

        try {
            QuarantineStore store = new QuarantineStore(config.stateDir().resolve("quarantine"));
            actions.add(QuarantineAction.quarantine(store));
            actions.add(QuarantineAction.restore(store));
        } catch (IOException e) {
            unavailable("quarantine store " + config.stateDir().resolve("quarantine") + ": " + e.getMessage(),
                    QuarantineStore.QUARANTINE, QuarantineStore.RESTORE);
        }
        actions.add(QuarantineAction.collect(new FileCollector(config.collectLimitBytes())));

        blockerSettings = BlockerSettings.of(config.execFilesystems());
        blockListFile = config.stateDir().resolve("hash-blocklist.json");
        onBlocked = config.onBlocked();
        try {
            // Saved blocks are enforced at once; otherwise no permission hook runs until the first block arrives.
            if (!HashBlockList.load(blockListFile).live().isEmpty()) {
                ExecBlocker started = execBlocker();
                startup.add(ActionResult.done(ExecBlocker.BLOCK, "exec-blocker", "guarding " + config.execFilesystems()
                        + " with " + started.stats() + " (saved block list)"));
            }
        } catch (IOException | RuntimeException e) {
            startup.add(ActionResult.failed(ExecBlocker.BLOCK, "startup", "exec blocking unavailable: " + e.getMessage()));
        }
        actions.add(new BlockHashAction(this::execBlockerOrFail, true));
        actions.add(new BlockHashAction(this::execBlockerOrFail, false));

        try {
            Set<String> protectedAddresses = config.serverEndpoints().stream().map(ep -> ep.address().getHostAddress())
                    .collect(Collectors.toSet());
            DestinationBlocker destinations = new DestinationBlocker(nft, config.stateDir().resolve("destinations.json"),
                    DestinationBlocker.systemResolver(), protectedAddresses);
            if (!destinations.current().networks().isEmpty() || !destinations.current().domains().isEmpty()) {
                startup.add(destinations.reapplyOnStart());
            }
            domainRefresh = destinations.refreshEvery(config.domainRefresh());
            actions.add(new BlockDestinationAction(destinations, true));
            actions.add(new BlockDestinationAction(destinations, false));
        } catch (IOException e) {
            unavailable("destination blocking unavailable: " + e.getMessage(), DestinationBlocker.BLOCK, DestinationBlocker.UNBLOCK);
        }
    }

    /** Builds and starts everything; never throws for a part that cannot start. */
    public static EndpointResponse start(Config config) {
        return new EndpointResponse(config);
    }

    public List<ResponseAction> actions() {
        return List.copyOf(actions);
    }

    /** What happened at start: isolation re-applied or not, exec blocker running or why not. */
    public List<ActionResult> startupResults() {
        return List.copyOf(startup);
    }

    /** For the local release command and the inventory. */
    public NetworkIsolation isolation() {
        return isolation;
    }

    /**
     * The running exec blocker, when it started: the agent passes files its file sensor saw written
     * to {@link ExecBlocker#inspect} so blocked scripts get open guards, and reads {@link ExecBlocker#stats}.
     */
    public synchronized java.util.Optional<ExecBlocker> runningExecBlocker() {
        return java.util.Optional.ofNullable(execBlocker);
    }

    /**
     * Asks {@code inspector} about every execution the block list allows (a YARA scan before execution), starting the
     * exec blocker if it is not running yet; {@link ExecInspector#NONE} stops inspecting.
     *
     * @throws IOException when the exec blocker cannot start (fanotify refused)
     */
    public synchronized void inspectExecutions(ExecInspector inspector) throws IOException {
        if (inspector == ExecInspector.NONE && execBlocker == null) return;
        execBlocker().inspectWith(inspector);
    }

    /** The exec blocker, started with the saved block list on first need. */
    private synchronized ExecBlocker execBlocker() throws IOException {
        if (execBlocker == null) execBlocker = ExecBlocker.start(blockerSettings, HashBlockList.load(blockListFile), onBlocked);
        return execBlocker;
    }

    private ExecBlocker execBlockerOrFail() {
        try {
            return execBlocker();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void unavailable(String reason, String... names) {
        for (String name : names) {
            startup.add(ActionResult.failed(name, "startup", reason));
            actions.add(new ResponseAction() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public List<ParameterSpec> parameters() {
                    return List.of();
                }

                @Override
                public List<ActionResult> run(Map<String, String> parameters) {
                    return List.of(ActionResult.failed(name, "endpoint", reason));
                }
            });
        }
    }

    @Override
    public synchronized void close() throws Exception {
        if (execBlocker != null) {
            execBlocker.close();
        }
        if (domainRefresh != null) {
            domainRefresh.close();
        }
    }
}
