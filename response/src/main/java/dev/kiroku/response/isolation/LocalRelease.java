package dev.kiroku.response.isolation;

import dev.kiroku.response.ActionResult;
import dev.kiroku.response.nft.Nft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Release of an isolation by the person at the machine, without the server (it may be unreachable, the
 * endpoint being isolated). The secret is either the one the server set with the isolation
 * ({@code release_secret}) or the agent's own admin secret, set at enrolment or from the agent's
 * configuration ({@code --release-secret-file}); only its salted PBKDF2 hash is kept, in
 * {@code <response state>/release-secret} (root-only).
 */
public final class LocalRelease {
    private static final String SECRET_FILE = "release-secret";
    private static final String STATE_FILE = "isolation.json";

    private LocalRelease() {
    }

    /** Keeps the hash of the agent's admin secret; the secret must have at least 12 characters. */
    public static void setSecret(Path stateDirectory, char[] secret) throws IOException {
        if (secret.length < 12) throw new IllegalArgumentException("the release secret must have at least 12 characters");
        Files.createDirectories(stateDirectory);
        Path tmp = Files.createTempFile(stateDirectory, SECRET_FILE, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, ReleaseSecret.hash(secret), StandardCharsets.US_ASCII);
        Files.move(tmp, stateDirectory.resolve(SECRET_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The stored hash of the agent's admin secret, or null when none was set. */
    static String storedSecret(Path stateDirectory) throws IOException {
        Path file = stateDirectory.resolve(SECRET_FILE);
        return Files.exists(file) ? Files.readString(file, StandardCharsets.US_ASCII).strip() : null;
    }

    /** Releases the isolation recorded under the agent's response state directory when the secret matches. */
    public static ActionResult release(Path stateDirectory, char[] secret) {
        return release(stateDirectory, secret, Nft.system());
    }

    /** The same, with the nft of a given network namespace (tests). */
    public static ActionResult release(Path stateDirectory, char[] secret, Nft nft) {
        String agentSecret;
        try {
            agentSecret = storedSecret(stateDirectory);
        } catch (IOException e) {
            return ActionResult.failed(NetworkIsolation.RELEASE, "endpoint", "cannot read the agent's release secret: " + e.getMessage());
        }
        return new NetworkIsolation(nft, new IsolationStateFile(stateDirectory.resolve(STATE_FILE)))
                .releaseLocally(secret, agentSecret);
    }
}
