package dev.kiroku.sensor.linux.audit;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The kernel audit settings found before an {@link AuditSource} changed them, kept in
 * {@code <stateDirectory>/audit-kernel-state.properties} while the source runs. If the file
 * exists at start, the previous owner died without restoring.
 *
 * @param ownerPid           pid of the agent that wrote it
 * @param mode               mode the writer ran in ({@code DAEMON}, {@code MULTICAST}, or {@code STOPPED} while starting)
 * @param key                rule key the writer installed
 * @param enabled            original {@code enabled}
 * @param backlogLimit       original {@code backlog_limit}
 * @param backlogWaitTime    original {@code backlog_wait_time}
 * @param excludedTypes      record types the writer excluded with keyless rules of its own (to delete)
 */
record AuditSavedState(long ownerPid, AuditMode mode, String key, long enabled, long backlogLimit,
                       long backlogWaitTime, List<Integer> excludedTypes) {

    AuditSavedState {
        excludedTypes = List.copyOf(excludedTypes);
    }

    static final String FILE_NAME = "audit-kernel-state.properties";

    static Path file(Path stateDirectory) {
        return stateDirectory.resolve(FILE_NAME);
    }

    void write(Path stateDirectory) throws IOException {
        Files.createDirectories(stateDirectory);
        Properties p = new Properties();
        p.setProperty("ownerPid", Long.toString(ownerPid));
        p.setProperty("mode", mode.name());
        p.setProperty("key", key);
        p.setProperty("enabled", Long.toString(enabled));
        p.setProperty("backlogLimit", Long.toString(backlogLimit));
        p.setProperty("backlogWaitTime", Long.toString(backlogWaitTime));
        p.setProperty("excludedTypes", excludedTypes.stream().map(String::valueOf).collect(Collectors.joining(",")));
        Path tmp = stateDirectory.resolve(FILE_NAME + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "Kiroku: kernel audit settings to restore if the agent dies");
        }
        Files.move(tmp, file(stateDirectory), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads the file; a damaged file yields the kernel's boot defaults (enabled 0, backlog 64, wait 15000). */
    static AuditSavedState read(Path stateDirectory) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file(stateDirectory), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        AuditMode mode;
        try {
            mode = AuditMode.valueOf(p.getProperty("mode", "STOPPED"));
        } catch (IllegalArgumentException e) {
            mode = AuditMode.STOPPED;
        }
        return new AuditSavedState(number(p, "ownerPid", -1), mode, p.getProperty("key", AuditSourceConfig.DEFAULT_KEY),
                number(p, "enabled", 0), number(p, "backlogLimit", 64), number(p, "backlogWaitTime", 15000),
                types(p.getProperty("excludedTypes", "")));
    }

    static void delete(Path stateDirectory) throws IOException {
        Files.deleteIfExists(file(stateDirectory));
    }

    /** Comma-separated record type numbers; what does not parse is skipped. */
    private static List<Integer> types(String text) {
        List<Integer> types = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                if (!part.isBlank()) types.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException ignored) {
                // a damaged entry: nothing to delete for it
            }
        }
        return types;
    }

    private static long number(Properties p, String key, long fallback) {
        try {
            return Long.parseLong(p.getProperty(key, "").trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
