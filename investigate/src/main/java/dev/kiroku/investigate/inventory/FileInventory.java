package dev.kiroku.investigate.inventory;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.investigate.db.Migrations;
import dev.kiroku.investigate.db.Sql;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The server-side index of executables and scripts per endpoint: path, SHA-256 (and MD5, SHA-1), size, first and last seen, whether it
 * ran. Fed by recorded exec and file events ({@link #ingest}) and by the agents' scanner records ({@link #record}).
 * Answers "which endpoints have this hash / this file name", including copies that never ran.
 */
public final class FileInventory {
    private static final String COLUMNS = "agent_id, host_name, path, name, sha256, size_bytes, first_seen, last_seen, executed, "
            + "last_executed, source, md5, sha1";

    /** Entries kept in memory to skip event sightings that would change nothing (about 300 bytes each). */
    private static final int RECENT_SIGHTINGS = 100_000;

    private final DataSource dataSource;
    private final RecentSightings recent = new RecentSightings(RECENT_SIGHTINGS);

    public FileInventory(DataSource dataSource, InstantSource clock) {
        this.dataSource = dataSource;
        try (Connection c = dataSource.getConnection()) {
            Migrations.apply(c, clock.instant());
        } catch (SQLException e) {
            throw Sql.failure("preparing the investigation database", e);
        }
    }

    /** Adds or refreshes sightings; an execution marks the entry executed for good. Returns how many were taken. */
    public int record(List<InventoryRecord> records) {
        if (records.isEmpty()) return 0;
        String sql = """
                MERGE INTO inventory_files t
                USING (VALUES (CAST(? AS VARCHAR(200)), CAST(? AS VARCHAR(4096)), CAST(? AS VARCHAR(64)))) s (agent_id, path, sha256)
                ON t.agent_id = s.agent_id AND t.path = s.path AND t.sha256 = s.sha256
                WHEN MATCHED THEN UPDATE SET
                  last_seen = GREATEST(t.last_seen, ?), first_seen = LEAST(t.first_seen, ?),
                  size_bytes = CASE WHEN ? >= 0 THEN ? ELSE t.size_bytes END,
                  executed = t.executed OR ?,
                  last_executed = CASE WHEN ? THEN GREATEST(COALESCE(t.last_executed, ?), ?) ELSE t.last_executed END,
                  source = ?, host_name = ?, md5 = COALESCE(?, t.md5), sha1 = COALESCE(?, t.sha1)
                WHEN NOT MATCHED THEN INSERT (agent_id, path, sha256, size_bytes, host_name, first_seen, last_seen, executed,
                  last_executed, source, name, md5, sha1)
                  VALUES (s.agent_id, s.path, s.sha256, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            for (InventoryRecord r : records) {
                var at = Sql.time(r.seenAt());
                int i = 1;
                p.setString(i++, r.agentId());
                p.setString(i++, r.path());
                p.setString(i++, r.sha256());
                p.setObject(i++, at);
                p.setObject(i++, at);
                p.setLong(i++, r.size());
                p.setLong(i++, r.size());
                p.setBoolean(i++, r.executed());
                p.setBoolean(i++, r.executed());
                p.setObject(i++, at);
                p.setObject(i++, at);
                p.setString(i++, r.source());
                p.setString(i++, r.hostName());
                p.setString(i++, r.md5());
                p.setString(i++, r.sha1());
                p.setLong(i++, r.size());
                p.setString(i++, r.hostName());
                p.setObject(i++, at);
                p.setObject(i++, at);
                p.setBoolean(i++, r.executed());
                p.setObject(i++, r.executed() ? at : null);
                p.setString(i++, r.source());
                p.setString(i++, r.name());
                p.setString(i++, r.md5());
                p.setString(i, r.sha1());
                p.addBatch();
            }
            p.executeBatch();
            recent.written(records);
            return records.size();
        } catch (SQLException e) {
            recent.forget(records);
            throw Sql.failure("recording " + records.size() + " inventory sightings", e);
        }
    }

    /**
     * Takes what recorded events say about executables: every exec (with its hash) and writes under executable locations.
     * Sightings that would change nothing ({@link RecentSightings}) are not written; returns how many were.
     */
    public int ingest(List<Event> events) {
        List<InventoryRecord> records = new ArrayList<>();
        for (Event e : events) {
            InventoryRecord r = sighting(e);
            if (r != null && !recent.alreadyWritten(r)) records.add(r);
        }
        return record(records);
    }

    /** The inventory sighting an event makes, or null. */
    public static InventoryRecord sighting(Event e) {
        return switch (e.payload()) {
            case ProcessStart s when s.process().executable() != null && s.process().sha256() != null ->
                    new InventoryRecord(e.agentId(), e.hostName(), s.process().executable(), s.process().sha256(), -1,
                            e.timestamp(), true, "exec", s.process().md5(), s.process().sha1());
            // a written executable the agent hashed: its content, wherever it lies
            case FileChange f when f.sha256() != null && !f.directory()
                    && (f.action() == FileChange.Action.CREATE || f.action() == FileChange.Action.MODIFY) ->
                    new InventoryRecord(e.agentId(), e.hostName(), f.path(), f.sha256(), -1, e.timestamp(), false, "file_event",
                            f.md5(), f.sha1());
            case FileChange f when !f.directory() && f.action() != FileChange.Action.DELETE
                    && f.action() != FileChange.Action.ATTRIBUTES && ExecutableLocations.covers(f.path()) ->
                    new InventoryRecord(e.agentId(), e.hostName(), f.path(), InventoryRecord.UNKNOWN_HASH, -1, e.timestamp(),
                            false, "file_event");
            default -> null;
        };
    }

    public List<InventoryEntry> byHash(String sha256) {
        return query("SELECT " + COLUMNS + " FROM inventory_files WHERE sha256 = ? ORDER BY agent_id, path",
                sha256.toLowerCase(java.util.Locale.ROOT));
    }

    /** Entries whose MD5 is this (hex, any case). */
    public List<InventoryEntry> byMd5(String md5) {
        return query("SELECT " + COLUMNS + " FROM inventory_files WHERE md5 = ? ORDER BY agent_id, path",
                md5.toLowerCase(java.util.Locale.ROOT));
    }

    /** Entries whose SHA-1 is this (hex, any case). */
    public List<InventoryEntry> bySha1(String sha1) {
        return query("SELECT " + COLUMNS + " FROM inventory_files WHERE sha1 = ? ORDER BY agent_id, path",
                sha1.toLowerCase(java.util.Locale.ROOT));
    }

    /** Entries whose file name is exactly this. */
    public List<InventoryEntry> byName(String name) {
        return query("SELECT " + COLUMNS + " FROM inventory_files WHERE name = ? ORDER BY agent_id, path", name);
    }

    public List<InventoryEntry> byPath(String agentId, String path) {
        return query("SELECT " + COLUMNS + " FROM inventory_files WHERE agent_id = ? AND path = ? ORDER BY last_seen DESC",
                agentId, path);
    }

    /** Every endpoint the inventory has heard of (the endpoints "checked" for scope). */
    public List<String> agents() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT DISTINCT agent_id FROM inventory_files ORDER BY agent_id");
             ResultSet r = p.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (r.next()) out.add(r.getString(1));
            return out;
        } catch (SQLException e) {
            throw Sql.failure("listing inventory endpoints", e);
        }
    }

    private List<InventoryEntry> query(String sql, String... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) p.setString(i + 1, parameters[i]);
            try (ResultSet r = p.executeQuery()) {
                List<InventoryEntry> out = new ArrayList<>();
                while (r.next()) {
                    out.add(new InventoryEntry(r.getString("agent_id"), r.getString("host_name"), r.getString("path"),
                            r.getString("name"), r.getString("sha256"), r.getLong("size_bytes"), Sql.instant(r.getObject("first_seen")),
                            Sql.instant(r.getObject("last_seen")), r.getBoolean("executed"), Sql.instant(r.getObject("last_executed")),
                            r.getString("source"), r.getString("md5"), r.getString("sha1")));
                }
                return out;
            }
        } catch (SQLException e) {
            throw Sql.failure("reading the file inventory", e);
        }
    }
}
