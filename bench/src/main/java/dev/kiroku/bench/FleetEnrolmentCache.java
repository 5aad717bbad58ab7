package dev.kiroku.bench;

import dev.kiroku.fleet.client.AgentCredentials;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where {@code bench fleet} keeps its server's identity (CA, state database with the enrolled agents,
 * first admin credentials) and its simulated agents' certificates between runs, so a run enrols only
 * agents it has not enrolled before: enrolment is measured once, not in every run. Each run still
 * starts its server on an empty event store and connects every agent with its certificate over
 * mutual TLS. Everything else the server keeps (events, its ingest log, alerts, incidents) is removed
 * before the server starts.
 *
 * <p>The directory is {@code -Dkiroku.bench.fleetCache=DIR}, else {@code $XDG_CACHE_HOME/kiroku/bench-fleet}
 * or {@code ~/.cache/kiroku/bench-fleet}. A run that finds it locked by another run works in its own
 * scratch directory and enrols everything.
 */
final class FleetEnrolmentCache implements AutoCloseable {
    /** What a server keeps in its data directory that the next run reuses. */
    private static final Set<String> KEPT = Set.of("pki", "credentials");

    private final Path root;
    private final FileChannel lockFile;
    private final FileLock lock;

    private FleetEnrolmentCache(Path root, FileChannel lockFile, FileLock lock) {
        this.root = root;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** The shared cache when no other run holds it, else a fresh one under {@code scratch}. */
    static FleetEnrolmentCache open(Path scratch) throws IOException {
        Path shared = configured();
        Files.createDirectories(shared);
        FileChannel channel = FileChannel.open(shared.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            return new FleetEnrolmentCache(Files.createDirectories(scratch.resolve("fleet-cache")), null, null);
        }
        FleetEnrolmentCache cache = new FleetEnrolmentCache(shared, channel, lock);
        cache.prepare();
        return cache;
    }

    private static Path configured() {
        String property = System.getProperty("kiroku.bench.fleetCache");
        if (property != null) return Path.of(property);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("kiroku").resolve("bench-fleet");
    }

    /** The server's data directory: identity and state kept, everything else removed. */
    Path serverData() {
        return root.resolve("server");
    }

    /** The credentials directory of simulated agent {@code id}. */
    Path agent(String id) {
        return root.resolve("agents").resolve(id);
    }

    /** Up to {@code wanted} agents enrolled with this server in earlier runs (their credentials are here). */
    List<String> enrolledAgents(int wanted) throws IOException {
        Path agents = root.resolve("agents");
        if (!Files.isDirectory(agents)) return List.of();
        try (Stream<Path> dirs = Files.list(agents)) {
            return dirs.filter(dir -> new AgentCredentials(dir).enrolled()).map(dir -> dir.getFileName().toString())
                    .sorted().limit(wanted).toList();
        }
    }

    private void prepare() throws IOException {
        Path server = serverData();
        if (!Files.isDirectory(server.resolve("pki"))) {
            // no server identity: certificates of earlier agents would be refused
            deleteTree(server);
            deleteTree(root.resolve("agents"));
            return;
        }
        try (Stream<Path> entries = Files.list(server)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!KEPT.contains(name) && !name.startsWith("state")) deleteTree(entry);
            }
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) return;
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(file);
        }
    }

    @Override
    public void close() throws IOException {
        if (lock != null) lock.release();
        if (lockFile != null) lockFile.close();
    }
}
