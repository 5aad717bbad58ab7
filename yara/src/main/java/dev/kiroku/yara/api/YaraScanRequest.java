package dev.kiroku.yara.api;

import java.util.List;

/**
 * A scan an agent is asked to run (a fleet-wide sweep sends one to every endpoint): the rules as text, the files or
 * directories and the processes to scan, and the options. Serialises to JSON with Jackson as is.
 */
public record YaraScanRequest(String requestId, List<RuleSource> rules, List<String> paths, List<Long> pids,
                              ScanOptions options) {
    public YaraScanRequest {
        rules = rules == null ? List.of() : List.copyOf(rules);
        paths = paths == null ? List.of() : List.copyOf(paths);
        pids = pids == null ? List.of() : List.copyOf(pids);
        options = options == null ? ScanOptions.defaults() : options;
    }
}
