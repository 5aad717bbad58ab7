package dev.kiroku.investigate.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Small JDBC helpers shared by the repositories. */
public final class Sql {
    private Sql() {
    }

    public static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant instant(Object column) {
        return switch (column) {
            case null -> null;
            case OffsetDateTime o -> o.toInstant();
            case Timestamp t -> t.toInstant();
            case java.time.ZonedDateTime z -> z.toInstant();
            default -> throw new IllegalStateException("not a time: " + column.getClass());
        };
    }

    /**
     * Writes what is committed to the database file now. Embedded H2 writes commits to its file within its write
     * delay (500 ms): an analyst's work committed just before the server is killed would be lost without this.
     * About a millisecond: for the writes people make, not for the ones the ingest makes per event.
     */
    public static void writeToFileNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        }
    }

    /** A database failure as an unchecked exception naming what was being done. */
    public static IllegalStateException failure(String doing, SQLException e) {
        return new IllegalStateException(doing + ": " + e.getMessage(), e);
    }
}
