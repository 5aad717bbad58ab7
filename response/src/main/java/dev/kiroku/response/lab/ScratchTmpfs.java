package dev.kiroku.response.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A private tmpfs mounted on a new temporary directory, so a fanotify filesystem mark in a test
 * covers only files the test put there and never the rest of the machine. Unmounted on close.
 */
public final class ScratchTmpfs implements AutoCloseable {
    private final Path dir;

    public ScratchTmpfs() throws IOException {
        dir = Files.createTempDirectory("kiroku-resp-fs-");
        run("mount", "-t", "tmpfs", "-o", "size=64m,mode=0755", "kiroku-resp-test", dir.toString());
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        try {
            run("umount", dir.toString());
        } catch (IOException busy) {
            run("umount", "-l", dir.toString());
        }
        Files.deleteIfExists(dir);
    }

    private static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
