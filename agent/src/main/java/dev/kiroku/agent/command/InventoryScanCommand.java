package dev.kiroku.agent.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.agent.inventory.ExecutableInventoryScanner;
import dev.kiroku.fleet.wire.ScannedExecutable;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code inventory.scan}: the endpoint's inventory of executables and scripts, which the server sends at enrolment and
 * on a schedule. Parameters: {@code roots} (absolute directories, one per line), {@code max_file_bytes},
 * {@code byte_budget} and {@code duty} (CPU share, default 0.25). The answer is JSON with the counts, the first problems
 * and {@code executables}, the list in {@link ScannedExecutable#encode its compact form}.
 */
public final class InventoryScanCommand implements CommandHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PROBLEMS = 100;

    @Override
    public boolean longRunning() {
        return true;
    }

    @Override
    public String type() {
        return "inventory.scan";
    }

    @Override
    public String handle(Map<String, String> parameters) throws Exception {
        List<Path> roots = Arrays.stream(parameters.getOrDefault("roots", "").split("\n")).map(String::strip)
                .filter(s -> !s.isEmpty()).map(Path::of).toList();
        if (roots.isEmpty() || roots.stream().anyMatch(r -> !r.isAbsolute())) {
            throw new IllegalArgumentException("inventory.scan needs 'roots': absolute directories, one per line");
        }
        ExecutableInventoryScanner.Result result = new ExecutableInventoryScanner(roots,
                number(parameters, "max_file_bytes", 256L << 20), number(parameters, "byte_budget", 4L << 30),
                Double.parseDouble(parameters.getOrDefault("duty", "0.25"))).scan();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("count", result.records().size());
        answer.put("bytesHashed", result.bytesHashed());
        answer.put("skippedTooLarge", result.skippedTooLarge());
        answer.put("budgetExhausted", result.budgetExhausted());
        answer.put("problemCount", result.problems().size());
        answer.put("problems", result.problems().subList(0, Math.min(MAX_PROBLEMS, result.problems().size())));
        answer.put("executables", ScannedExecutable.encode(result.records()));
        return JSON.writeValueAsString(answer);
    }

    private static long number(Map<String, String> parameters, String name, long fallback) {
        String value = parameters.get(name);
        if (value == null || value.isBlank()) return fallback;
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("inventory.scan parameter '" + name + "' must be a number, not '" + value + "'");
        }
    }
}
