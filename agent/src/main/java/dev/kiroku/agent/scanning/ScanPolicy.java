package dev.kiroku.agent.scanning;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.kiroku.agent.command.CommandParameters;
import dev.kiroku.event.EventCodec;
import dev.kiroku.yara.api.RuleSource;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;

/**
 * What the server wants scanned with YARA on the endpoint without being asked each time, part of the agent's policy:
 * files closed after being written (or made executable) under some paths, and files about to be executed.
 *
 * @param rules          the rule sets that apply (name and source text); no rules = no policy scans
 * @param onWrite        absolute paths or globs ({@code /tmp}, {@code /home/**}, {@code /opt/*}/bin/*}) whose written files are
 *                       scanned; empty = no scanning on write. A path without glob characters covers everything under it
 * @param onWriteFiles   which written files: only executables (mode +x, or ELF or {@code #!} content), or all
 * @param maxBytes       larger files are not scanned (on write or before execution)
 * @param beforeExec     scanning of files about to be executed: off, alert only, or block on a match
 * @param bytesPerSecond reading budget of the background scans on write (and alert-only exec scans)
 * @param dutyCycle      CPU budget of those scans: the share of one core they may use
 */
public record ScanPolicy(List<RuleSource> rules, List<String> onWrite, Files onWriteFiles, long maxBytes, ExecMode beforeExec,
                         long bytesPerSecond, double dutyCycle) {
    public static final long DEFAULT_MAX_BYTES = 32L << 20;
    public static final long DEFAULT_RATE = 16L << 20;
    public static final double DEFAULT_DUTY = 0.25;
    public static final ScanPolicy OFF = new ScanPolicy(List.of(), List.of(), Files.EXECUTABLES, DEFAULT_MAX_BYTES, ExecMode.OFF,
            DEFAULT_RATE, DEFAULT_DUTY);

    /** Which written files are scanned. */
    public enum Files {
        EXECUTABLES, ALL
    }

    /** What happens before a file is executed. */
    public enum ExecMode {
        /** Not scanned. */
        OFF,
        /** Scanned in the background within the budget; a match is an alert, the execution goes on. */
        ALERT,
        /** Scanned before the execution may start (once per content); a match refuses it. Allowed on timeout or error. */
        BLOCK
    }

    public ScanPolicy {
        rules = rules == null ? List.of() : List.copyOf(rules);
        onWrite = onWrite == null ? List.of() : List.copyOf(onWrite);
        if (onWriteFiles == null) onWriteFiles = Files.EXECUTABLES;
        if (beforeExec == null) beforeExec = ExecMode.OFF;
        if (maxBytes <= 0) maxBytes = DEFAULT_MAX_BYTES;
        if (bytesPerSecond <= 0) bytesPerSecond = DEFAULT_RATE;
        if (dutyCycle <= 0) dutyCycle = DEFAULT_DUTY;
    }

    /** True when something is to be scanned. */
    public boolean enabled() {
        return !rules.isEmpty() && (!onWrite.isEmpty() || beforeExec != ExecMode.OFF);
    }

    /**
     * Reads the {@code yara.*} parameters of a {@code policy.apply} command: {@code yara.rules} (a JSON array of
     * {@code {"name", "source"}}), {@code yara.scan_on_write} (comma-separated absolute paths or globs),
     * {@code yara.scan_on_write.files} ({@code executables} or {@code all}), {@code yara.max_size} (bytes),
     * {@code yara.scan_before_exec} ({@code off}, {@code alert}, {@code block}), {@code yara.rate} (bytes per second),
     * {@code yara.duty} (0 to 1). Absent parameters: nothing is scanned.
     *
     * @throws IllegalArgumentException naming the bad parameter
     */
    public static ScanPolicy fromParameters(Map<String, String> parameters) {
        return fromParameters(new CommandParameters(parameters));
    }

    /** As {@link #fromParameters(Map)}, from parameters already being read (a whole policy's). */
    public static ScanPolicy fromParameters(CommandParameters parameters) {
        List<RuleSource> rules = rules(parameters.text("yara.rules"));
        List<String> onWrite = parameters.list("yara.scan_on_write");
        for (String pattern : onWrite) {
            if (!pattern.startsWith("/")) throw new IllegalArgumentException("yara.scan_on_write: '" + pattern + "' is not an absolute path or glob");
            try {
                matcher(pattern);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("yara.scan_on_write: '" + pattern + "' is not a valid glob: " + e.getMessage());
            }
        }
        Files files = parameters.choice("yara.scan_on_write.files", Files.class, Files.EXECUTABLES);
        ExecMode exec = parameters.choice("yara.scan_before_exec", ExecMode.class, ExecMode.OFF);
        long maxBytes = parameters.number("yara.max_size", DEFAULT_MAX_BYTES);
        long rate = parameters.number("yara.rate", DEFAULT_RATE);
        double duty = parameters.fraction("yara.duty", DEFAULT_DUTY);
        if (maxBytes <= 0) throw new IllegalArgumentException("yara.max_size must be positive: " + maxBytes);
        if (rate <= 0) throw new IllegalArgumentException("yara.rate must be positive: " + rate);
        if (rules.isEmpty() && (!onWrite.isEmpty() || exec != ExecMode.OFF)) {
            throw new IllegalArgumentException("yara.rules: scanning on write or before execution needs at least one rule set");
        }
        return new ScanPolicy(rules, onWrite, files, maxBytes, exec, rate, duty);
    }

    /** The matcher of one {@link #onWrite} entry. */
    static PathMatcher matcher(String pattern) {
        boolean glob = pattern.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
        if (glob) return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        Path prefix = Path.of(pattern);
        return path -> path.startsWith(prefix);
    }

    private static List<RuleSource> rules(String json) {
        if (json == null) return List.of();
        List<RuleSource> rules;
        try {
            rules = EventCodec.mapper().readValue(json, new TypeReference<List<RuleSource>>() { });
        } catch (IOException e) {
            throw new IllegalArgumentException("yara.rules is not a JSON array of {\"name\", \"source\"}: " + e.getMessage());
        }
        for (int i = 0; i < rules.size(); i++) {
            RuleSource rule = rules.get(i);
            if (rule == null || rule.source() == null || rule.source().isBlank()) {
                throw new IllegalArgumentException("yara.rules[" + i + "] has no source");
            }
        }
        return rules;
    }
}
