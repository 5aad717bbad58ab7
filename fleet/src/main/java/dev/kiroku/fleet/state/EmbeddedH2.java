package dev.kiroku.fleet.state;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The one place the server's embedded H2 file databases get their JDBC URL, so every one of them (state, alerts,
 * indicators, investigation, inventory scans, YARA sweeps, console sessions, response policies, block list) opens
 * with the same settings:
 * <ul>
 *   <li>{@code DB_CLOSE_ON_EXIT=FALSE}: the server closes its databases itself, in its shutdown order.</li>
 *   <li>{@code AUTO_COMPACT_FILL_RATE=0}: no compaction by H2's background writer. In H2 2.5.252 that compaction
 *   (moving and rewriting chunks while commits go on) can mark the newest chunk dead and free it before the next
 *   chunk is serialized; the serializer then finds no last chunk, panics ({@code NullPointerException} in
 *   {@code FileStore.serializeAndStore}) and the database closes itself for good. A database reopened after it
 *   sat idle longer than H2's retention time (every chunk old enough to compact) hit it on its first writes.
 *   H2 still compacts for up to {@code MAX_COMPACT_TIME} when the database closes, with no writer running.</li>
 * </ul>
 * H2 writes commits to its file within a write delay (500 ms by default): a server killed (SIGKILL, power) within it
 * forgets them. The databases whose every write is something a person did (console sessions, block list, response
 * policies, indicators, YARA sweeps, inventory scans) open with {@link #writtenAtCommit}; those that the ingest also
 * writes per event or per agent (state, alerts, investigation) keep the delay and write a person's changes and new
 * alerts to the file at once ({@link #writeToFileNow}, about a millisecond; the state store's own {@code durable()}).
 */
public final class EmbeddedH2 {
    private static final String SETTINGS = ";DB_CLOSE_ON_EXIT=FALSE;AUTO_COMPACT_FILL_RATE=0";

    private EmbeddedH2() {
    }

    /** The URL of the database whose file is {@code <base>.mv.db}. */
    public static String url(Path base) {
        return "jdbc:h2:file:" + base.toAbsolutePath() + SETTINGS;
    }

    /** The URL of a database whose commits are in its file when they return ({@code WRITE_DELAY=0}). */
    public static String writtenAtCommit(Path base) {
        return url(base) + ";WRITE_DELAY=0";
    }

    /** Writes what is committed to the database's file now ({@code CHECKPOINT}), whatever its write delay. */
    public static void writeToFileNow(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CHECKPOINT");
        }
    }

    /** {@link #url(Path)} with more settings, each {@code ;NAME=VALUE}. */
    public static String url(Path base, String moreSettings) {
        return url(base) + moreSettings;
    }
}
