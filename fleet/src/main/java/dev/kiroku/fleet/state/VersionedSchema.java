package dev.kiroku.fleet.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A database schema as numbered steps; a version table records the steps applied, each step runs in
 * its own transaction. Standard SQL only, so another database can run the same steps. Used by the
 * fleet state and by the alert store.
 *
 * @param database     what the database holds, for error messages ("alert", "state")
 * @param versionTable the table recording applied steps
 * @param steps        in ascending version order
 */
public record VersionedSchema(String database, String versionTable, List<Step> steps) {

    /** One schema version: the statements that bring the previous version to this one. */
    public record Step(int version, List<String> statements) {
        public Step {
            statements = List.copyOf(statements);
        }
    }

    public VersionedSchema {
        steps = List.copyOf(steps);
        if (!versionTable.matches("[a-z_]+")) throw new IllegalArgumentException("bad version table name " + versionTable);
    }

    /** The newest schema version this build knows. */
    public int latest() {
        return steps.getLast().version();
    }

    /** Applies the steps the database has not seen. */
    public void apply(Connection connection, Instant now) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + versionTable
                    + " (version INTEGER PRIMARY KEY, applied TIMESTAMP(9) WITH TIME ZONE NOT NULL)");
        }
        int current = current(connection);
        if (current > latest()) {
            throw new SQLException("the " + database + " database has schema version " + current
                    + ", newer than this server knows (" + latest() + "); use a newer Kiroku");
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            for (Step step : steps) {
                if (step.version() <= current) continue;
                try (Statement s = connection.createStatement()) {
                    for (String sql : step.statements()) s.execute(sql);
                }
                try (PreparedStatement p = connection.prepareStatement("INSERT INTO " + versionTable + " (version, applied) VALUES (?, ?)")) {
                    p.setInt(1, step.version());
                    p.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                    p.executeUpdate();
                }
                connection.commit();
            }
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    public int current(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet r = s.executeQuery("SELECT MAX(version) FROM " + versionTable)) {
            r.next();
            return r.getInt(1);
        }
    }
}
