package dev.kiroku.server.auth;

import dev.kiroku.fleet.pki.Pem;
import dev.kiroku.fleet.state.StateStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users of the REST API. On the first start the server creates the user {@code admin} with a
 * random password, prints it once and writes it to {@code <data>/credentials} (mode 0600) for the
 * command line on this machine; the database keeps only a PBKDF2 hash. Verified credentials are
 * remembered by a SHA-256 of them, so each request does not pay the PBKDF2 cost.
 */
public final class Users {
    public static final String FIRST_ADMIN = "admin";

    private final StateStore state;
    private final InstantSource clock;
    private final Map<String, Role> verified = new ConcurrentHashMap<>();
    private final Map<String, Role> roles = new ConcurrentHashMap<>();

    public Users(StateStore state, InstantSource clock) {
        this.state = state;
        this.clock = clock;
    }

    /** Creates the first admin if there is no user yet; returns its password, or empty. */
    public Optional<String> bootstrap(Path credentialsFile) throws IOException {
        if (state.userCount() > 0) return Optional.empty();
        String password = PasswordHash.randomPassword();
        state.putUser(new StateStore.User(FIRST_ADMIN, Role.ADMIN.label(), PasswordHash.hash(password)));
        Pem.write(credentialsFile, FIRST_ADMIN + ":" + password + "\n", true);
        state.audit("server", "user.create", FIRST_ADMIN + " (admin, first start)", clock.instant());
        return Optional.of(password);
    }

    /** The user's role if the password is right. */
    public Optional<Role> authenticate(String name, String password) {
        String key = digest(name + "\u0000" + password);
        Role known = verified.get(key);
        if (known != null) return Optional.of(known);
        Optional<StateStore.User> user = state.user(name);
        if (user.isEmpty() || !PasswordHash.matches(password, user.get().passwordHash())) return Optional.empty();
        Role role = Role.parse(user.get().role());
        verified.put(key, role);
        return Optional.of(role);
    }

    /**
     * The user's role now, as the state store holds it (cached until a user is created or replaced), so a console
     * session follows a role change at its next request; empty for an unknown user.
     */
    public Optional<Role> role(String name) {
        Role cached = roles.get(name);
        if (cached != null) return Optional.of(cached);
        Optional<Role> role = state.user(name).map(user -> Role.parse(user.role()));
        role.ifPresent(r -> roles.put(name, r));
        return role;
    }

    /** Creates or replaces a user. */
    public void put(String name, Role role, String password, String actor) {
        if (!name.matches("[A-Za-z0-9._@-]{1,100}")) throw new IllegalArgumentException("user name must be 1-100 of letters, digits, . _ @ -");
        if (password.length() < 12) throw new IllegalArgumentException("password must have at least 12 characters");
        state.putUser(new StateStore.User(name, role.label(), PasswordHash.hash(password)));
        verified.clear();
        roles.clear();
        state.audit(actor, "user.put", name + " (" + role.label() + ")", clock.instant());
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
