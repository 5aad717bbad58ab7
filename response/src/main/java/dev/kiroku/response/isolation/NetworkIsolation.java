package dev.kiroku.response.isolation;

import dev.kiroku.response.ActionResult;
import dev.kiroku.response.nft.Endpoint;
import dev.kiroku.response.nft.Nft;
import dev.kiroku.response.nft.NftException;

import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Network isolation of this endpoint: applies and removes {@link IsolationRuleset}'s table and
 * keeps {@link IsolationState} on disk, so the agent re-applies it on start
 * ({@link #reapplyOnStart()}) until it is released, by the server or locally with the admin secret.
 *
 * <p>Every change is all-or-nothing: the ruleset goes in one nft transaction, and when the state
 * file cannot follow, the ruleset is rolled back, so the network and the file always agree.
 * Methods are synchronized: one change at a time.
 */
public final class NetworkIsolation {
    public static final String ISOLATE = "isolate";
    public static final String RELEASE = "release";
    private static final String TARGET = "endpoint";

    private final Nft nft;
    private final IsolationStateFile stateFile;

    public NetworkIsolation(Nft nft, IsolationStateFile stateFile) {
        this.nft = nft;
        this.stateFile = stateFile;
    }

    /**
     * Isolates the endpoint, leaving only loopback and {@code allowed} reachable.
     *
     * @param releaseSecret the secret for a local release, or null to keep the one already set
     */
    public synchronized ActionResult isolate(List<Endpoint> allowed, char[] releaseSecret, String requestedBy) {
        if (allowed.isEmpty()) {
            return ActionResult.failed(ISOLATE, TARGET,
                    "no allowed endpoint given: the Kiroku server address:port must stay reachable; network unchanged");
        }
        List<String> wanted = allowed.stream().map(Endpoint::toString).toList();
        IsolationState previous;
        try {
            previous = stateFile.load();
        } catch (IOException e) {
            return ActionResult.failed(ISOLATE, TARGET, e.getMessage() + "; network unchanged");
        }
        String secretHash = releaseSecret != null ? ReleaseSecret.hash(releaseSecret) : previous.releaseSecretHash();
        try {
            if (previous.isolated() && new HashSet<>(previous.allowed()).equals(new HashSet<>(wanted))
                    && nft.tableExists(IsolationRuleset.FAMILY, IsolationRuleset.TABLE) && releaseSecret == null) {
                return ActionResult.already(ISOLATE, TARGET, "already isolated since " + previous.since(),
                        Map.of("allowed", wanted));
            }
            nft.apply(IsolationRuleset.script(allowed));
        } catch (NftException e) {
            return ActionResult.failed(ISOLATE, TARGET, e.getMessage() + "; network unchanged");
        }
        IsolationState next = new IsolationState(true, wanted, Instant.now(), requestedBy, secretHash);
        try {
            stateFile.save(next);
        } catch (IOException e) {
            String rollback = restore(previous);
            return ActionResult.failed(ISOLATE, TARGET, "cannot write the isolation state file " + stateFile.path()
                    + ": " + e.getMessage() + "; " + rollback);
        }
        return ActionResult.done(ISOLATE, TARGET, "isolated: only loopback and " + String.join(", ", wanted)
                + " are reachable", Map.of("allowed", wanted));
    }

    /** Removes the isolation table and the saved state. */
    public synchronized ActionResult release(String requestedBy) {
        IsolationState state;
        boolean present;
        try {
            state = stateFile.load();
            present = nft.tableExists(IsolationRuleset.FAMILY, IsolationRuleset.TABLE);
        } catch (IOException | NftException e) {
            return ActionResult.failed(RELEASE, TARGET, e.getMessage() + "; isolation unchanged");
        }
        if (!present && !state.isolated()) {
            return ActionResult.already(RELEASE, TARGET, "not isolated");
        }
        if (present) {
            try {
                nft.command("delete", "table", IsolationRuleset.FAMILY, IsolationRuleset.TABLE);
            } catch (NftException e) {
                return ActionResult.failed(RELEASE, TARGET, e.getMessage() + "; isolation unchanged");
            }
        }
        try {
            stateFile.save(IsolationState.released());
        } catch (IOException e) {
            String rollback = restore(state);
            return ActionResult.failed(RELEASE, TARGET, "cannot write the isolation state file " + stateFile.path()
                    + ": " + e.getMessage() + "; " + rollback);
        }
        return ActionResult.done(RELEASE, TARGET, "released by " + requestedBy + ": network access restored");
    }

    /** Release by the person at the machine, who must know the secret set with the isolation. */
    public ActionResult releaseLocally(char[] secret) {
        return releaseLocally(secret, null);
    }

    /**
     * Release by the person at the machine, who must know the secret set with the isolation or the agent's
     * own admin secret ({@code agentSecretHash}, null when none; see {@link LocalRelease}).
     */
    public ActionResult releaseLocally(char[] secret, String agentSecretHash) {
        IsolationState state;
        try {
            state = stateFile.load();
        } catch (IOException e) {
            return ActionResult.failed(RELEASE, TARGET, e.getMessage());
        }
        if (!state.isolated()) {
            return ActionResult.already(RELEASE, TARGET, "not isolated");
        }
        if (state.releaseSecretHash() == null && agentSecretHash == null) {
            return ActionResult.failed(RELEASE, TARGET, "no local release secret was set with this isolation or for this agent; "
                    + "only the server can release it");
        }
        boolean matches = state.releaseSecretHash() != null && ReleaseSecret.matches(secret, state.releaseSecretHash())
                || agentSecretHash != null && ReleaseSecret.matches(secret, agentSecretHash);
        if (!matches) {
            return ActionResult.failed(RELEASE, TARGET, "wrong release secret; isolation unchanged");
        }
        return release("local-admin");
    }

    /**
     * Called when the agent starts: when the saved state says isolated, the ruleset is applied again
     * (the table does not survive a reboot, and someone may have flushed it).
     */
    public synchronized ActionResult reapplyOnStart() {
        IsolationState state;
        try {
            state = stateFile.load();
        } catch (IOException e) {
            return ActionResult.failed(ISOLATE, TARGET, e.getMessage());
        }
        if (!state.isolated()) {
            return ActionResult.already(ISOLATE, TARGET, "not isolated: nothing to re-apply");
        }
        try {
            nft.apply(IsolationRuleset.script(state.allowed().stream().map(Endpoint::parse).toList()));
        } catch (NftException | IllegalArgumentException e) {
            return ActionResult.failed(ISOLATE, TARGET, "re-applying the saved isolation failed: " + e.getMessage());
        }
        return ActionResult.done(ISOLATE, TARGET, "isolation re-applied on start (isolated since " + state.since() + ")",
                Map.of("allowed", state.allowed()));
    }

    /** For the inventory: what the state file says and whether the table is really in force. */
    public IsolationStatus status() {
        try {
            IsolationState state = stateFile.load();
            boolean present = nft.tableExists(IsolationRuleset.FAMILY, IsolationRuleset.TABLE);
            return new IsolationStatus(state.isolated(), present, state.allowed(), state.since(), null);
        } catch (IOException | NftException e) {
            return new IsolationStatus(false, false, List.of(), null, e.getMessage());
        }
    }

    /** Puts the ruleset back the way {@code state} describes it; returns what happened, for the message. */
    private String restore(IsolationState state) {
        try {
            if (state.isolated()) {
                nft.apply(IsolationRuleset.script(state.allowed().stream().map(Endpoint::parse).toList()));
            } else if (nft.tableExists(IsolationRuleset.FAMILY, IsolationRuleset.TABLE)) {
                nft.command("delete", "table", IsolationRuleset.FAMILY, IsolationRuleset.TABLE);
            }
            return "ruleset rolled back, network as before";
        } catch (NftException | IllegalArgumentException e) {
            return "rolling the ruleset back failed too: " + e.getMessage();
        }
    }

    /** Isolation as the inventory shows it; {@code error} is set when the state could not be read. */
    public record IsolationStatus(boolean isolated, boolean tableInForce, List<String> allowed, Instant since,
                                  String error) {
    }
}
