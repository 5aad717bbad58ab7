package dev.kiroku.agent.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.agent.inventory.ExecutableInventoryScanner;
import dev.kiroku.fleet.wire.ScannedExecutable;

import java.nio.file.Path;
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
        CommandParameters read = new CommandParameters(parameters);
        List<Path> roots = read.list("roots", "\n").stream().map(Path::of).toList();
        if (roots.isEmpty() || roots.stream().anyMatch(r -> !r.isAbsolute())) {
            throw new IllegalArgumentException("inventory.scan needs 'roots': absolute directories, one per line");
        }
        ExecutableInventoryScanner.Result result = new ExecutableInventoryScanner(roots,
                read.number("max_file_bytes", 256L << 20), read.number("byte_budget", 4L << 30), read.fraction("duty", 0.25)).scan();
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
}
