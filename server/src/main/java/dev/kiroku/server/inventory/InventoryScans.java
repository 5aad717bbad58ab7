package dev.kiroku.server.inventory;

import dev.kiroku.fleet.state.EmbeddedH2;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.fleet.state.StateStore;
import dev.kiroku.fleet.wire.ScannedExecutable;
import dev.kiroku.investigate.inventory.ExecutableLocations;
import dev.kiroku.investigate.inventory.FileInventory;
import dev.kiroku.investigate.inventory.InventoryRecord;
import dev.kiroku.server.fleet.Fleet;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The agents' inventory scans: every enrolled endpoint is sent an {@code inventory.scan} of the places executables
 * live or get dropped when it enrols and again every {@code every}; offline endpoints get it when they return. Each
 * result feeds the {@link FileInventory}, so "which endpoints have this hash or this file name" also finds files
 * that never ran. Which scan was sent to whom and whether its result was taken is kept in H2, across restarts.
 */
public final class InventoryScans implements AutoCloseable {
    static final String COMMAND = "inventory.scan";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DELIVERY_WINDOW = Duration.ofDays(7);
    /** Overrides the scanned directories (absolute paths separated by ':'), for tests and unusual layouts. */
    public static final String ROOTS_PROPERTY = "kiroku.inventory.roots";

    private final JdbcConnectionPool database;
    private final Fleet fleet;
    private final FileInventory inventory;
    private final InstantSource clock;
    private final Duration every;
    private final List<Path> roots;
    private final double duty;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("kiroku-inventory-scans").daemon().factory());

    /**
     * @param every  how often each endpoint rescans
     * @param checks how often the server looks for endpoints due a scan and for finished results
     * @param duty   the CPU share an endpoint may spend hashing, in (0, 1]
     */
    public InventoryScans(Path directory, Fleet fleet, FileInventory inventory, InstantSource clock, Duration every,
                          Duration checks, List<Path> roots, double duty) throws IOException {
        Files.createDirectories(directory);
        this.database = JdbcConnectionPool.create(EmbeddedH2.writtenAtCommit(directory.resolve("kiroku-inventory-scans")), "sa", "");
        this.fleet = fleet;
        this.inventory = inventory;
        this.clock = clock;
        this.every = every;
        this.roots = List.copyOf(roots);
        this.duty = duty;
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS inventory_scan (
                      agent_id VARCHAR(200) PRIMARY KEY, command_id VARCHAR(64) NOT NULL,
                      issued TIMESTAMP(9) WITH TIME ZONE NOT NULL, taken BOOLEAN NOT NULL, executables INT, outcome VARCHAR(2000))""");
        } catch (SQLException e) {
            database.dispose();
            throw new IOException("cannot open the inventory scan database: " + e.getMessage(), e);
        }
        scheduler.scheduleWithFixedDelay(this::tickQuietly, checks.toMillis(), checks.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The directories to scan: {@value #ROOTS_PROPERTY} when set, else {@link ExecutableLocations#SCAN_ROOTS}. */
    public static List<Path> configuredRoots() {
        String property = System.getProperty(ROOTS_PROPERTY);
        if (property == null || property.isBlank()) return ExecutableLocations.SCAN_ROOTS;
        return Arrays.stream(property.split(":")).filter(s -> !s.isBlank()).map(Path::of).toList();
    }

    /** Sends scans that are due and takes finished results: three queries however many endpoints there are. */
    synchronized void tick() {
        Instant now = clock.instant();
        Map<String, Row> rows = rows().stream().collect(Collectors.toMap(Row::agentId, r -> r));
        Map<String, StateStore.Delivery> finished = fleet.state().finishedDeliveries(rows.values().stream()
                        .filter(r -> !r.taken()).map(Row::commandId).toList()).stream()
                .collect(Collectors.toMap(d -> d.command().id(), d -> d, (a, b) -> a));
        for (StateStore.AgentRecord agent : fleet.state().agents()) {
            if (agent.revoked() != null) continue;
            Row row = rows.get(agent.agentId());
            StateStore.Delivery outcome = row == null || row.taken() ? null : finished.get(row.commandId());
            if (outcome != null) take(row, outcome, agent.hostName());
            if (row == null || row.issued().plus(every).isBefore(now)) send(agent.agentId());
        }
    }

    /** Scans one endpoint now (e.g. after an incident); returns the command id. */
    public synchronized String scanNow(String agentId) {
        return send(agentId);
    }

    /** Per endpoint: the last scan, when it was sent, whether its result was taken, how many executables, any problem. */
    public List<Map<String, Object>> status() {
        return rows().stream().map(r -> {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("agentId", r.agentId());
            m.put("commandId", r.commandId());
            m.put("issued", r.issued().toString());
            m.put("taken", r.taken());
            m.put("executables", r.executables());
            m.put("outcome", r.outcome());
            return m;
        }).toList();
    }

    public FileInventory inventory() {
        return inventory;
    }

    private String send(String agentId) {
        Map<String, String> parameters = new HashMap<>();
        parameters.put("roots", roots.stream().map(Path::toString).collect(Collectors.joining("\n")));
        parameters.put("duty", String.valueOf(duty));
        String commandId = String.valueOf(fleet.issue("agent:" + agentId, COMMAND, parameters, DELIVERY_WINDOW, "inventory").get("id"));
        update("MERGE INTO inventory_scan (agent_id, command_id, issued, taken, executables, outcome) KEY (agent_id) VALUES (?, ?, ?, FALSE, NULL, NULL)",
                agentId, commandId, Timestamp.from(clock.instant()));
        return commandId;
    }

    private void take(Row row, StateStore.Delivery delivery, String hostName) {
        switch (delivery.state()) {
            case "succeeded" -> {
                try {
                    JsonNode answer = JSON.readTree(delivery.output());
                    List<ScannedExecutable> found = ScannedExecutable.decode(answer.path("executables").asText());
                    Instant seen = delivery.finished() == null ? clock.instant() : delivery.finished();
                    inventory.record(found.stream().map(e -> new InventoryRecord(row.agentId(), hostName, e.path(), e.sha256(), e.size(),
                            seen, false, "scan", e.md5(), e.sha1())).toList());
                    String outcome = answer.path("problemCount").asInt() + " unreadable, " + answer.path("skippedTooLarge").asInt()
                            + " too large" + (answer.path("budgetExhausted").asBoolean() ? ", byte budget exhausted" : "");
                    update("UPDATE inventory_scan SET taken = TRUE, executables = ?, outcome = ? WHERE agent_id = ?", found.size(), outcome, row.agentId());
                } catch (IOException | RuntimeException e) {
                    update("UPDATE inventory_scan SET taken = TRUE, outcome = ? WHERE agent_id = ?", "unreadable result: " + e.getMessage(), row.agentId());
                }
            }
            case "failed", "expired" -> update("UPDATE inventory_scan SET taken = TRUE, outcome = ? WHERE agent_id = ?",
                    delivery.state() + ": " + delivery.output(), row.agentId());
            default -> { }
        }
    }

    private record Row(String agentId, String commandId, Instant issued, boolean taken, Integer executables, String outcome) {
    }

    private List<Row> rows() {
        List<Row> out = new ArrayList<>();
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT agent_id, command_id, issued, taken, executables, outcome FROM inventory_scan ORDER BY agent_id")) {
            while (r.next()) {
                int executables = r.getInt(5);
                out.add(new Row(r.getString(1), r.getString(2), r.getTimestamp(3).toInstant(), r.getBoolean(4),
                        r.wasNull() ? null : executables, r.getString(6)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("inventory scan database: " + e.getMessage(), e);
        }
        return out;
    }

    private void update(String sql, Object... parameters) {
        try (Connection c = database.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) p.setObject(i + 1, parameters[i]);
            p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("inventory scan database: " + e.getMessage(), e);
        }
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            System.err.println("kiroku server: inventory scans: " + e);
        }
    }

    /**
     * Lets a running tick finish before the databases close: interrupting it (shutdownNow) closed H2's file channel
     * under the state database ({@code ClosedByInterruptException}), so the database closed uncleanly.
     */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) System.err.println("kiroku server: inventory scans: a tick still runs after 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        database.dispose();
    }
}
