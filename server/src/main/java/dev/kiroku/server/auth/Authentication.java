package dev.kiroku.server.auth;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks every REST request: HTTP Basic credentials of a known user, and a role that allows the
 * request. Reads need viewer; changes to detection (alerts, rules, exceptions) need analyst; fleet
 * management (tokens, revocation, commands, users) needs admin.
 */
public final class Authentication {
    private static final String USER = "kiroku.user";

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

    /** Runs before every route. */
    public void check(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            ctx.header("WWW-Authenticate", "Basic realm=\"kiroku\"");
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
            ctx.header("WWW-Authenticate", "Basic realm=\"kiroku\"");
            throw new Refused(401, "unknown user or wrong password");
        }
        Role needed = needed(ctx.method(), ctx.path());
        if (!role.get().allows(needed)) {
            throw new Refused(403, "user " + decoded.substring(0, colon) + " is " + role.get().label() + "; this needs " + needed.label());
        }
        ctx.attribute(USER, decoded.substring(0, colon));
    }

    static Role needed(HandlerType method, String path) {
        if (method == HandlerType.GET || method == HandlerType.HEAD) {
            return path.startsWith("/api/v1/audit") || path.startsWith("/api/v1/users") ? Role.ADMIN : Role.VIEWER;
        }
        if (path.startsWith("/api/v1/alerts") || path.startsWith("/api/v1/rules") || path.startsWith("/api/v1/exceptions")) {
            return Role.ANALYST;
        }
        return Role.ADMIN;
    }

    /** The authenticated user of a request. */
    public static String user(Context ctx) {
        String user = ctx.attribute(USER);
        return user == null ? "unknown" : user;
    }
}
