package dev.kiroku.server.yara;

import dev.kiroku.fleet.state.EmbeddedH2;
import dev.kiroku.fleet.state.StateStore;
import dev.kiroku.server.alerts.Alert;
import dev.kiroku.server.alerts.Occurrence;
import dev.kiroku.server.alerts.RuleInfo;
import dev.kiroku.server.detect.Detection;
import dev.kiroku.server.fleet.Fleet;
import dev.kiroku.yara.api.RuleSource;
import dev.kiroku.yara.api.YaraJson;
import dev.kiroku.yara.api.YaraMatch;
import dev.kiroku.yara.api.YaraScanRequest;
import dev.kiroku.yara.api.YaraScanResult;
import org.h2.jdbcx.JdbcConnectionPool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Fleet-wide YARA sweeps: a sweep sends one {@code yara.scan} command to each chosen endpoint (offline ones get it
 * when they return, within the sweep's wait), shows per endpoint whether the scan is pending, running (with the
 * percentage the agent reports), done or failed, and turns every match an endpoint returns into an alert (rule id
 * {@code yara:<rule>}). Sweeps and which results were already alerted are kept in an H2 database, so a restarted
 * server neither loses a sweep nor alerts twice.
 */
public final class YaraSweeps implements AutoCloseable {
    static final String COMMAND = "yara.scan";

    /** A sweep as started; a {@code trial} tests rules on one endpoint and raises no alert. */
    public record Sweep(String id, String createdBy, Instant created, List<String> rules, List<String> paths,
                        List<String> processNames, List<String> commandIds, boolean trial) {
    }

    private final JdbcConnectionPool database;
    private final Fleet fleet;
    private final Detection detection;
    private final InstantSource clock;
    private final ScheduledExecutorService collector = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("kiroku-yara-sweeps").daemon().factory());

    /** @param collectEvery how often finished endpoint results are turned into alerts */
    public YaraSweeps(Path directory, Fleet fleet, Detection detection, InstantSource clock, Duration collectEvery) throws IOException {
        Files.createDirectories(directory);
        this.database = JdbcConnectionPool.create(EmbeddedH2.writtenAtCommit(directory.resolve("kiroku-yara-sweeps")), "sa", "");
        this.fleet = fleet;
        this.detection = detection;
        this.clock = clock;
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS yara_sweep (
                      id VARCHAR(64) PRIMARY KEY, created_by VARCHAR(200), created TIMESTAMP(9) WITH TIME ZONE NOT NULL,
                      rules CLOB, paths CLOB, processes CLOB, command_ids CLOB NOT NULL, open BOOLEAN NOT NULL)""");
            s.execute("CREATE TABLE IF NOT EXISTS yara_sweep_alerted (command_id VARCHAR(64) NOT NULL, agent_id VARCHAR(200) NOT NULL, "
                    + "PRIMARY KEY (command_id, agent_id))");
            s.execute("ALTER TABLE yara_sweep ADD COLUMN IF NOT EXISTS trial BOOLEAN DEFAULT FALSE NOT NULL");
        } catch (SQLException e) {
            database.dispose();
            throw new IOException("cannot open the YARA sweep database: " + e.getMessage(), e);
        }
        collector.scheduleWithFixedDelay(this::collectQuietly, collectEvery.toMillis(), collectEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a sweep: one command per named endpoint, or one for the whole fleet.
     *
     * @throws IllegalArgumentException when an endpoint is unknown or revoked, or there is no endpoint at all
     */
    public synchronized Sweep start(SweepSpec spec, String actor) {
        Map<String, StateStore.AgentRecord> agents = fleet.state().agents().stream()
                .collect(Collectors.toMap(StateStore.AgentRecord::agentId, Function.identity()));
        List<String> problems = new ArrayList<>();
        for (String endpoint : spec.endpoints()) {
            StateStore.AgentRecord agent = agents.get(endpoint);
            if (agent == null) problems.add("no endpoint '" + endpoint + "'");
            else if (agent.revoked() != null) problems.add("endpoint '" + endpoint + "' is revoked");
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
        if (agents.values().stream().allMatch(a -> a.revoked() != null)) {
            throw new IllegalArgumentException("no endpoint is enrolled: enrol agents before sweeping");
        }
        String id = UUID.randomUUID().toString();
        String request = YaraJson.write(new YaraScanRequest(id, spec.rules(), spec.paths(), List.of(), spec.processNames(), spec.options()));
        List<String> targets = spec.endpoints().isEmpty() ? List.of("all") : spec.endpoints().stream().map(e -> "agent:" + e).toList();
        List<String> commandIds = new ArrayList<>();
        for (String target : targets) {
            commandIds.add(String.valueOf(fleet.issue(target, COMMAND, Map.of("request", request, "sweep", id), spec.waitFor(), actor).get("id")));
        }
        Sweep sweep = new Sweep(id, actor, clock.instant(), spec.rules().stream().map(RuleSource::name).toList(), spec.paths(),
                spec.processNames(), commandIds, spec.trial());
        update("INSERT INTO yara_sweep (id, created_by, created, rules, paths, processes, command_ids, open, trial) VALUES (?, ?, ?, ?, ?, ?, ?, TRUE, ?)",
                id, actor, Timestamp.from(sweep.created()), String.join("\n", sweep.rules()), String.join("\n", sweep.paths()),
                String.join("\n", sweep.processNames()), String.join(",", commandIds), spec.trial());
        return sweep;
    }

    /** Sweeps, newest first. */
    public List<Sweep> list(int limit) {
        return query("SELECT id, created_by, created, rules, paths, processes, command_ids, trial FROM yara_sweep ORDER BY created DESC FETCH FIRST "
                + Math.max(1, limit) + " ROWS ONLY");
    }

    public Optional<Sweep> find(String id) {
        return query("SELECT id, created_by, created, rules, paths, processes, command_ids, trial FROM yara_sweep WHERE id = ?", id).stream().findFirst();
    }

    /** A sweep with one row per endpoint (state, percent, counts, reason) and a summary; empty when unknown. */
    public Optional<SweepStatus> status(String id) {
        return find(id).map(sweep -> SweepStatus.of(sweep, deliveries(sweep), hostNames()));
    }

    /** Turns the matches of every newly finished endpoint result into alerts (a trial's stay on its page); closes sweeps with nothing left to run. */
    synchronized void collect() {
        for (Sweep sweep : query("SELECT id, created_by, created, rules, paths, processes, command_ids, trial FROM yara_sweep WHERE open")) {
            List<StateStore.Delivery> deliveries = deliveries(sweep);
            Map<String, String> hosts = hostNames();
            Set<String> alerted = alerted(sweep.commandIds());
            for (StateStore.Delivery delivery : deliveries) {
                if (!delivery.state().equals("succeeded") || alerted.contains(delivery.command().id() + "|" + delivery.agentId())) continue;
                if (!sweep.trial()) raiseAlerts(sweep, delivery, hosts.getOrDefault(delivery.agentId(), delivery.agentId()));
                update("INSERT INTO yara_sweep_alerted (command_id, agent_id) VALUES (?, ?)", delivery.command().id(), delivery.agentId());
            }
            // The fleet addresses a command to the endpoints enrolled when it is issued, so once none is left waiting
            // or running, the sweep is over.
            if (deliveries.stream().noneMatch(d -> d.state().equals("pending") || d.state().equals("delivered"))) {
                update("UPDATE yara_sweep SET open = FALSE WHERE id = ?", sweep.id());
            }
        }
    }

    private void raiseAlerts(Sweep sweep, StateStore.Delivery delivery, String hostName) {
        YaraScanResult result;
        try {
            result = YaraJson.read(delivery.output(), YaraScanResult.class);
        } catch (RuntimeException e) {
            System.err.println("kiroku server: sweep " + sweep.id() + ": unreadable result from " + delivery.agentId() + ": " + e.getMessage());
            return;
        }
        Instant time = delivery.finished() == null ? clock.instant() : delivery.finished();
        for (YaraMatch match : result.matches()) {
            Object description = match.meta().get("description");
            RuleInfo rule = new RuleInfo("yara:" + match.rule(), "YARA match: " + match.rule()
                    + (description == null ? "" : " (" + description + ")"), "high", "yara",
                    match.tags().stream().filter(t -> t.matches("(?i)t\\d{4}(\\.\\d{3})?")).map(String::toLowerCase).toList(),
                    List.of(), List.of("sweep " + sweep.id()), String.valueOf(match.meta().getOrDefault("author", "")));
            Map<String, Object> event = new LinkedHashMap<>(match.toEcs());
            event.put("agent.id", delivery.agentId());
            event.put("host.name", hostName);
            event.put("kiroku.yara.sweep", sweep.id());
            String target = match.file() != null ? match.file() : "pid " + match.pid();
            detection.raise(new Occurrence(Alert.Kind.RULE, rule, "yara|" + sweep.id() + "|" + delivery.agentId() + "|" + match.rule() + "|" + target,
                    delivery.agentId(), hostName, null, time, event, Map.of(), List.of()));
        }
    }

    private void collectQuietly() {
        try {
            collect();
        } catch (RuntimeException e) {
            System.err.println("kiroku server: collecting YARA sweep results failed: " + e);
        }
    }

    private List<StateStore.Delivery> deliveries(Sweep sweep) {
        List<StateStore.Delivery> out = new ArrayList<>();
        for (String commandId : sweep.commandIds()) out.addAll(fleet.state().deliveries(commandId, 100_000));
        return out;
    }

    private Map<String, String> hostNames() {
        Map<String, String> hosts = new LinkedHashMap<>();
        for (StateStore.AgentRecord agent : fleet.state().agents()) hosts.put(agent.agentId(), agent.hostName());
        return hosts;
    }

    private Set<String> alerted(List<String> commandIds) {
        Set<String> out = new HashSet<>();
        try (Connection c = database.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT command_id, agent_id FROM yara_sweep_alerted WHERE command_id = ?")) {
            for (String commandId : commandIds) {
                p.setString(1, commandId);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) out.add(r.getString(1) + "|" + r.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("YARA sweep database: " + e.getMessage(), e);
        }
        return out;
    }

    private List<Sweep> query(String sql, Object... parameters) {
        List<Sweep> out = new ArrayList<>();
        try (Connection c = database.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) p.setObject(i + 1, parameters[i]);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Sweep(r.getString(1), r.getString(2), r.getTimestamp(3).toInstant(), lines(r.getString(4)),
                            lines(r.getString(5)), lines(r.getString(6)), List.of(r.getString(7).split(",")), r.getBoolean(8)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("YARA sweep database: " + e.getMessage(), e);
        }
        return out;
    }

    private static List<String> lines(String text) {
        return text == null || text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    private void update(String sql, Object... parameters) {
        try (Connection c = database.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) p.setObject(i + 1, parameters[i]);
            p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("YARA sweep database: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        collector.shutdownNow();
        database.dispose();
    }
}
