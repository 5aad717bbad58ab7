package dev.kiroku.response.execblock;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.kiroku.response.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SHA-256 hashes whose files may not run, each with an optional expiry and a reason, kept in a
 * JSON file so the agent enforces them across restarts and while the server is unreachable.
 * Lookups ({@link #contains}) are lock-free; changes are written to disk before they return.
 */
public final class HashBlockList {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** One block: why, and until when (null: until removed). */
    public record Entry(String reason, Instant expiresAt) {
    }

    private final Path file;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private HashBlockList(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** Loads the list from {@code file} (empty when the file does not exist yet). */
    public static HashBlockList load(Path file) throws IOException {
        return load(file, Clock.systemUTC());
    }

    static HashBlockList load(Path file, Clock clock) throws IOException {
        HashBlockList list = new HashBlockList(file, clock);
        if (Files.exists(file)) {
            try {
                list.entries.putAll(JSON.readValue(file.toFile(), new TypeReference<Map<String, Entry>>() { }));
            } catch (IOException e) {
                throw new IOException("hash block list " + file + " is unreadable: " + e.getMessage(), e);
            }
        }
        return list;
    }

    /**
     * Adds a block.
     *
     * @return false when the hash was already blocked with the same expiry
     * @throws IllegalArgumentException naming the value when it is not a SHA-256
     */
    public synchronized boolean add(String sha256, String reason, Instant expiresAt) throws IOException {
        String hash = Sha256.normalise(sha256);
        Entry next = new Entry(reason == null ? "" : reason, expiresAt);
        Entry previous = entries.get(hash);
        if (previous != null && java.util.Objects.equals(previous.expiresAt(), expiresAt) && isLive(previous)) {
            return false;
        }
        entries.put(hash, next);
        try {
            save();
        } catch (IOException e) {
            if (previous == null) {
                entries.remove(hash);
            } else {
                entries.put(hash, previous);
            }
            throw e;
        }
        return true;
    }

    /** Removes a block; false when the hash was not blocked. */
    public synchronized boolean remove(String sha256) throws IOException {
        String hash = Sha256.normalise(sha256);
        Entry previous = entries.remove(hash);
        if (previous == null) {
            return false;
        }
        try {
            save();
        } catch (IOException e) {
            entries.put(hash, previous);
            throw e;
        }
        return isLive(previous);
    }

    /** Whether a lowercase SHA-256 hex is blocked now (expired blocks no longer count). */
    public boolean contains(String sha256) {
        Entry e = entries.get(sha256);
        return e != null && isLive(e);
    }

    /** Why a hash is blocked (the reason it was added with), or null when it is not blocked. */
    public String reason(String sha256) {
        Entry e = entries.get(sha256);
        return e == null ? null : e.reason();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The blocks in force now, sorted by hash. */
    public Map<String, Entry> live() {
        Map<String, Entry> out = new TreeMap<>();
        entries.forEach((h, e) -> {
            if (isLive(e)) {
                out.put(h, e);
            }
        });
        return out;
    }

    private boolean isLive(Entry e) {
        return e.expiresAt() == null || e.expiresAt().isAfter(clock.instant());
    }

    private void save() throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".blocklist-", ".tmp");
        try {
            Files.write(tmp, JSON.writeValueAsBytes(new TreeMap<>(entries)));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
