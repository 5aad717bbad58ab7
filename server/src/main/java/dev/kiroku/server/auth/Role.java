package dev.kiroku.server.auth;

/** What a user may do: each role may do everything the roles below it may. */
public enum Role {
    /** Reads events, alerts, endpoints. */
    VIEWER,
    /** Also triages alerts and manages rules and exceptions. */
    ANALYST,
    /** Also manages the fleet: tokens, revocation, commands, users. */
    ADMIN;

    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** @throws IllegalArgumentException naming the roles there are */
    public static Role parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("role must be admin, analyst or viewer, not '" + text + "'");
        }
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
