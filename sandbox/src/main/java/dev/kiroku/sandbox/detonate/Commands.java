package dev.kiroku.sandbox.detonate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short host commands (ip, mount) and fails with their output when they fail. */
final class Commands {
    private Commands() {
    }

    /**
     * Runs a command to its end even when the calling thread was interrupted (set-up and clean-up
     * must not be cut short); the interrupt is kept for the caller.
     */
    static void run(String... command) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            runToEnd(command);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static void runToEnd(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no answer in 20 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + ": interrupted");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.exitValue() != 0)
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output);
    }

    static void run(List<String> command) throws IOException {
        run(command.toArray(String[]::new));
    }
}
