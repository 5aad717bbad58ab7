package dev.kiroku.server.yara;

import dev.kiroku.fleet.state.StateStore;
import dev.kiroku.yara.api.ScanProgress;
import dev.kiroku.yara.api.YaraJson;
import dev.kiroku.yara.api.YaraScanResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep as the analyst sees it: per endpoint {@code pending} (not yet fetched, e.g. offline), {@code running} with the
 * percentage the agent last reported, {@code done} with what it scanned and found, or {@code failed} with the reason;
 * and a summary over all endpoints. Serialises to JSON with Jackson as is.
 */
public record SweepStatus(YaraSweeps.Sweep sweep, List<Endpoint> endpoints, Map<String, Integer> states, int matches,
                          int percent) {

    /**
     * One endpoint's part of a sweep; the counters are those reported so far, {@code found} the first
     * {@value #FOUND_SHOWN} matches of a finished scan (what a trial, which raises no alert, shows).
     */
    public record Endpoint(String agentId, String hostName, String state, int percent, long filesScanned,
                           long processesScanned, long bytesScanned, int matches, int skipped, int refusedRules,
                           String detail, List<Found> found) {
        Endpoint(String agentId, String hostName, String state, int percent, long filesScanned, long processesScanned,
                 long bytesScanned, int matches, int skipped, int refusedRules, String detail) {
            this(agentId, hostName, state, percent, filesScanned, processesScanned, bytesScanned, matches, skipped,
                    refusedRules, detail, List.of());
        }
    }

    /** One match: the rule and the file or process it matched. */
    public record Found(String rule, String file, Long pid) {
    }

    static final int FOUND_SHOWN = 100;

    static SweepStatus of(YaraSweeps.Sweep sweep, List<StateStore.Delivery> deliveries, Map<String, String> hostNames) {
        List<Endpoint> endpoints = deliveries.stream()
                .map(d -> endpoint(d, hostNames.getOrDefault(d.agentId(), d.agentId()))).toList();
        Map<String, Integer> states = new LinkedHashMap<>();
        for (String state : List.of("pending", "running", "done", "failed")) states.put(state, 0);
        endpoints.forEach(e -> states.merge(e.state(), 1, Integer::sum));
        int matches = endpoints.stream().mapToInt(Endpoint::matches).sum();
        int percent = endpoints.isEmpty() ? 100
                : (int) endpoints.stream().mapToInt(e -> e.state().equals("failed") ? 100 : e.percent()).average().orElse(0);
        return new SweepStatus(sweep, endpoints, states, matches, percent);
    }

    private static Endpoint endpoint(StateStore.Delivery delivery, String hostName) {
        String output = delivery.output() == null ? "" : delivery.output();
        return switch (delivery.state()) {
            case "pending" -> new Endpoint(delivery.agentId(), hostName, "pending", 0, 0, 0, 0, 0, 0, 0,
                    "waiting for the endpoint to fetch it (offline endpoints get it when they return)");
            case "delivered" -> running(delivery.agentId(), hostName, output);
            case "succeeded" -> done(delivery.agentId(), hostName, output);
            case "expired" -> new Endpoint(delivery.agentId(), hostName, "failed", 0, 0, 0, 0, 0, 0, 0,
                    "the endpoint did not return before the sweep's wait ended");
            default -> new Endpoint(delivery.agentId(), hostName, "failed", 0, 0, 0, 0, 0, 0, 0, output);
        };
    }

    private static Endpoint running(String agentId, String hostName, String output) {
        if (output.isBlank()) return new Endpoint(agentId, hostName, "running", 0, 0, 0, 0, 0, 0, 0, "started, no progress yet");
        try {
            ScanProgress p = YaraJson.read(output, ScanProgress.class);
            return new Endpoint(agentId, hostName, "running", Math.min(99, p.percent()), p.filesScanned(), p.processesScanned(),
                    p.bytesScanned(), p.matches(), 0, 0, p.targetsDone() + " of " + p.targetsPlanned() + " targets");
        } catch (RuntimeException e) {
            return new Endpoint(agentId, hostName, "running", 0, 0, 0, 0, 0, 0, 0, "unreadable progress: " + e.getMessage());
        }
    }

    private static Endpoint done(String agentId, String hostName, String output) {
        try {
            YaraScanResult r = YaraJson.read(output, YaraScanResult.class);
            return new Endpoint(agentId, hostName, "done", 100, r.filesScanned(), r.processesScanned(), r.bytesScanned(),
                    r.matches().size(), r.skipped().size(), r.refusedRules().size(), "took " + r.durationMillis() + " ms",
                    r.matches().stream().limit(FOUND_SHOWN).map(m -> new Found(m.rule(), m.file(), m.pid())).toList());
        } catch (RuntimeException e) {
            return new Endpoint(agentId, hostName, "failed", 0, 0, 0, 0, 0, 0, 0, "unreadable result: " + e.getMessage());
        }
    }
}
