package dev.kiroku.server.auth;

import dev.kiroku.fleet.state.EmbeddedH2;
import org.h2.jdbcx.JdbcConnectionPool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions of the web console: a random session id (sent as an HttpOnly, SameSite=Strict cookie) and a
 * random CSRF token the page must echo in {@code X-CSRF-Token} on every state-changing request, so another site can
 * neither read the id nor forge a request with it. A session ends after {@link #IDLE} without a request or at
 * sign-out. The role is the one the user had at sign-in (the caller applies the user's current role).
 *
 * <p>Sessions are kept in an H2 database in the server's data directory, so a restarted server keeps everyone
 * signed in; it holds the SHA-256 of each session id, never the id, so a copy of the file opens no session. Memory
 * caches them; the last use is written at most once per {@link #TOUCH_EVERY}, so after a restart a session may live
 * up to that much longer than {@link #IDLE}. Sign-out deletes the row at once.
 */
public final class ConsoleSessions implements AutoCloseable {
    public static final String COOKIE = "kiroku_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    static final Duration IDLE = Duration.ofHours(8);
    static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final int MAX_SESSIONS = 10_000;

    /** A signed-in browser. */
    public record Session(String user, Role role, String csrfToken, Instant lastUsed) {
    }

    private final SecureRandom random = new SecureRandom();
    /** Session id hash → session, as used last. */
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Session id hash → the last use written to the database. */
    private final Map<String, Instant> written = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final JdbcConnectionPool database;

    /** Sessions in memory only: a restart signs everyone out. */
    public ConsoleSessions(InstantSource clock) {
        this.clock = clock;
        this.database = null;
    }

    /** Sessions kept in {@code <directory>/kiroku-sessions.mv.db}, surviving restarts. */
    public ConsoleSessions(Path directory, InstantSource clock) throws IOException {
        Files.createDirectories(directory);
        this.clock = clock;
        this.database = JdbcConnectionPool.create(EmbeddedH2.writtenAtCommit(directory.resolve("kiroku-sessions")), "sa", "");
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS console_session (
                      id_hash CHAR(64) PRIMARY KEY, user_name VARCHAR(100) NOT NULL, role VARCHAR(20) NOT NULL,
                      csrf_token VARCHAR(64) NOT NULL, last_used TIMESTAMP(9) WITH TIME ZONE NOT NULL)""");
        } catch (SQLException e) {
            database.dispose();
            throw new IOException("cannot open the console session database in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Opens a session; returns its id (for the cookie) with the session (whose CSRF token the page keeps). */
    public Map.Entry<String, Session> open(String user, Role role) {
        expire();
        if (sessions.size() >= MAX_SESSIONS) throw new IllegalStateException("too many console sessions; try again later");
        String id = token();
        Session session = new Session(user, role, token(), clock.instant());
        String key = hash(id);
        update("INSERT INTO console_session (id_hash, user_name, role, csrf_token, last_used) VALUES (?, ?, ?, ?, ?)",
                key, user, role.label(), session.csrfToken(), Timestamp.from(session.lastUsed()));
        sessions.put(key, session);
        written.put(key, session.lastUsed());
        return Map.entry(id, session);
    }

    /** The live session with this id, its idle time restarted; empty when unknown or expired. */
    public Optional<Session> use(String id) {
        if (id == null || id.isBlank()) return Optional.empty();
        String key = hash(id);
        Instant now = clock.instant();
        Session known = sessions.get(key);
        if (known == null) known = load(key).orElse(null);
        if (known == null) return Optional.empty();
        if (Duration.between(known.lastUsed(), now).compareTo(IDLE) > 0) {
            remove(key);
            return Optional.empty();
        }
        Session used = new Session(known.user(), known.role(), known.csrfToken(), now);
        sessions.put(key, used);
        Instant lastWritten = written.get(key);
        if (lastWritten == null || Duration.between(lastWritten, now).compareTo(TOUCH_EVERY) >= 0) {
            update("UPDATE console_session SET last_used = ? WHERE id_hash = ?", Timestamp.from(now), key);
            written.put(key, now);
        }
        return Optional.of(used);
    }

    /** Signs out: the session ends at once, in memory and in the database. */
    public void close(String id) {
        if (id != null && !id.isBlank()) remove(hash(id));
    }

    /** Whether a request's CSRF header matches the session's token (in constant time). */
    public static boolean csrfMatches(Session session, String header) {
        return header != null && MessageDigest.isEqual(session.csrfToken().getBytes(), header.getBytes());
    }

    private Optional<Session> load(String key) {
        if (database == null) return Optional.empty();
        try (Connection c = database.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT user_name, role, csrf_token, last_used FROM console_session WHERE id_hash = ?")) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) return Optional.empty();
                Instant lastUsed = r.getTimestamp(4).toInstant();
                Session session = new Session(r.getString(1), Role.parse(r.getString(2)), r.getString(3), lastUsed);
                written.put(key, lastUsed);
                return Optional.of(session);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("console session database: " + e.getMessage(), e);
        }
    }

    private void remove(String key) {
        sessions.remove(key);
        written.remove(key);
        update("DELETE FROM console_session WHERE id_hash = ?", key);
    }

    private void expire() {
        Instant oldest = clock.instant().minus(IDLE);
        sessions.entrySet().removeIf(e -> {
            boolean idle = e.getValue().lastUsed().isBefore(oldest);
            if (idle) written.remove(e.getKey());
            return idle;
        });
        update("DELETE FROM console_session WHERE last_used < ?", Timestamp.from(oldest.minus(TOUCH_EVERY)));
    }

    private void update(String sql, Object... parameters) {
        if (database == null) return;
        try (Connection c = database.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) p.setObject(i + 1, parameters[i]);
            p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("console session database: " + e.getMessage(), e);
        }
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String hash(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (database != null) database.dispose();
    }
}
