package dev.kiroku.sandbox.queue;

import dev.kiroku.sandbox.Reason;
import dev.kiroku.sandbox.Report;
import dev.kiroku.sandbox.Verdict;
import dev.kiroku.sandbox.VerdictListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alert record a medium (or high) verdict yields: one JSON line per verdict in
 * {@code alerts.jsonl} under the data directory, for the analyst and for the server to import.
 */
public final class AlertLog implements VerdictListener {
    private final Path file;

    public AlertLog(Path dataDirectory) {
        this.file = dataDirectory.resolve("alerts.jsonl");
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void onVerdict(Report report) {
        if (report.verdict() != Verdict.MEDIUM && report.verdict() != Verdict.HIGH) return;
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("@timestamp", Instant.now().toString());
        alert.put("kind", "sandbox_verdict");
        alert.put("file.hash.sha256", report.sha256());
        alert.put("file.name", report.name());
        alert.put("verdict", report.verdict().label());
        alert.put("score", report.score());
        List<Reason> top = report.reasons().stream().filter(r -> r.weight() > 0).limit(5).toList();
        alert.put("reasons", top.stream().map(r -> r.summary() + " [" + r.evidence() + "]").toList());
        try {
            Files.writeString(file, ReportStore.JSON.writeValueAsString(alert) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write alert record " + file, e);
        }
    }

    /** The alert records written so far. */
    public List<Map<String, Object>> read() throws IOException {
        if (!Files.exists(file)) return List.of();
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) out.add(ReportStore.JSON.readValue(line, new com.fasterxml.jackson.core.type.TypeReference<>() {
            }));
        }
        return out;
    }
}
