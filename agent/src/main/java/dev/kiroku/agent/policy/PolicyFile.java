package dev.kiroku.agent.policy;

import dev.kiroku.agent.journal.JournalConfig;
import dev.kiroku.event.EventCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The policy an agent runs, kept as {@code policy.json} in its data directory so it survives restarts. */
public final class PolicyFile {
    private PolicyFile() {
    }

    public static Policy load(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve("policy.json");
        if (!Files.exists(file)) return Policy.DEFAULT;
        try {
            return EventCodec.mapper().readValue(file.toFile(), Policy.class);
        } catch (IOException e) {
            throw new IOException(file + " is not a readable policy (delete it to run the default policy): " + e.getMessage(), e);
        }
    }

    public static void save(Path dataDirectory, Policy policy) throws IOException {
        Path file = dataDirectory.resolve("policy.json");
        Path temp = dataDirectory.resolve("policy.json.tmp");
        Files.write(temp, EventCodec.mapper().writeValueAsBytes(policy));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The journal settings with the policy's limits applied. */
    public static JournalConfig journal(JournalConfig base, Policy policy) {
        JournalConfig config = base;
        if (policy.journalMaxBytes() > 0) config = config.withSizes(Math.min(config.segmentBytes(), policy.journalMaxBytes() / 4), policy.journalMaxBytes());
        if (policy.journalRetention() != null) config = config.withRetention(policy.journalRetention());
        return config;
    }
}
