package dev.kiroku.server.auth;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks every REST request: HTTP Basic credentials of a known user, and a role that allows the
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

    private final Users users;

    public Authentication(Users users) {
        this.users = users;
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
