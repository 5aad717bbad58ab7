package dev.kiroku.yara.api;

import java.util.List;

/**
 * A scan an agent is asked to run (a fleet-wide sweep sends one to every endpoint): the rules as text, the files or
 * directories and the processes to scan, and the options. Serialises to JSON with Jackson as is.
 *
 * @param pids          processes to scan by id (useful on one endpoint)
 * @param processNames  processes to scan by name, as globs over {@code /proc/PID/comm} ({@code *} for every process);
 *                      what a fleet-wide sweep uses, since process ids differ between endpoints
 */
public record YaraScanRequest(String requestId, List<RuleSource> rules, List<String> paths, List<Long> pids,
                              List<String> processNames, ScanOptions options) {
    public YaraScanRequest {
        rules = rules == null ? List.of() : List.copyOf(rules);
        paths = paths == null ? List.of() : List.copyOf(paths);
        pids = pids == null ? List.of() : List.copyOf(pids);
        processNames = processNames == null ? List.of() : List.copyOf(processNames);
        options = options == null ? ScanOptions.defaults() : options;
    }

    public YaraScanRequest(String requestId, List<RuleSource> rules, List<String> paths, List<Long> pids, ScanOptions options) {
        this(requestId, rules, paths, pids, List.of(), options);
    }
}
