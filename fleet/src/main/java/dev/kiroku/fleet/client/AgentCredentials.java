package dev.kiroku.fleet.client;

import dev.kiroku.fleet.pki.Pem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What an enrolled agent keeps in {@code <data>/fleet/}: its private key (never sent anywhere), its
 * certificate, the server CA's certificate and the server address it enrolled with.
 */
public record AgentCredentials(Path directory) {

    public Path key() {
        return directory.resolve("agent.key");
    }

    public Path certificate() {
        return directory.resolve("agent.crt");
    }

    public Path caCertificate() {
        return directory.resolve("ca.crt");
    }

    private Path serverFile() {
        return directory.resolve("server");
    }

    public boolean enrolled() {
        return Files.exists(key()) && Files.exists(certificate()) && Files.exists(caCertificate());
    }

    public String server() throws IOException {
        return Files.exists(serverFile()) ? Files.readString(serverFile(), StandardCharsets.UTF_8).trim() : null;
    }

    void rememberServer(String address) throws IOException {
        Pem.write(serverFile(), address + "\n", false);
    }

    /** Forgets the enrolment (after the server revoked it, or to enrol again). */
    public void delete() throws IOException {
        for (Path file : new Path[]{key(), certificate(), caCertificate(), serverFile()}) Files.deleteIfExists(file);
    }
}
