package dev.kiroku.investigate.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiroku.investigate.db.Migrations;
import dev.kiroku.investigate.db.Sql;
import dev.kiroku.investigate.workflow.AlertRef;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/** Incidents in a JDBC database (H2 here), with the investigation schema's versioned migrations. */
public final class IncidentRepository {
    private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private final DataSource dataSource;
    private final InstantSource clock;

    public IncidentRepository(DataSource dataSource, InstantSource clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        try (Connection c = dataSource.getConnection()) {
            Migrations.apply(c, clock.instant());
        } catch (SQLException e) {
            throw Sql.failure("preparing the investigation database", e);
        }
    }

    /** A new incident with its first alert; returns its id. */
    public long create(String title, AlertRef alert, Collection<String> processes, Collection<String> causalRoots) {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            long id;
            try (PreparedStatement p = c.prepareStatement("INSERT INTO incidents (title, status, created, updated) VALUES (?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                p.setString(1, title);
                p.setString(2, IncidentStatus.NEW.name());
                p.setObject(3, Sql.time(now));
                p.setObject(4, Sql.time(now));
                p.executeUpdate();
                try (ResultSet keys = p.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            addAlert(c, id, alert, processes, causalRoots);
            c.commit();
            Sql.writeToFileNow(c);
            return id;
        } catch (SQLException e) {
            throw Sql.failure("creating an incident", e);
        }
    }

    /** Adds an alert and its processes to an incident. */
    public void addAlert(long id, AlertRef alert, Collection<String> processes, Collection<String> causalRoots) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            require(c, id);
            addAlert(c, id, alert, processes, causalRoots);
            touch(c, id);
            c.commit();
            Sql.writeToFileNow(c);
        } catch (SQLException e) {
            throw Sql.failure("adding an alert to incident " + id, e);
        }
    }

    private void addAlert(Connection c, long id, AlertRef alert, Collection<String> processes, Collection<String> causalRoots)
            throws SQLException {
        int position;
        try (PreparedStatement p = c.prepareStatement("SELECT COALESCE(MAX(position), -1) + 1 FROM incident_alerts WHERE incident_id = ?")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                position = r.getInt(1);
            }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO incident_alerts (incident_id, position, alert) VALUES (?, ?, ?)")) {
            p.setLong(1, id);
            p.setInt(2, position);
            p.setString(3, json(alert));
            p.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("""
                MERGE INTO incident_processes t USING (VALUES (CAST(? AS BIGINT), CAST(? AS VARCHAR(200)), CAST(? AS BOOLEAN))) s (i, e, r)
                ON t.incident_id = s.i AND t.entity_id = s.e
                WHEN MATCHED THEN UPDATE SET causal_root = t.causal_root OR s.r
                WHEN NOT MATCHED THEN INSERT (incident_id, entity_id, causal_root) VALUES (s.i, s.e, s.r)""")) {
            Set<String> all = new LinkedHashSet<>(processes);
            all.addAll(causalRoots);
            for (String entity : all) {
                p.setLong(1, id);
                p.setString(2, entity);
                p.setBoolean(3, causalRoots.contains(entity));
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    /** The open (not closed) incident that shares a process with these, oldest first. */
    public Optional<Long> openIncidentSharing(Collection<String> processes) {
        if (processes.isEmpty()) return Optional.empty();
        String marks = String.join(", ", java.util.Collections.nCopies(processes.size(), "?"));
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(
                "SELECT MIN(i.id) FROM incidents i JOIN incident_processes ip ON ip.incident_id = i.id "
                        + "WHERE i.status <> 'CLOSED' AND ip.entity_id IN (" + marks + ")")) {
            int i = 1;
            for (String entity : processes) p.setString(i++, entity);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                long id = r.getLong(1);
                return r.wasNull() ? Optional.empty() : Optional.of(id);
            }
        } catch (SQLException e) {
            throw Sql.failure("looking up incidents by process", e);
        }
    }

    /**
     * @throws NoSuchElementException naming the id when there is no such incident
     */
    public Incident get(long id) {
        try (Connection c = dataSource.getConnection()) {
            return read(c, id);
        } catch (SQLException e) {
            throw Sql.failure("reading incident " + id, e);
        }
    }

    /** Incidents, newest first; {@code status} null for all. */
    public List<Incident> list(IncidentStatus status, int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(
                "SELECT id FROM incidents" + (status == null ? "" : " WHERE status = ?") + " ORDER BY id DESC LIMIT ?")) {
            int i = 1;
            if (status != null) p.setString(i++, status.name());
            p.setInt(i, limit);
            List<Long> ids = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) ids.add(r.getLong(1));
            }
            List<Incident> out = new ArrayList<>();
            for (long id : ids) out.add(read(c, id));
            return out;
        } catch (SQLException e) {
            throw Sql.failure("listing incidents", e);
        }
    }

    public void setStatus(long id, IncidentStatus status) {
        if (status == IncidentStatus.CLOSED) throw new IllegalArgumentException("an incident is closed with a root cause and scope, not by status");
        update(id, "UPDATE incidents SET status = ?, updated = ? WHERE id = ?", status.name());
    }

    public void setAssignee(long id, String assignee) {
        update(id, "UPDATE incidents SET assignee = ?, updated = ? WHERE id = ?", assignee == null || assignee.isBlank() ? null : assignee);
    }

    public void close(long id, String rootCause, String scope) {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(
                "UPDATE incidents SET status = 'CLOSED', root_cause = ?, scope = ?, updated = ?, closed = ? WHERE id = ?")) {
            p.setString(1, rootCause);
            p.setString(2, scope);
            p.setObject(3, Sql.time(now));
            p.setObject(4, Sql.time(now));
            p.setLong(5, id);
            if (p.executeUpdate() == 0) throw new NoSuchElementException("no incident " + id);
            Sql.writeToFileNow(c);
        } catch (SQLException e) {
            throw Sql.failure("closing incident " + id, e);
        }
    }

    public Note addNote(long id, String author, String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("a note needs text");
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            require(c, id);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO incident_notes (incident_id, author, text, created) VALUES (?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                p.setLong(1, id);
                p.setString(2, author);
                p.setString(3, text);
                p.setObject(4, Sql.time(now));
                p.executeUpdate();
                touch(c, id);
                Sql.writeToFileNow(c);
                try (ResultSet keys = p.getGeneratedKeys()) {
                    keys.next();
                    return new Note(keys.getLong(1), author, text, now);
                }
            }
        } catch (SQLException e) {
            throw Sql.failure("adding a note to incident " + id, e);
        }
    }

    /** Appends a response action (the response module calls this). */
    public ResponseActionRecord addAction(long id, String action, String target, String agentId, String actor, String outcome) {
        if (action == null || action.isBlank()) throw new IllegalArgumentException("a response action needs its name");
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            require(c, id);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO incident_actions (incident_id, action, target, agent_id, actor, outcome, "
                    + "time) VALUES (?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                p.setLong(1, id);
                p.setString(2, action);
                p.setString(3, target);
                p.setString(4, agentId);
                p.setString(5, actor);
                p.setString(6, outcome);
                p.setObject(7, Sql.time(now));
                p.executeUpdate();
                touch(c, id);
                Sql.writeToFileNow(c);
                try (ResultSet keys = p.getGeneratedKeys()) {
                    keys.next();
                    return new ResponseActionRecord(keys.getLong(1), action, target, agentId, actor, outcome, now);
                }
            }
        } catch (SQLException e) {
            throw Sql.failure("adding a response action to incident " + id, e);
        }
    }

    private void update(long id, String sql, String value) {
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, value);
            p.setObject(2, Sql.time(clock.instant()));
            p.setLong(3, id);
            if (p.executeUpdate() == 0) throw new NoSuchElementException("no incident " + id);
            Sql.writeToFileNow(c);
        } catch (SQLException e) {
            throw Sql.failure("updating incident " + id, e);
        }
    }

    private void touch(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE incidents SET updated = ? WHERE id = ?")) {
            p.setObject(1, Sql.time(clock.instant()));
            p.setLong(2, id);
            p.executeUpdate();
        }
    }

    private static void require(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM incidents WHERE id = ?")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) throw new NoSuchElementException("no incident " + id);
            }
        }
    }

    private Incident read(Connection c, long id) throws SQLException {
        String title;
        IncidentStatus status;
        String assignee;
        String rootCause;
        String scope;
        Instant created;
        Instant updated;
        Instant closed;
        try (PreparedStatement p = c.prepareStatement("SELECT * FROM incidents WHERE id = ?")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) throw new NoSuchElementException("no incident " + id);
                title = r.getString("title");
                status = IncidentStatus.valueOf(r.getString("status"));
                assignee = r.getString("assignee");
                rootCause = r.getString("root_cause");
                scope = r.getString("scope");
                created = Sql.instant(r.getObject("created"));
                updated = Sql.instant(r.getObject("updated"));
                closed = Sql.instant(r.getObject("closed"));
            }
        }
        List<AlertRef> alerts = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT alert FROM incident_alerts WHERE incident_id = ? ORDER BY position")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) alerts.add(alert(r.getString(1)));
            }
        }
        Set<String> processes = new LinkedHashSet<>();
        Set<String> roots = new LinkedHashSet<>();
        try (PreparedStatement p = c.prepareStatement("SELECT entity_id, causal_root FROM incident_processes WHERE incident_id = ? ORDER BY entity_id")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    processes.add(r.getString(1));
                    if (r.getBoolean(2)) roots.add(r.getString(1));
                }
            }
        }
        List<Note> notes = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT id, author, text, created FROM incident_notes WHERE incident_id = ? ORDER BY id")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) notes.add(new Note(r.getLong(1), r.getString(2), r.getString(3), Sql.instant(r.getObject(4))));
            }
        }
        List<ResponseActionRecord> actions = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT id, action, target, agent_id, actor, outcome, time FROM incident_actions "
                + "WHERE incident_id = ? ORDER BY id")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    actions.add(new ResponseActionRecord(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                            r.getString(6), Sql.instant(r.getObject(7))));
                }
            }
        }
        return new Incident(id, title, status, assignee, alerts, processes, roots, notes, actions, rootCause, scope, created, updated, closed);
    }

    private static String json(AlertRef alert) {
        try {
            return JSON.writeValueAsString(alert);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("alert " + alert.id() + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static AlertRef alert(String json) {
        try {
            return JSON.readValue(json, AlertRef.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored alert is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
