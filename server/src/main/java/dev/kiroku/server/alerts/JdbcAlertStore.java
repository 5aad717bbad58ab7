package dev.kiroku.server.alerts;

import dev.kiroku.fleet.state.EmbeddedH2;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link AlertStore} over JDBC with standard SQL; {@link #h2(Path, InstantSource)} opens the embedded H2 file
 * database under the data directory. One connection, used under this object's lock.
 */
public final class JdbcAlertStore implements AlertStore {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<List<Map<String, Object>>> EVENTS = new TypeReference<>() { };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<Map<String, String>> GROUP = new TypeReference<>() { };
    private static final TypeReference<List<Exclusion.Condition>> CONDITIONS = new TypeReference<>() { };
    private static final String COLUMNS = "id, kind, rule_id, rule_title, rule_level, rule_status, rule_techniques, rule_tactics, "
            + "rule_references, rule_author, agent_id, host_name, process_entity_id, first_seen, last_seen, occurrences, events, "
            + "group_values, contributing_rules, created, triage_status, assignee, triaged_by, triaged";

    private final Connection connection;
    private final InstantSource clock;

    public JdbcAlertStore(Connection connection, InstantSource clock) throws SQLException {
        this.connection = connection;
        this.clock = clock;
        SchemaMigrations.apply(connection, clock.instant());
    }

    /** Opens (creating if needed) the H2 database {@code <dataDirectory>/alerts/kiroku-alerts.mv.db}. */
    public static JdbcAlertStore h2(Path dataDirectory, InstantSource clock) {
        Path dir = dataDirectory.resolve("alerts").toAbsolutePath();
        try {
            Files.createDirectories(dir);
            Connection connection = DriverManager.getConnection(EmbeddedH2.url(dir.resolve("kiroku-alerts")), "sa", "");
            try {
                return new JdbcAlertStore(connection, clock);
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the alert database directory " + dir, e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the alert database in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static final String INSERT = "INSERT INTO alerts (suppression_key, kind, rule_id, rule_title, rule_level, rule_status, "
            + "rule_techniques, rule_tactics, rule_references, rule_author, agent_id, host_name, process_entity_id, first_seen, last_seen, "
            + "occurrences, events, group_values, contributing_rules, created) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    @Override
    public synchronized Alert open(Occurrence o) {
        try (PreparedStatement p = connection.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
            bind(p, o);
            p.executeUpdate();
            EmbeddedH2.writeToFileNow(connection);
            try (ResultSet keys = p.getGeneratedKeys()) {
                keys.next();
                return get(keys.getLong(1)).orElseThrow();
            }
        } catch (SQLException e) {
            throw failure("storing an alert", e);
        }
    }

    /**
     * Opens one alert per occurrence in one transaction with batched inserts, without reading them back: for bulk loads
     * (benchmarks filling a realistic database, imports), thousands of times fewer round trips than {@link #open}.
     */
    public synchronized int openAll(List<Occurrence> occurrences) {
        try {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement p = connection.prepareStatement(INSERT)) {
                for (Occurrence o : occurrences) {
                    bind(p, o);
                    p.addBatch();
                }
                p.executeBatch();
                connection.commit();
                EmbeddedH2.writeToFileNow(connection);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure("storing " + occurrences.size() + " alerts", e);
        }
        return occurrences.size();
    }

    private void bind(PreparedStatement p, Occurrence o) throws SQLException {
        RuleInfo r = o.rule();
        int i = 1;
        p.setString(i++, o.key());
        p.setString(i++, o.kind().name());
        p.setString(i++, r.id());
        p.setString(i++, r.title());
        p.setString(i++, r.level());
        p.setString(i++, r.status());
        p.setString(i++, json(r.techniques()));
        p.setString(i++, json(r.tactics()));
        p.setString(i++, json(r.references()));
        p.setString(i++, r.author());
        p.setString(i++, o.agentId());
        p.setString(i++, o.hostName());
        p.setString(i++, o.processEntityId());
        p.setObject(i++, time(o.time()));
        p.setObject(i++, time(o.time()));
        p.setLong(i++, 1);
        p.setString(i++, json(o.event() == null ? List.of() : List.of(o.event())));
        p.setString(i++, json(o.group()));
        p.setString(i++, json(o.rules()));
        p.setObject(i, time(clock.instant()));
    }

    @Override
    public synchronized Alert addOccurrence(long alertId, Occurrence o) {
        Alert alert = get(alertId).orElseThrow(() -> new IllegalArgumentException("no alert " + alertId));
        List<Map<String, Object>> events = new ArrayList<>(alert.events());
        if (o.event() != null && events.size() < Alert.MAX_EVENTS) events.add(o.event());
        Instant first = o.time().isBefore(alert.firstSeen()) ? o.time() : alert.firstSeen();
        Instant last = o.time().isAfter(alert.lastSeen()) ? o.time() : alert.lastSeen();
        try (PreparedStatement p = connection.prepareStatement(
                "UPDATE alerts SET occurrences = occurrences + 1, first_seen = ?, last_seen = ?, events = ? WHERE id = ?")) {
            p.setObject(1, time(first));
            p.setObject(2, time(last));
            p.setString(3, json(events));
            p.setLong(4, alertId);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure("updating alert " + alertId, e);
        }
        return get(alertId).orElseThrow();
    }

    @Override
    public synchronized Optional<Alert> latest(String key) {
        return one("SELECT " + COLUMNS + " FROM alerts WHERE suppression_key = ? ORDER BY id DESC FETCH FIRST 1 ROWS ONLY", key);
    }

    @Override
    public synchronized Optional<Alert> get(long id) {
        return one("SELECT " + COLUMNS + " FROM alerts WHERE id = ?", id);
    }

    @Override
    public synchronized Optional<Alert> triage(long id, Triage triage) {
        try (PreparedStatement p = connection.prepareStatement(
                "UPDATE alerts SET triage_status = ?, assignee = ?, triaged_by = ?, triaged = ? WHERE id = ?")) {
            p.setString(1, triage.status());
            p.setString(2, triage.assignee());
            p.setString(3, triage.by());
            p.setObject(4, triage.updated() == null ? null : time(triage.updated()));
            p.setLong(5, id);
            if (p.executeUpdate() == 0) return Optional.empty();
            EmbeddedH2.writeToFileNow(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot triage alert " + id + ": " + e.getMessage(), e);
        }
        return get(id);
    }

    @Override
    public synchronized List<Alert> search(AlertQuery q) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM alerts WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        filter(sql, args, "rule_id", q.ruleId());
        filter(sql, args, "rule_level", q.level());
        filter(sql, args, "host_name", q.hostName());
        filter(sql, args, "agent_id", q.agentId());
        filter(sql, args, "rule_status", q.status());
        filter(sql, args, "triage_status", q.triage());
        if (q.from() != null) {
            sql.append(" AND last_seen >= ?");
            args.add(time(q.from()));
        }
        if (q.to() != null) {
            sql.append(" AND first_seen < ?");
            args.add(time(q.to()));
        }
        sql.append(" ORDER BY last_seen DESC, id DESC FETCH FIRST ").append(q.limit()).append(" ROWS ONLY");
        return list(sql.toString(), args.toArray());
    }

    @Override
    public synchronized AlertSummary summarize(Instant from, Instant to, java.time.Duration bucket, int top) {
        if (!from.isBefore(to)) throw new IllegalArgumentException("the summary window is empty: from " + from + " is not before " + to);
        long bucketSeconds = Math.max(1, bucket.toSeconds());
        int count = (int) Math.min(10_000, Math.ceilDiv(java.time.Duration.between(from, to).toSeconds(), bucketSeconds));
        List<Map<String, Long>> levels = new ArrayList<>();
        for (int i = 0; i < count; i++) levels.add(new LinkedHashMap<>());
        Map<String, Long> totals = new LinkedHashMap<>();
        try (PreparedStatement p = connection.prepareStatement("SELECT lvl, b, COUNT(*) FROM (SELECT COALESCE(rule_level, "
                + "'informational') AS lvl, CAST(FLOOR((EXTRACT(EPOCH FROM last_seen) - ?) / ?) AS INT) AS b "
                + "FROM alerts WHERE last_seen >= ? AND last_seen < ?) GROUP BY lvl, b")) {
            p.setLong(1, from.getEpochSecond());
            p.setLong(2, bucketSeconds);
            p.setObject(3, time(from));
            p.setObject(4, time(to));
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    String level = r.getString(1).toLowerCase(java.util.Locale.ROOT);
                    int index = Math.clamp(r.getInt(2), 0, count - 1);
                    levels.get(index).merge(level, r.getLong(3), Long::sum);
                    totals.merge(level, r.getLong(3), Long::sum);
                }
            }
            List<AlertSummary.Bucket> buckets = new ArrayList<>();
            for (int i = 0; i < count; i++) buckets.add(new AlertSummary.Bucket(from.plusSeconds(i * bucketSeconds), levels.get(i)));
            return new AlertSummary(from, to, java.time.Duration.ofSeconds(bucketSeconds), buckets, totals,
                    topRules(from, to, top), techniques(from, to, top));
        } catch (SQLException e) {
            throw failure("summarising alerts", e);
        }
    }

    private List<AlertSummary.RuleCount> topRules(Instant from, Instant to, int top) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT rule_id, MAX(rule_title), MAX(rule_level), COUNT(*) AS n "
                + "FROM alerts WHERE last_seen >= ? AND last_seen < ? GROUP BY rule_id ORDER BY n DESC, rule_id FETCH FIRST "
                + Math.max(1, top) + " ROWS ONLY")) {
            p.setObject(1, time(from));
            p.setObject(2, time(to));
            List<AlertSummary.RuleCount> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) out.add(new AlertSummary.RuleCount(r.getString(1), r.getString(2), r.getString(3), r.getLong(4)));
            }
            return out;
        }
    }

    /** Techniques are a JSON list per alert: the database groups by the list, this splits the (few) distinct lists. */
    private Map<String, Long> techniques(Instant from, Instant to, int top) throws SQLException {
        Map<String, Long> counts = new java.util.HashMap<>();
        try (PreparedStatement p = connection.prepareStatement("SELECT t, COUNT(*) FROM (SELECT CAST(rule_techniques AS VARCHAR) AS t "
                + "FROM alerts WHERE last_seen >= ? AND last_seen < ?) GROUP BY t")) {
            p.setObject(1, time(from));
            p.setObject(2, time(to));
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    List<String> techniques = parse(r.getString(1), STRINGS);
                    if (techniques == null) continue;
                    for (String t : new java.util.LinkedHashSet<>(techniques)) counts.merge(t.toLowerCase(java.util.Locale.ROOT), r.getLong(2), Long::sum);
                }
            }
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(Math.max(1, top)).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    private static void filter(StringBuilder sql, List<Object> args, String column, String value) {
        if (value == null || value.isBlank()) return;
        sql.append(" AND LOWER(").append(column).append(") = LOWER(?)");
        args.add(value);
    }

    @Override
    public synchronized Exclusion addExclusion(Exclusion e) {
        try (PreparedStatement p = connection.prepareStatement(
                "INSERT INTO alert_exceptions (rule_id, conditions, comment, created) VALUES (?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            Instant created = clock.instant();
            p.setString(1, e.ruleId());
            p.setString(2, json(e.conditions()));
            p.setString(3, e.comment());
            p.setObject(4, time(created));
            p.executeUpdate();
            EmbeddedH2.writeToFileNow(connection);
            try (ResultSet keys = p.getGeneratedKeys()) {
                keys.next();
                return new Exclusion(keys.getLong(1), e.ruleId(), e.conditions(), e.comment(), created);
            }
        } catch (SQLException x) {
            throw failure("storing an exception", x);
        }
    }

    @Override
    public synchronized List<Exclusion> exclusions() {
        List<Exclusion> out = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet r = s.executeQuery("SELECT id, rule_id, conditions, comment, created FROM alert_exceptions ORDER BY id")) {
            while (r.next()) {
                out.add(new Exclusion(r.getLong(1), r.getString(2), parse(r.getString(3), CONDITIONS), r.getString(4), instant(r, 5)));
            }
            return out;
        } catch (SQLException e) {
            throw failure("reading exceptions", e);
        }
    }

    @Override
    public synchronized boolean deleteExclusion(long id) {
        try (PreparedStatement p = connection.prepareStatement("DELETE FROM alert_exceptions WHERE id = ?")) {
            p.setLong(1, id);
            boolean deleted = p.executeUpdate() > 0;
            EmbeddedH2.writeToFileNow(connection);
            return deleted;
        } catch (SQLException e) {
            throw failure("deleting exception " + id, e);
        }
    }

    @Override
    public synchronized Map<String, Boolean> ruleStates() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        try (Statement s = connection.createStatement();
             ResultSet r = s.executeQuery("SELECT rule_id, enabled FROM rule_state ORDER BY rule_id")) {
            while (r.next()) out.put(r.getString(1), r.getBoolean(2));
            return out;
        } catch (SQLException e) {
            throw failure("reading rule state", e);
        }
    }

    @Override
    public synchronized void setRuleEnabled(String ruleId, boolean enabled) {
        try (PreparedStatement update = connection.prepareStatement("UPDATE rule_state SET enabled = ?, updated = ? WHERE rule_id = ?")) {
            update.setBoolean(1, enabled);
            update.setObject(2, time(clock.instant()));
            update.setString(3, ruleId);
            if (update.executeUpdate() == 0) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rule_state (rule_id, enabled, updated) VALUES (?, ?, ?)")) {
                    insert.setString(1, ruleId);
                    insert.setBoolean(2, enabled);
                    insert.setObject(3, time(clock.instant()));
                    insert.executeUpdate();
                }
            }
            EmbeddedH2.writeToFileNow(connection);
        } catch (SQLException e) {
            throw failure("saving the state of rule " + ruleId, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            System.err.println("kiroku: closing the alert database: " + e.getMessage());
        }
    }

    private Optional<Alert> one(String sql, Object... args) {
        List<Alert> found = list(sql, args);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    private List<Alert> list(String sql, Object... args) {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) p.setObject(i + 1, args[i]);
            List<Alert> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) out.add(alert(r));
            }
            return out;
        } catch (SQLException e) {
            throw failure("reading alerts", e);
        }
    }

    private static Alert alert(ResultSet r) throws SQLException {
        RuleInfo rule = new RuleInfo(r.getString("rule_id"), r.getString("rule_title"), r.getString("rule_level"),
                r.getString("rule_status"), parse(r.getString("rule_techniques"), STRINGS), parse(r.getString("rule_tactics"), STRINGS),
                parse(r.getString("rule_references"), STRINGS), r.getString("rule_author"));
        return new Alert(r.getLong("id"), Alert.Kind.valueOf(r.getString("kind")), rule, r.getString("agent_id"),
                r.getString("host_name"), r.getString("process_entity_id"), instant(r, "first_seen"), instant(r, "last_seen"),
                r.getLong("occurrences"), parse(r.getString("events"), EVENTS), parse(r.getString("group_values"), GROUP),
                parse(r.getString("contributing_rules"), STRINGS), instant(r, "created"),
                new Triage(r.getString("triage_status"), r.getString("assignee"), r.getString("triaged_by"),
                        r.getObject("triaged") == null ? null : instant(r, "triaged")));
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet r, String column) throws SQLException {
        return r.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        return r.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON for the alert database", e);
        }
    }

    private static <T> T parse(String text, TypeReference<T> type) {
        try {
            return JSON.readValue(text == null ? "null" : text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt JSON column in the alert database: " + e.getOriginalMessage(), e);
        }
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("alert database: " + what + " failed: " + e.getMessage(), e);
    }
}
