package dev.kiroku.indicators.repo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.IndicatorAction;
import dev.kiroku.indicators.IndicatorSource;
import dev.kiroku.indicators.IndicatorType;
import dev.kiroku.indicators.SourceFormat;
import dev.kiroku.indicators.stix.StixBundleReader;
import dev.kiroku.indicators.stix.StixPatternException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Indicators kept in a relational database (the server's state store) through JDBC over any
 * {@link DataSource}. The schema is created and upgraded on construction by numbered migrations
 * recorded in {@code indicator_schema_version}. Each indicator is stored with what rebuilds it: the
 * condition tree as JSON, and for STIX the pattern (which rebuilds multi-event sequences).
 */
public final class IndicatorRepository {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Migration n (1-based) brings the schema from version n-1 to n. Never edit one that shipped; append. */
    private static final List<List<String>> MIGRATIONS = List.of(
            List.of("""
                    CREATE TABLE indicators (
                      id VARCHAR(2048) NOT NULL PRIMARY KEY,
                      format VARCHAR(32) NOT NULL,
                      origin VARCHAR(4096) NOT NULL,
                      location VARCHAR(1024) NOT NULL,
                      type VARCHAR(32) NOT NULL,
                      indicator_value CLOB,
                      condition_json CLOB NOT NULL,
                      action VARCHAR(16) NOT NULL,
                      expires_ms BIGINT,
                      tags_json CLOB NOT NULL,
                      description CLOB NOT NULL)""",
                    "CREATE INDEX indicators_origin ON indicators(origin)"));

    private final DataSource dataSource;

    public IndicatorRepository(DataSource dataSource) {
        this.dataSource = dataSource;
        migrate();
    }

    /** The schema version after migration. */
    public int schemaVersion() {
        try (Connection c = dataSource.getConnection()) {
            return version(c);
        } catch (SQLException e) {
            throw failure("read the schema version", e);
        }
    }

    private void migrate() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS indicator_schema_version (version INT NOT NULL)");
            }
            int version = version(c);
            for (int v = version; v < MIGRATIONS.size(); v++) {
                try (Statement s = c.createStatement()) {
                    for (String sql : MIGRATIONS.get(v)) s.execute(sql);
                    s.execute("DELETE FROM indicator_schema_version");
                    s.execute("INSERT INTO indicator_schema_version (version) VALUES (" + (v + 1) + ")");
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw failure("migrate the indicator schema", e);
        }
    }

    private static int version(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM indicator_schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /**
     * Stores the indicators, replacing those with the same id, in one transaction; of several with the same id in
     * {@code given} (a list repeating a line) the last is kept. Returns how many distinct ids were stored.
     */
    public int saveAll(Collection<Indicator> given) {
        Map<String, Indicator> byId = new LinkedHashMap<>();
        for (Indicator i : given) byId.put(i.id(), i);
        Collection<Indicator> indicators = byId.values();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM indicators WHERE id = ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO indicators (id, format, origin, location, type, "
                         + "indicator_value, condition_json, action, expires_ms, tags_json, description) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
                for (Indicator i : indicators) {
                    delete.setString(1, i.id());
                    delete.addBatch();
                    insert.setString(1, i.id());
                    insert.setString(2, i.source().format().name());
                    insert.setString(3, i.source().origin());
                    insert.setString(4, i.source().location());
                    insert.setString(5, i.type().name());
                    insert.setString(6, i.value());
                    insert.setString(7, ConditionCodec.write(i.condition()));
                    insert.setString(8, i.action().name());
                    if (i.expires() == null) insert.setNull(9, Types.BIGINT);
                    else insert.setLong(9, i.expires().toEpochMilli());
                    insert.setString(10, JSON.writeValueAsString(i.tags()));
                    insert.setString(11, i.description());
                    insert.addBatch();
                }
                delete.executeBatch();
                insert.executeBatch();
                c.commit();
                return indicators.size();
            } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw failure("store indicators", e);
        }
    }

    public List<Indicator> findAll() {
        return query("SELECT * FROM indicators ORDER BY origin, id", null);
    }

    public List<Indicator> findBySource(String origin) {
        return query("SELECT * FROM indicators WHERE origin = ? ORDER BY id", origin);
    }

    public Optional<Indicator> find(String id) {
        return query("SELECT * FROM indicators WHERE id = ?", id).stream().findFirst();
    }

    /** @return whether it existed */
    public boolean delete(String id) {
        return update("DELETE FROM indicators WHERE id = ?", id) > 0;
    }

    /** Removes everything imported from one file or feed; returns how many. */
    public int deleteBySource(String origin) {
        return update("DELETE FROM indicators WHERE origin = ?", origin);
    }

    public long count() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM indicators")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure("count indicators", e);
        }
    }

    private int update(String sql, String arg) {
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, arg);
            return p.executeUpdate();
        } catch (SQLException e) {
            throw failure("delete indicators", e);
        }
    }

    private List<Indicator> query(String sql, String arg) {
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            if (arg != null) p.setString(1, arg);
            List<Indicator> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) out.add(indicator(rs));
            }
            return out;
        } catch (SQLException e) {
            throw failure("read indicators", e);
        }
    }

    private static Indicator indicator(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        IndicatorSource source = new IndicatorSource(SourceFormat.valueOf(rs.getString("format")), rs.getString("origin"), rs.getString("location"));
        IndicatorType type = IndicatorType.valueOf(rs.getString("type"));
        String value = rs.getString("indicator_value");
        long expires = rs.getLong("expires_ms");
        Instant expiry = rs.wasNull() ? null : Instant.ofEpochMilli(expires);
        List<String> tags;
        try {
            tags = Arrays.asList(JSON.readValue(rs.getString("tags_json"), String[].class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("indicator " + id + ": stored tags are not valid JSON", e);
        }
        String description = rs.getString("description");
        IndicatorAction action = IndicatorAction.valueOf(rs.getString("action"));
        if (type == IndicatorType.STIX_PATTERN) {
            try {
                return StixBundleReader.fromPattern(id, source, value, tags, description).withAction(action).withExpiry(expiry);
            } catch (StixPatternException e) {
                throw new SQLException("indicator " + id + ": stored STIX pattern no longer parses: " + e.getMessage(), e);
            }
        }
        return new Indicator(id, source, type, value, ConditionCodec.read(rs.getString("condition_json")), null, action, expiry, tags, description);
    }

    private static IllegalStateException failure(String what, Exception e) {
        return new IllegalStateException("cannot " + what + ": " + e.getMessage(), e);
    }
}
