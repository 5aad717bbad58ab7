package dev.kiroku.server.sandbox;

import dev.kiroku.investigate.incident.Incident;
import dev.kiroku.investigate.incident.IncidentStatus;
import dev.kiroku.investigate.incident.Incidents;
import dev.kiroku.investigate.workflow.AlertRef;
import dev.kiroku.sandbox.Reason;
import dev.kiroku.sandbox.Report;
import dev.kiroku.sandbox.Verdict;
import dev.kiroku.sandbox.VerdictListener;
import dev.kiroku.server.alerts.Alert;
import dev.kiroku.server.alerts.Occurrence;
import dev.kiroku.server.alerts.RuleInfo;
import dev.kiroku.server.detect.Detection;
import dev.kiroku.server.response.BlockList;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Closes the loop from a sandbox verdict to the fleet, as the {@link SandboxPolicy} says: a high
 * verdict blocks the file's hash on every endpoint and marks the open incidents that involve the
 * file (a note and a response action); high and medium verdicts raise an alert for the analyst
 * (rule {@code sandbox-verdict-high} / {@code sandbox-verdict-medium}, on the endpoints where the
 * file was seen when the file inventory knows them).
 */
final class SandboxVerdicts implements VerdictListener {
    private static final int INCIDENTS_CHECKED = 500;
    private static final int REASONS_SHOWN = 5;

    private final SandboxPolicy policy;
    private final BlockList blockList;
    private final Detection detection;
    private final Incidents incidents;
    private final InstantSource clock;

    SandboxVerdicts(SandboxPolicy policy, BlockList blockList, Detection detection, Incidents incidents, InstantSource clock) {
        this.policy = policy;
        this.blockList = blockList;
        this.detection = detection;
        this.incidents = incidents;
        this.clock = clock;
    }

    @Override
    public void onVerdict(Report report) {
        boolean high = report.verdict() == Verdict.HIGH;
        if (high && policy.blockHigh()) {
            blockList.add(BlockList.HASH, report.sha256(), "sandbox verdict high (score " + report.score() + ") for " + report.name(),
                    "sandbox", "sandbox");
        }
        boolean medium = report.verdict() == Verdict.MEDIUM;
        if ((high && policy.alertHigh()) || (medium && policy.alertMedium())) raiseAlert(report);
        if (high && policy.markIncidents()) markIncidents(report);
    }

    private void raiseAlert(Report report) {
        String level = report.verdict().label();
        RuleInfo rule = new RuleInfo("sandbox-verdict-" + level, "Sandbox verdict " + level + ": " + report.name(), level, "sandbox",
                List.of(), List.of(), List.of(), "kiroku sandbox");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("@timestamp", report.finished().toString());
        event.put("event.kind", "alert");
        event.put("event.module", "sandbox");
        event.put("file.name", report.name());
        event.put("file.size", report.size());
        event.put("file.hash.sha256", report.sha256());
        event.put("kiroku.sandbox.verdict", level);
        event.put("kiroku.sandbox.score", report.score());
        event.put("kiroku.sandbox.reasons", topReasons(report));
        detection.raise(new Occurrence(Alert.Kind.RULE, rule, "sandbox|" + report.sha256(), "sandbox", "sandbox", null,
                clock.instant(), event, Map.of(), List.of()));
    }

    /** Open incidents whose alerts name the file's hash, or whose indicators include it. */
    private void markIncidents(Report report) {
        String note = "Sandbox verdict HIGH (score " + report.score() + ") for " + report.name() + " (sha256 " + report.sha256() + "): "
                + String.join("; ", topReasons(report)) + (policy.blockHigh() ? ". The hash is on the fleet block list." : ".");
        for (Incident incident : incidents.repository().list(null, INCIDENTS_CHECKED)) {
            if (incident.status() == IncidentStatus.CLOSED || !involves(incident, report.sha256())) continue;
            incidents.repository().addNote(incident.id(), "sandbox", note);
            if (policy.blockHigh())
                incidents.repository().addAction(incident.id(), "block_hash", report.sha256(), null, "sandbox", "added to the fleet block list");
        }
    }

    private boolean involves(Incident incident, String sha256) {
        for (AlertRef alert : incident.alerts())
            for (Map<String, Object> event : alert.events())
                for (Object value : event.values()) if (sha256.equalsIgnoreCase(String.valueOf(value))) return true;
        try {
            return incidents.indicators(incident.id()).indicators().stream()
                    .anyMatch(i -> i.type().equals("sha256") && i.value().equalsIgnoreCase(sha256));
        } catch (RuntimeException e) {
            return false; // the incident's processes are no longer in the store: its alerts were checked above
        }
    }

    private static List<String> topReasons(Report report) {
        List<String> out = new ArrayList<>();
        for (Reason r : report.reasons()) {
            if (r.weight() == 0) continue;
            out.add(r.summary() + " (+" + r.weight() + ")");
            if (out.size() == REASONS_SHOWN) break;
        }
        return out;
    }
}
