package dev.kiroku.cli;

import dev.kiroku.server.auth.CredentialsFile;

import java.nio.file.Path;

/**
 * The REST credentials the commands send: the file named by {@code $KIROKU_CREDENTIALS} (or the
 * system property {@code kiroku.credentials}), else the first admin's file the server wrote in its
 * data directory ({@code var/server/credentials}). The file holds {@code user:password}.
 */
final class Credentials {
    private Credentials() {
    }

    static Path file() {
        String env = System.getenv("KIROKU_CREDENTIALS");
        if (env != null && !env.isBlank()) return Path.of(env);
        String property = System.getProperty("kiroku.credentials");
        if (property != null && !property.isBlank()) return Path.of(property);
        return Home.dataDirectory().resolve("server/credentials");
    }

    /**
     * The CA certificate that signed the server's HTTPS certificate: {@code $KIROKU_CA} (or the system property
     * {@code kiroku.ca}), else {@code pki/ca.crt} in the server data directory the credentials file is in.
     */
    static Path caCertificate() {
        String env = System.getenv("KIROKU_CA");
        if (env != null && !env.isBlank()) return Path.of(env);
        String property = System.getProperty("kiroku.ca");
        if (property != null && !property.isBlank()) return Path.of(property);
        return file().toAbsolutePath().resolveSibling("pki").resolve("ca.crt");
    }

    /** The Authorization header value, or null when there is no readable credentials file. */
    static String authorization() {
        return CredentialsFile.authorization(file());
    }
}
