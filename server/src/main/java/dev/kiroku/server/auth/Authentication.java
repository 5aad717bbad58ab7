package dev.kiroku.server.auth;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks every REST request: HTTP Basic credentials of a known user (scripts, the CLI) or a console session cookie
 * with its CSRF token on state-changing requests (browsers; {@link ConsoleSessions}), and a role that allows the
 * request. Reads need viewer; acting (triage, rules, exceptions, incidents, indicators, the sandbox, the block
 * list, commands to endpoints) needs analyst; fleet management (tokens, revocation, users, audit) needs admin.
 */
public final class Authentication {
    private static final String USER = "kiroku.user";
    private static final String CONSOLE = "kiroku-console";
    /** Changes an analyst may make: triage and detection content, investigations, indicators, analyses, response. */
    private static final java.util.List<String> ANALYST_ACTIONS = java.util.List.of("/api/v1/alerts", "/api/v1/rules",
            "/api/v1/exceptions", "/api/v1/incidents", "/api/v1/investigate", "/api/v1/indicators", "/api/v1/sandbox",
            "/api/v1/response", "/api/v1/blocklist", "/api/v1/commands", "/api/v1/yara", "/api/v1/inventory");

    private static final String SESSION_PATH = "/api/v1/session";

    private final Users users;
    private final ConsoleSessions sessions;

    /** Console sessions in memory only (a restart signs everyone out). */
    public Authentication(Users users) {
        this(users, new ConsoleSessions(java.time.InstantSource.system()));
    }

    /** @param sessions the console's sessions, e.g. kept in the server's data directory to survive restarts */
    public Authentication(Users users, ConsoleSessions sessions) {
        this.users = users;
        this.sessions = sessions;
    }

    /**
     * The console's sign-in: {@code POST /api/v1/session} with {@code {"user", "password"}} sets the session cookie and
     * answers {@code {"user", "role", "csrf_token"}}; {@code GET} answers the same for the current session;
     * {@code DELETE} signs out.
     */
    public void register(io.javalin.config.JavalinConfig config) {
        config.routes.post(SESSION_PATH, this::signIn);
        config.routes.get(SESSION_PATH, ctx -> {
            ConsoleSessions.Session session = session(ctx);
            json(ctx, 200, view(session, currentRole(ctx, session)));
        });
        config.routes.delete(SESSION_PATH, ctx -> {
            sessions.close(ctx.cookie(ConsoleSessions.COOKIE));
            ctx.removeCookie(ConsoleSessions.COOKIE, "/");
            ctx.status(204);
        });
    }

    private void signIn(Context ctx) throws com.fasterxml.jackson.core.JsonProcessingException {
        com.fasterxml.jackson.databind.JsonNode body;
        try {
            body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ctx.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        }
        String user = body == null ? "" : body.path("user").asText("");
        Optional<Role> role = users.authenticate(user, body == null ? "" : body.path("password").asText(""));
        if (role.isEmpty()) throw new Refused(401, "unknown user or wrong password");
        var opened = sessions.open(user, role.get());
        ctx.header("Set-Cookie", ConsoleSessions.COOKIE + "=" + opened.getKey() + "; Path=/; HttpOnly; SameSite=Strict"
                + (ctx.scheme().equals("https") ? "; Secure" : ""));
        json(ctx, 201, view(opened.getValue(), opened.getValue().role()));
    }

    private static void json(Context ctx, int status, Object body) throws com.fasterxml.jackson.core.JsonProcessingException {
        ctx.status(status).contentType("application/json").result(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(body));
    }

    private static java.util.Map<String, Object> view(ConsoleSessions.Session s, Role role) {
        return java.util.Map.of("user", s.user(), "role", role.label(), "csrf_token", s.csrfToken());
    }

    /** The session user's role as it is now: a role change applies at once; a user who no longer exists is signed out. */
    private Role currentRole(Context ctx, ConsoleSessions.Session session) {
        return users.role(session.user()).orElseThrow(() -> {
            sessions.close(ctx.cookie(ConsoleSessions.COOKIE));
            return new Refused(401, "user " + session.user() + " no longer exists; sign in again");
        });
    }

    private ConsoleSessions.Session session(Context ctx) {
        return sessions.use(ctx.cookie(ConsoleSessions.COOKIE)).orElseThrow(() -> {
            challenge(ctx);
            return new Refused(401, "the console session ended; sign in again");
        });
    }

    /** Refusal of a request: 401 (who are you?) or 403 (not allowed). */
    public static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** Runs before every route. The console's own files are public; everything under /api/ needs a user. */
    public void check(Context ctx) {
        if (!ctx.path().startsWith("/api/")) return;
        String header = ctx.header("Authorization");
        if (ctx.path().equals(SESSION_PATH)) return;     // signs in with a password, or reads/ends its own session
        if (header == null && ctx.cookie(ConsoleSessions.COOKIE) != null) {
            ConsoleSessions.Session session = session(ctx);
            boolean reads = ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD;
            if (!reads && !ConsoleSessions.csrfMatches(session, ctx.header(ConsoleSessions.CSRF_HEADER))) {
                throw new Refused(403, "missing or wrong " + ConsoleSessions.CSRF_HEADER + " header for this console session");
            }
            Role needed = needed(ctx.method(), ctx.path());
            Role now = currentRole(ctx, session);
            if (!now.allows(needed)) {
                throw new Refused(403, "user " + session.user() + " is " + now.label() + "; this needs " + needed.label());
            }
            ctx.attribute(USER, session.user());
            return;
        }
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            challenge(ctx);
            throw new Refused(401, "authentication required: HTTP Basic with a Kiroku user (the first admin's password is in the server's data directory, file 'credentials')");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refused(401, "the Authorization header is not valid base64");
        }
        int colon = decoded.indexOf(':');
        Optional<Role> role = colon < 0 ? Optional.empty() : users.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
        if (role.isEmpty()) {
            challenge(ctx);
            throw new Refused(401, "unknown user or wrong password");
        }
        Role needed = needed(ctx.method(), ctx.path());
        if (!role.get().allows(needed)) {
            throw new Refused(403, "user " + decoded.substring(0, colon) + " is " + role.get().label() + "; this needs " + needed.label());
        }
        ctx.attribute(USER, decoded.substring(0, colon));
    }

    /**
     * Asks for Basic credentials, except from the web console, which signs in with its own form (a browser
     * would otherwise show its native login dialog over the console).
     */
    private static void challenge(Context ctx) {
        if (!CONSOLE.equals(ctx.header("X-Requested-With"))) ctx.header("WWW-Authenticate", "Basic realm=\"kiroku\"");
    }

    static Role needed(HandlerType method, String path) {
        if (method == HandlerType.GET || method == HandlerType.HEAD) {
            return path.startsWith("/api/v1/audit") || path.startsWith("/api/v1/users") ? Role.ADMIN : Role.VIEWER;
        }
        if (ANALYST_ACTIONS.stream().anyMatch(path::startsWith)) return Role.ANALYST;
        return Role.ADMIN;
    }

    /** The authenticated user of a request. */
    public static String user(Context ctx) {
        String user = ctx.attribute(USER);
        return user == null ? "unknown" : user;
    }
}
