package dev.kiroku.cli;

import dev.kiroku.response.ActionResult;
import dev.kiroku.response.Outcome;
import dev.kiroku.response.isolation.LocalRelease;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ./kiroku agent release}: ends this machine's network isolation without the server, for the person at the
 * machine who knows the admin secret (set with the isolation or with {@code --release-secret-file}).
 */
@Command(name = "release", mixinStandardHelpOptions = true,
        description = "Release this machine's network isolation locally (works while the server is unreachable).")
final class AgentRelease implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "the agent's data directory (default: var/agent)")
    Path data;

    @Option(names = "--secret", interactive = true, arity = "0..1",
            description = "the admin secret; without a value it is asked for without echo")
    char[] secret;

    @Option(names = "--secret-file", paramLabel = "FILE", description = "read the admin secret from the first line of FILE")
    Path secretFile;

    @Override
    public Integer call() {
        Path dir = data != null ? data.toAbsolutePath() : Home.dataDirectory().resolve("agent");
        char[] given;
        try {
            given = secretFile != null ? firstLine(secretFile) : secret;
        } catch (IOException e) {
            System.err.println("kiroku agent release: cannot read " + secretFile + ": " + e.getMessage());
            return 1;
        }
        if (given == null || given.length == 0) {
            System.err.println("kiroku agent release: give the admin secret with --secret or --secret-file FILE");
            return 2;
        }
        ActionResult result = LocalRelease.release(dir.resolve("response"), given);
        java.util.Arrays.fill(given, '\0');
        if (result.outcome() == Outcome.FAILED) {
            System.err.println("kiroku agent release: " + result.detail());
            return 1;
        }
        System.out.println(result.detail());
        return 0;
    }

    /** Stores the hash of the secret in FILE as this agent's admin secret. */
    static void setSecret(Path agentData, Path file) throws IOException {
        char[] secret = firstLine(file);
        try {
            LocalRelease.setSecret(agentData.resolve("response"), secret);
        } finally {
            java.util.Arrays.fill(secret, '\0');
        }
    }

    private static char[] firstLine(Path file) throws IOException {
        String line = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
        return line.toCharArray();
    }
}
