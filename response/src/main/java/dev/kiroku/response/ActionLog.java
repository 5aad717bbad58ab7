package dev.kiroku.response;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The endpoint's append-only record of actions performed: one JSON line per result, opened with
 * {@code O_APPEND} and forced to disk after each line. Never rewritten.
 */
public final class ActionLog {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Path file;

    public ActionLog(Path file) {
        this.file = file;
    }

    /** The JSON form every result has on the wire and in this log. */
    public static String toJson(ActionResult result) {
        try {
            return JSON.writeValueAsString(result);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends the results, each with who asked for them. */
    public synchronized void append(String requestedBy, List<ActionResult> results) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        StringBuilder lines = new StringBuilder();
        for (ActionResult r : results) {
            lines.append(JSON.writeValueAsString(Map.of("requested_by", requestedBy, "result", r))).append('\n');
        }
        try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            channel.write(java.nio.ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)));
            channel.force(false);
        }
    }

    /** Every line so far, parsed back into maps, oldest first. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> read() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(JSON.readValue(line, Map.class));
            }
        }
        return out;
    }
}
