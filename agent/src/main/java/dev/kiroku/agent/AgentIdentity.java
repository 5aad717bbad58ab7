package dev.kiroku.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/** The agent's id: created once, kept in its data directory, the same after every restart. */
public final class AgentIdentity {
    private AgentIdentity() {
    }

    public static String loadOrCreate(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve("agent.id");
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!id.isEmpty()) return id;
        }
        String id = UUID.randomUUID().toString();
        Path temp = dataDirectory.resolve("agent.id.tmp");
        Files.writeString(temp, id + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return id;
    }
}
