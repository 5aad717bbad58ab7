package dev.kiroku.sandbox.statics;

import dev.kiroku.sandbox.Reason;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A known-bad hash list: a text file with one SHA-256 per line, optionally followed by a label
 * ("&lt;sha256&gt; mirai-dropper"); '#' starts a comment. Bad lines are skipped and counted.
 */
public final class KnownBadHashes implements StaticCheck {
    private final Map<String, String> labels;
    private final List<String> problems;

    private KnownBadHashes(Map<String, String> labels, List<String> problems) {
        this.labels = Map.copyOf(labels);
        this.problems = List.copyOf(problems);
    }

    public static KnownBadHashes empty() {
        return new KnownBadHashes(Map.of(), List.of());
    }

    public static KnownBadHashes load(Path file) throws IOException {
        Map<String, String> labels = new HashMap<>();
        List<String> problems = new java.util.ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file)) {
            number++;
            String text = line.strip();
            int comment = text.indexOf('#');
            if (comment >= 0) text = text.substring(0, comment).strip();
            if (text.isEmpty()) continue;
            String[] parts = text.split("\\s+", 2);
            String hash = parts[0].toLowerCase(Locale.ROOT);
            if (!hash.matches("[0-9a-f]{64}")) {
                problems.add(file + " line " + number + ": not a SHA-256: " + parts[0]);
                continue;
            }
            labels.put(hash, parts.length > 1 ? parts[1] : "");
        }
        return new KnownBadHashes(labels, problems);
    }

    public int size() {
        return labels.size();
    }

    /** Lines of the file that were not hashes. */
    public List<String> problems() {
        return problems;
    }

    @Override
    public List<Reason> check(StaticSubject s) {
        String label = labels.get(s.sha256());
        if (label == null) return List.of();
        return List.of(new Reason("static.known_bad_hash", 100, "SHA-256 is on the known-bad list",
                s.name() + ": " + s.sha256() + (label.isEmpty() ? "" : " (" + label + ")")));
    }
}
