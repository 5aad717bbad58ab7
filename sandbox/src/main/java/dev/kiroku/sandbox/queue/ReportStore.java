package dev.kiroku.sandbox.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiroku.sandbox.Report;
import dev.kiroku.sandbox.Verdict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Reports kept as JSON files under a data directory, one per SHA-256 ({@code reports/<sha256>.json},
 * written atomically), with an in-memory index for searching. A file that cannot be read at start
 * is skipped and named in {@link #problems()}.
 */
public final class ReportStore {
    static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private final Path dir;
    private final Map<String, Summary> index = new ConcurrentHashMap<>();
    private final List<String> problems = new ArrayList<>();

    /** What searching looks at, without loading the full report. */
    public record Summary(String sha256, String name, Verdict verdict, int score, java.time.Instant finished, String analyzer) {
        static Summary of(Report r) {
            return new Summary(r.sha256(), r.name(), r.verdict(), r.score(), r.finished(), r.analyzer());
        }
    }

    /**
     * A search: every given criterion must hold.
     *
     * @param verdict  only this verdict (null: any)
     * @param minScore at least this score
     * @param text     name or SHA-256 prefix contains this, case-insensitive (null: any)
     * @param limit    at most this many, newest first
     */
    public record Query(Verdict verdict, int minScore, String text, int limit) {
        public static Query all() {
            return new Query(null, 0, null, 100);
        }
    }

    public ReportStore(Path dataDirectory) throws IOException {
        this.dir = dataDirectory.resolve("reports");
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                try {
                    Report r = JSON.readValue(f.toFile(), Report.class);
                    index.put(r.sha256(), Summary.of(r));
                } catch (IOException e) {
                    problems.add(f + ": " + e.getMessage());
                }
            }
        }
    }

    public void save(Report report) throws IOException {
        Path temp = dir.resolve(report.sha256() + ".json.tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), report);
        Files.move(temp, dir.resolve(report.sha256() + ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        index.put(report.sha256(), Summary.of(report));
    }

    public Optional<Report> find(String sha256) throws IOException {
        String key = sha256.toLowerCase(Locale.ROOT);
        if (!key.matches("[0-9a-f]{64}") || !index.containsKey(key)) return Optional.empty();
        return Optional.of(JSON.readValue(dir.resolve(key + ".json").toFile(), Report.class));
    }

    public boolean contains(String sha256) {
        return index.containsKey(sha256);
    }

    public List<Summary> search(Query query) {
        String text = query.text() == null ? null : query.text().toLowerCase(Locale.ROOT);
        return index.values().stream()
                .filter(s -> query.verdict() == null || s.verdict() == query.verdict())
                .filter(s -> s.score() >= query.minScore())
                .filter(s -> text == null || s.name().toLowerCase(Locale.ROOT).contains(text) || s.sha256().startsWith(text))
                .sorted(Comparator.comparing(Summary::finished).reversed())
                .limit(Math.max(0, query.limit()))
                .toList();
    }

    public int size() {
        return index.size();
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }
}
