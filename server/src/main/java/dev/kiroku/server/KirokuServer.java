package dev.kiroku.server;

import dev.kiroku.event.EventSink;
import dev.kiroku.fleet.state.JdbcStateStore;
import dev.kiroku.fleet.state.StateStore;
import dev.kiroku.server.api.AgentDirectory;
import dev.kiroku.server.api.ApiServer;
import dev.kiroku.server.auth.Authentication;
import dev.kiroku.server.auth.ConsoleSessions;
import dev.kiroku.server.auth.Users;
import dev.kiroku.server.detect.Detection;
import dev.kiroku.server.indicators.IndicatorRoutes;
import dev.kiroku.server.indicators.IndicatorService;
import dev.kiroku.server.investigate.InvestigationService;
import dev.kiroku.server.sandbox.CollectedSamples;
import dev.kiroku.server.sandbox.SandboxJudges;
import dev.kiroku.server.sandbox.SandboxService;
import dev.kiroku.server.response.BlockList;
import dev.kiroku.server.response.policy.IncidentActionLog;
import dev.kiroku.server.response.policy.ResponsePolicies;
import dev.kiroku.server.response.policy.ResponsePolicyEngine;
import dev.kiroku.server.response.policy.ResponsePolicyRoutes;
import dev.kiroku.server.response.BlockListRoutes;
import dev.kiroku.server.detect.DetectionRoutes;
import dev.kiroku.server.fleet.Fleet;
import dev.kiroku.server.fleet.FleetRoutes;
import dev.kiroku.server.inventory.InventoryRoutes;
import dev.kiroku.server.inventory.InventoryScans;
import dev.kiroku.server.yara.YaraSweepRoutes;
import dev.kiroku.server.yara.YaraSweeps;
import dev.kiroku.server.ingest.StoreIngest;
import dev.kiroku.store.EventStore;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;
import dev.kiroku.server.settings.StoreRetention;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The server: event store, ingest, live detection, fleet state and the agents' gRPC endpoint, and the REST
 * API, started in order and stopped in reverse.
 */
public final class KirokuServer implements AutoCloseable {
    private final ServerConfig config;
    private final InstantSource clock;
    private final Deque<AutoCloseable> teardown = new ArrayDeque<>();
    private final List<Supplier<Map<String, Object>>> localAgents = new CopyOnWriteArrayList<>();
    private EventStore store;
    private StoreIngest ingest;
    private StateStore state;
    private Fleet fleet;
    private SandboxService sandbox;
    private int port;

    public KirokuServer(ServerConfig config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
    }

    public synchronized KirokuServer start() throws IOException {
        try {
            Files.createDirectories(config.dataDirectory());
            store = new LuceneEventStore(config.dataDirectory().resolve("events"), clock,
                    LuceneStoreOptions.defaults().withRetention(config.retention()).withRefreshInterval(StoreIngest.REFRESH_EVERY));
            teardown.push(store);
            Detection detection = new Detection(config.dataDirectory(), store, clock);
            teardown.push(detection);
            InvestigationService investigation = new InvestigationService(config.dataDirectory().resolve("investigation"),
                    store, detection.alerts(), clock);
            teardown.push(investigation);
            detection.onAlertOpened(investigation::alertOpened);
            IndicatorService indicators = new IndicatorService(config.dataDirectory().resolve("indicators"), store, detection,
                    config.retention(), clock);
            teardown.push(indicators);
            sandbox = new SandboxService(config.dataDirectory().resolve("sandbox"), clock);
            teardown.push(sandbox);
            ingest = StoreIngest.withLog(store, config.dataDirectory().resolve("ingest-log"), StoreIngest.CHECKPOINT_EVERY, batch -> {
                detection.accept(batch);
                indicators.afterStore(batch);
                investigation.afterStore(batch);
                sandbox.liveEvents().accept(batch);
            });
            teardown.push(ingest);
            state = JdbcStateStore.h2(config.dataDirectory().resolve("state"), clock.instant());
            teardown.push(state);
            StoreRetention retention = new StoreRetention(state, (LuceneEventStore) store, config.retention(), clock);
            Users users = new Users(state, clock);
            users.bootstrap(credentialsFile()).ifPresent(password -> System.err.printf(
                    "kiroku server: first start, created the user '%s' with password %s%n"
                            + "  (shown once; the command line on this machine reads it from %s)%n",
                    Users.FIRST_ADMIN, password, credentialsFile()));
            fleet = Fleet.start(config.dataDirectory().resolve("pki"), state, ingest, config.host(), config.fleetPort(),
                    config.offlineAfter(), clock);
            teardown.push(fleet);
            BlockList blockList = new BlockList(config.dataDirectory().resolve("blocklist"), fleet, clock, Duration.ofSeconds(10));
            teardown.push(blockList);
            indicators.enforceBlocksWith(blockList); // indicators imported with action block are blocked fleet-wide
            YaraSweeps yaraSweeps = new YaraSweeps(config.dataDirectory().resolve("yara-sweeps"), fleet, detection, clock, Duration.ofSeconds(2));
            teardown.push(yaraSweeps);
            InventoryScans inventoryScans = new InventoryScans(config.dataDirectory().resolve("inventory-scans"), fleet,
                    investigation.inventory(), clock, Duration.ofDays(1), Duration.ofSeconds(5), InventoryScans.configuredRoots(), 0.25);
            teardown.push(inventoryScans);
            // Connected threat defence: a high sandbox verdict blocks the file's hash on every endpoint and marks its
            // incidents; high and medium verdicts raise alerts (as <sandbox>/policy.properties says).
            sandbox.closeTheLoop(blockList, detection, investigation.incidents(), clock);
            sandbox.judgeAlso(SandboxJudges.sigma(detection));
            sandbox.judgeAlso(SandboxJudges.indicators(indicators));
            ResponsePolicies responsePolicies = new ResponsePolicies(config.dataDirectory().resolve("response"));
            teardown.push(responsePolicies);
            CollectedSamples collectedSamples = new CollectedSamples(fleet, sandbox.queue(),
                    config.dataDirectory().resolve("sandbox").resolve("collected"));
            teardown.push(collectedSamples);
            ResponsePolicyEngine policyEngine = new ResponsePolicyEngine(responsePolicies, fleet, blockList,
                    new IncidentActionLog(investigation.incidents().repository()), clock, collectedSamples::analyzeWhenCollected);
            teardown.push(policyEngine);
            detection.onAlertOpened(policyEngine::alertOpened);
            ResponsePolicyRoutes policyRoutes = new ResponsePolicyRoutes(responsePolicies,
                    (actor, action, detail) -> state.audit(actor, action, detail, clock.instant()));
            AgentDirectory agents = () -> localAgents.stream().map(Supplier::get).toList();
            ConsoleSessions sessions = new ConsoleSessions(config.dataDirectory().resolve("sessions"), clock); // survive restarts
            teardown.push(sessions);
            ApiServer api = new ApiServer(store, agents, clock, new Authentication(users, sessions), new DetectionRoutes(detection),
                    new FleetRoutes(fleet, users), List.of(investigation::register, new IndicatorRoutes(indicators)::register,
                    sandbox::register, collectedSamples::register, new BlockListRoutes(blockList)::register, policyRoutes::register,
                    new YaraSweepRoutes(yaraSweeps)::register, new InventoryRoutes(inventoryScans)::register,
                    retention::register),
                    config.plainHttp() ? null : fleet.webTls(WebNames.of(config.host())));
            port = api.start(config.host(), config.port());
            teardown.push(api);
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Where agents in this process deliver their events. */
    public EventSink ingest() {
        return ingest;
    }

    public EventStore store() {
        return store;
    }

    /** Shows an in-process agent's status in the API. */
    public void registerLocalAgent(Supplier<Map<String, Object>> status) {
        localAgents.add(status);
        sandbox.liveEvents().attach(); // detonations take their events from this agent instead of starting one
    }

    /** The fleet: tokens, endpoints, commands; agents connect to {@link Fleet#port()}. */
    public Fleet fleet() {
        return fleet;
    }

    /** The first admin's credentials ({@code user:password}), readable by root only. */
    public Path credentialsFile() {
        return config.dataDirectory().resolve("credentials");
    }

    public int port() {
        return port;
    }

    /** The API's base URL: https unless the config asks for plain HTTP. */
    public String url() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return (config.plainHttp() ? "http://" : "https://") + host + ":" + port;
    }

    /** The CA certificate that signed the API's HTTPS certificate (and every agent's): what clients trust. */
    public Path caCertificate() {
        return config.dataDirectory().resolve("pki").resolve("ca.crt");
    }

    @Override
    public synchronized void close() {
        while (!teardown.isEmpty()) {
            try {
                teardown.pop().close();
            } catch (Exception e) {
                System.err.println("kiroku server: teardown step failed: " + e);
            }
        }
    }
}
