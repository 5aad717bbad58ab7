package dev.kiroku.response.isolation;

import java.time.Instant;
import java.util.List;

/**
 * What the state file says: whether the endpoint is isolated, the endpoints it may still reach,
 * since when, who asked, and the hash of the local release secret (null when none was set).
 */
public record IsolationState(boolean isolated, List<String> allowed, Instant since, String requestedBy,
                             String releaseSecretHash) {
    public IsolationState {
        allowed = allowed == null ? List.of() : List.copyOf(allowed);
    }

    public static IsolationState released() {
        return new IsolationState(false, List.of(), null, null, null);
    }
}
