package dev.kiroku.investigate.index;

import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.investigate.db.Migrations;
import dev.kiroku.investigate.db.Sql;
import dev.kiroku.investigate.history.ProcessIndex;
import dev.kiroku.investigate.history.ProcessRecord;
import dev.kiroku.investigate.history.Window;
import dev.kiroku.investigate.tracking.ProcessRoles;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.EventStore;
import dev.kiroku.store.Hit;
import dev.kiroku.store.Page;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The process record index in the investigation database: one row per process image (exec or start-up snapshot) with
 * its parent, executable, script, hash, arguments, times and endpoint, keyed by the event's identity (agent id,
 * sequence), so feeding the same batch twice stores it once. Fed by the server's ingest ({@link #ingest}) and, when it
 * was never built (a store older than the index), by one pass over the store ({@link #rebuildFrom}). Rows are never
 * merged by pid: identity is the entity id, which the agent derives from pid and start time.
 */
public final class ProcessRecordTable implements ProcessIndex {
    private static final String COMPLETE = "complete";
    private static final String COLUMNS = "agent_id, seq, entity_id, parent_entity_id, host_name, pid, start_nanos, seen_nanos, "
            + "executable, script, args, working_directory, sha256, user_name, snapshot";
    /** Arguments are kept whole up to this many characters; longer command lines keep their start. */
    private static final int MAX_ARGS_CHARS = 64_000;
    private static final char ARG_SEPARATOR = '\0';

    private final DataSource dataSource;
    private volatile boolean complete;

    public ProcessRecordTable(DataSource dataSource, InstantSource clock) {
        this.dataSource = dataSource;
        try (Connection c = dataSource.getConnection()) {
            Migrations.apply(c, clock.instant());
            try (PreparedStatement p = c.prepareStatement("SELECT val FROM process_index_state WHERE name = ?")) {
                p.setString(1, COMPLETE);
                try (ResultSet r = p.executeQuery()) {
                    complete = r.next();
                }
            }
        } catch (SQLException e) {
            throw Sql.failure("preparing the process record index", e);
        }
    }

    @Override
    public boolean complete() {
        return complete;
    }

    /** Takes the process starts and exits of a stored batch; returns how many images were taken. */
    public int ingest(List<Event> events) {
        List<Event> starts = new ArrayList<>();
        List<Event> exits = new ArrayList<>();
        for (Event e : events) {
            if (e.payload() instanceof ProcessStart s && s.process().entityId() != null) starts.add(e);
            else if (e.payload() instanceof ProcessExit x && x.process().entityId() != null) exits.add(e);
        }
        if (starts.isEmpty() && exits.isEmpty()) return 0;
        try (Connection c = dataSource.getConnection()) {
            // One transaction per batch: committing row by row costs several times the inserts themselves.
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                if (!starts.isEmpty()) insertImages(c, starts);
                if (!exits.isEmpty()) insertExits(c, exits);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw Sql.failure("indexing " + starts.size() + " process starts and " + exits.size() + " exits", e);
        }
        return starts.size();
    }

    /**
     * Reads every process start and exit from the store into the index, then marks it complete. Safe to run while
     * ingest feeds new batches (both insert each event once).
     *
     * @return how many start events were read
     */
    public long rebuildFrom(EventStore store, InstantSource clock) {
        return rebuildFrom(store, clock, () -> false);
    }

    /**
     * The same, stopping between pages (incomplete) once {@code stop} says so: a server shutting down. (Not by
     * interrupting: an interrupt during file I/O closes the database's and the store's file channels.)
     */
    public long rebuildFrom(EventStore store, InstantSource clock, BooleanSupplier stop) {
        long read = indexAll(store, clock, "event.action:(exec OR already_running)", stop);
        indexAll(store, clock, "event.action:exit", stop);
        if (!stop.getAsBoolean()) markComplete();
        return read;
    }

    /** Marks the index complete without reading the store: for a new installation whose store is empty. */
    public void markComplete() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement("""
                     MERGE INTO process_index_state t USING (VALUES (CAST(? AS VARCHAR(100)), CAST(? AS VARCHAR(1000)))) s (name, val)
                     ON t.name = s.name WHEN MATCHED THEN UPDATE SET val = s.val
                     WHEN NOT MATCHED THEN INSERT (name, val) VALUES (s.name, s.val)""")) {
            p.setString(1, COMPLETE);
            p.setString(2, Instant.now().toString());
            p.executeUpdate();
            complete = true;
        } catch (SQLException e) {
            throw Sql.failure("marking the process record index complete", e);
        }
    }

    private long indexAll(EventStore store, InstantSource clock, String query, BooleanSupplier stop) {
        long read = 0;
        EventQuery q = EventQuery.parse(query, clock).limit(EventQuery.MAX_LIMIT);
        while (!stop.getAsBoolean()) {
            Page page = store.search(q);
            List<Event> events = page.hits().stream().map(Hit::event).toList();
            ingest(events);
            read += events.size();
            if (!page.hasMore()) return read;
            q = q.after(page.next());
        }
        return read;
    }

    @Override
    public List<ProcessRecord> images(String entityId) {
        return query("SELECT " + COLUMNS + " FROM process_images WHERE entity_id = ? ORDER BY seen_nanos, seq", entityId);
    }

    @Override
    public List<ProcessRecord> children(String parentEntityId, Window window, int limit) {
        Map<String, ProcessRecord> byEntity = new LinkedHashMap<>();
        for (ProcessRecord r : query("SELECT " + COLUMNS + " FROM process_images WHERE parent_entity_id = ?" + within(window)
                + " ORDER BY seen_nanos, seq LIMIT " + Math.max(1, limit) * 4L, parentEntityId)) {
            byEntity.putIfAbsent(r.entityId(), r);
            if (byEntity.size() == limit) break;
        }
        return List.copyOf(byEntity.values());
    }

    @Override
    public long childStarts(String parentEntityId, Window window) {
        return count("SELECT COUNT(*) FROM process_images WHERE parent_entity_id = ?" + within(window), parentEntityId);
    }

    @Override
    public List<ProcessRecord> withHash(String sha256, Window window, int limit) {
        return query("SELECT " + COLUMNS + " FROM process_images WHERE sha256 = ?" + within(window)
                + " ORDER BY seen_nanos DESC, seq DESC LIMIT " + limit, sha256.toLowerCase(Locale.ROOT));
    }

    @Override
    public List<String> agentsWithHash(String sha256, Window window, int limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT DISTINCT agent_id FROM process_images WHERE sha256 = ?" + within(window)
                     + " ORDER BY agent_id LIMIT " + limit)) {
            p.setString(1, sha256.toLowerCase(Locale.ROOT));
            try (ResultSet r = p.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (r.next()) out.add(r.getString(1));
                return out;
            }
        } catch (SQLException e) {
            throw Sql.failure("listing endpoints that ran " + sha256, e);
        }
    }

    @Override
    public List<ProcessRecord> executionsOf(String agentId, String path, Window window, int limit) {
        List<ProcessRecord> out = new ArrayList<>(query("SELECT " + COLUMNS + " FROM process_images WHERE agent_id = ? AND executable = ?"
                + within(window) + " ORDER BY seen_nanos, seq LIMIT " + limit, agentId, path));
        out.addAll(query("SELECT " + COLUMNS + " FROM process_images WHERE agent_id = ? AND script = ?"
                + within(window) + " ORDER BY seen_nanos, seq LIMIT " + limit, agentId, path));
        out.sort(java.util.Comparator.comparing(ProcessRecord::seen));
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    /** When the process exited, when its exit is recorded. */
    public Optional<Instant> exitTime(String entityId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT exit_nanos FROM process_exits WHERE entity_id = ?")) {
            p.setString(1, entityId);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(instant(r.getLong(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw Sql.failure("reading the exit of " + entityId, e);
        }
    }

    private static void insertImages(Connection c, List<Event> starts) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("""
                MERGE INTO process_images t
                USING (VALUES (CAST(? AS VARCHAR(200)), CAST(? AS BIGINT))) s (agent_id, seq)
                ON t.agent_id = s.agent_id AND t.seq = s.seq
                WHEN NOT MATCHED THEN INSERT (%s) VALUES (s.agent_id, s.seq, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
                .formatted(COLUMNS))) {
            for (Event e : starts) {
                ProcessRecord r = ProcessRecord.of(e);
                int i = 1;
                p.setString(i++, e.agentId());
                p.setLong(i++, e.sequence());
                p.setString(i++, r.entityId());
                nullable(p, i++, r.parentEntityId());
                nullable(p, i++, r.hostName());
                p.setInt(i++, r.pid());
                p.setLong(i++, nanos(r.startTime()));
                p.setLong(i++, nanos(r.seen()));
                nullable(p, i++, r.executable());
                nullable(p, i++, ProcessRoles.script(r).orElse(null));
                p.setString(i++, joined(r.args()));
                nullable(p, i++, r.workingDirectory());
                nullable(p, i++, r.sha256() == null ? null : r.sha256().toLowerCase(Locale.ROOT));
                nullable(p, i++, r.userName());
                p.setBoolean(i, r.snapshot());
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    private static void insertExits(Connection c, List<Event> exits) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("""
                MERGE INTO process_exits t USING (VALUES (CAST(? AS VARCHAR(200)), CAST(? AS BIGINT))) s (entity_id, exit_nanos)
                ON t.entity_id = s.entity_id WHEN NOT MATCHED THEN INSERT (entity_id, exit_nanos) VALUES (s.entity_id, s.exit_nanos)""")) {
            for (Event e : exits) {
                p.setString(1, ((ProcessExit) e.payload()).process().entityId());
                p.setLong(2, nanos(e.timestamp()));
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    private List<ProcessRecord> query(String sql, String... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) p.setString(i + 1, parameters[i]);
            try (ResultSet r = p.executeQuery()) {
                List<ProcessRecord> out = new ArrayList<>();
                while (r.next()) out.add(record(r));
                return out;
            }
        } catch (SQLException e) {
            throw Sql.failure("reading the process record index", e);
        }
    }

    private long count(String sql, String parameter) {
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, parameter);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw Sql.failure("counting in the process record index", e);
        }
    }

    private static ProcessRecord record(ResultSet r) throws SQLException {
        String args = r.getString("args");
        return new ProcessRecord(r.getString("entity_id"), r.getString("agent_id"), orEmpty(r.getString("host_name")), r.getInt("pid"),
                instant(r.getLong("start_nanos")), r.getString("parent_entity_id"), r.getString("executable"),
                arguments(args),
                r.getString("working_directory"), r.getString("sha256"), r.getString("user_name"), instant(r.getLong("seen_nanos")),
                r.getBoolean("snapshot"), true);
    }

    /** " AND seen_nanos ..." for a bounded window; numbers only, so safe to inline. */
    private static String within(Window window) {
        String sql = "";
        if (window.from() != null) sql += " AND seen_nanos >= " + nanos(window.from());
        if (window.to() != null) sql += " AND seen_nanos < " + nanos(window.to());
        return sql;
    }

    /** Each argument followed by a NUL (which no argument can hold), so empty arguments survive. */
    private static String joined(List<String> args) {
        StringBuilder all = new StringBuilder();
        for (String a : args) all.append(a).append(ARG_SEPARATOR);
        return all.length() > MAX_ARGS_CHARS ? all.substring(0, MAX_ARGS_CHARS) : all.toString();
    }

    private static List<String> arguments(String joined) {
        if (joined.isEmpty()) return List.of();
        List<String> out = new ArrayList<>(Arrays.asList(joined.split(String.valueOf(ARG_SEPARATOR), -1)));
        if (out.getLast().isEmpty()) out.removeLast();
        return out;
    }

    private static void nullable(PreparedStatement p, int index, String value) throws SQLException {
        if (value == null) p.setNull(index, Types.VARCHAR);
        else p.setString(index, value);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
