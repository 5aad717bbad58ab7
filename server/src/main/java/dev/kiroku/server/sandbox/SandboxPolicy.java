package dev.kiroku.server.sandbox;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * What the server does with a sandbox verdict, from {@code policy.properties} in the sandbox
 * directory (every key optional, {@code true}/{@code false}):
 * {@code high.block} adds the file's hash to the fleet-wide block list, {@code high.alert} and
 * {@code medium.alert} raise an alert for the analyst, {@code high.mark_incidents} puts a note and a
 * response action on the open incidents that involve the file. All default to true.
 */
public record SandboxPolicy(boolean blockHigh, boolean alertHigh, boolean alertMedium, boolean markIncidents) {
    static final String FILE = "policy.properties";
    private static final Set<String> KEYS = Set.of("high.block", "high.alert", "medium.alert", "high.mark_incidents");

    public static SandboxPolicy defaults() {
        return new SandboxPolicy(true, true, true, true);
    }

    /** Reads the policy; a missing file gives the defaults, an unknown key or a value other than true/false is an error naming it. */
    public static SandboxPolicy load(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        if (!Files.exists(file)) return defaults();
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        List<String> problems = new ArrayList<>();
        for (String key : p.stringPropertyNames()) {
            if (!KEYS.contains(key)) problems.add("unknown key '" + key + "' (known: " + KEYS + ")");
            else if (!p.getProperty(key).trim().matches("true|false")) problems.add(key + " must be true or false, not '" + p.getProperty(key) + "'");
        }
        if (!problems.isEmpty()) throw new IOException(file + ": " + String.join("; ", problems));
        return new SandboxPolicy(flag(p, "high.block"), flag(p, "high.alert"), flag(p, "medium.alert"), flag(p, "high.mark_incidents"));
    }

    private static boolean flag(Properties p, String key) {
        return Boolean.parseBoolean(p.getProperty(key, "true").trim());
    }
}
