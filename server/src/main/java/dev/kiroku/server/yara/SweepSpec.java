package dev.kiroku.server.yara;

import dev.kiroku.yara.api.RuleSource;
import dev.kiroku.yara.api.ScanOptions;

import java.time.Duration;
import java.util.List;

/**
 * What an analyst asks of a fleet-wide YARA sweep.
 *
 * @param rules         rule files as text (each compiled separately on the endpoint; a refused one is reported)
 * @param paths         files and directory trees to scan on every endpoint
 * @param processNames  process name globs whose memory to scan ({@code *} for every process)
 * @param endpoints     agent ids; empty means every enrolled endpoint
 * @param options       walk filters and the CPU and I/O budget of each endpoint
 * @param waitFor       how long the sweep waits for an offline endpoint to come back
 * @param trial         a test of the rules on one endpoint before they are used: its matches are shown, never alerted
 */
public record SweepSpec(List<RuleSource> rules, List<String> paths, List<String> processNames, List<String> endpoints,
                        ScanOptions options, Duration waitFor, boolean trial) {
    public static final Duration DEFAULT_WAIT = Duration.ofDays(7);

    public SweepSpec {
        rules = rules == null ? List.of() : List.copyOf(rules);
        paths = paths == null ? List.of() : List.copyOf(paths);
        processNames = processNames == null ? List.of() : List.copyOf(processNames);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        options = options == null ? ScanOptions.defaults() : options;
        waitFor = waitFor == null ? DEFAULT_WAIT : waitFor;
        if (rules.isEmpty()) throw new IllegalArgumentException("a sweep needs at least one rule file ('rules': [{name, source}])");
        for (RuleSource rule : rules) {
            if (rule.source() == null || rule.source().isBlank()) {
                throw new IllegalArgumentException("rule file '" + rule.name() + "' is empty");
            }
        }
        if (paths.isEmpty() && processNames.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs 'paths' to scan, 'processes' (name globs) or both");
        }
        for (String path : paths) {
            if (!path.startsWith("/")) throw new IllegalArgumentException("sweep path '" + path + "' must be absolute");
        }
        if (trial && endpoints.size() != 1) {
            throw new IllegalArgumentException("a test of YARA rules runs on exactly one endpoint ('endpoints': [agent id]), not " + endpoints.size());
        }
        if (waitFor.isNegative() || waitFor.isZero() || waitFor.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("a sweep waits more than 0 and at most 30 days for offline endpoints, not " + waitFor);
        }
    }

    /** A sweep that alerts on its matches. */
    public SweepSpec(List<RuleSource> rules, List<String> paths, List<String> processNames, List<String> endpoints,
                     ScanOptions options, Duration waitFor) {
        this(rules, paths, processNames, endpoints, options, waitFor, false);
    }
}
