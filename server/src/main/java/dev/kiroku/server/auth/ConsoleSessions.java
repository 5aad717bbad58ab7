package dev.kiroku.server.auth;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions of the web console: a random session id (sent as an HttpOnly, SameSite=Strict cookie) and a
 * random CSRF token the page must echo in {@code X-CSRF-Token} on every state-changing request, so another site can
 * neither read the id nor forge a request with it. Kept in memory: a server restart signs everyone out. A session
 * ends after {@link #IDLE} without a request or at sign-out. The role is the one the user had at sign-in.
 */
public final class ConsoleSessions {
    public static final String COOKIE = "kiroku_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    static final Duration IDLE = Duration.ofHours(8);
    private static final int MAX_SESSIONS = 10_000;

    /** A signed-in browser. */
    public record Session(String user, Role role, String csrfToken, Instant lastUsed) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final InstantSource clock;

    public ConsoleSessions(InstantSource clock) {
        this.clock = clock;
    }

    /** Opens a session; returns its id (for the cookie) with the session (whose CSRF token the page keeps). */
    public Map.Entry<String, Session> open(String user, Role role) {
        expire();
        if (sessions.size() >= MAX_SESSIONS) throw new IllegalStateException("too many console sessions; try again later");
        String id = token();
        Session session = new Session(user, role, token(), clock.instant());
        sessions.put(id, session);
        return Map.entry(id, session);
    }

    /** The live session with this id, its idle time restarted; empty when unknown or expired. */
    public Optional<Session> use(String id) {
        if (id == null || id.isBlank()) return Optional.empty();
        Instant now = clock.instant();
        Session found = sessions.computeIfPresent(id, (k, s) ->
                Duration.between(s.lastUsed(), now).compareTo(IDLE) > 0 ? null : new Session(s.user(), s.role(), s.csrfToken(), now));
        return Optional.ofNullable(found);
    }

    public void close(String id) {
        if (id != null) sessions.remove(id);
    }

    /** Whether a request's CSRF header matches the session's token (in constant time). */
    public static boolean csrfMatches(Session session, String header) {
        return header != null && MessageDigest.isEqual(session.csrfToken().getBytes(), header.getBytes());
    }

    private void expire() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> Duration.between(s.lastUsed(), now).compareTo(IDLE) > 0);
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
