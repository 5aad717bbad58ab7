package dev.kiroku.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Times console pages in a real browser: runs {@code it/src/test/playwright/console.timings.mjs} (Playwright's npm
 * package {@code playwright-core} driving Debian's Chromium, as the console's end-to-end test does) against a running
 * server, and reads its one line of timings. The script's directory is {@code it/src/test/playwright} under the working
 * directory, or the system property {@code kiroku.bench.playwright}; without node, chromium or an installed
 * playwright-core ({@code npm ci} there) the timings are skipped with the reason.
 */
final class BrowserTimings {
    /** Per route the median milliseconds (of the rounds) to interactive (-1: not within 15 s), a cold load of the overview, or why skipped. */
    record Result(Map<String, Integer> pages, int coldMs, String skipped) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private BrowserTimings() {
    }

    static Result run(String url, String user, String password, List<String> routes, int rounds) throws IOException, InterruptedException {
        Path scripts = Path.of(System.getProperty("kiroku.bench.playwright", "it/src/test/playwright")).toAbsolutePath();
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        if (!Files.isRegularFile(scripts.resolve("console.timings.mjs"))) return skipped("no console.timings.mjs in " + scripts
                + " (run from the source tree's root or set -Dkiroku.bench.playwright=DIR)");
        if (!Files.isDirectory(scripts.resolve("node_modules/playwright-core"))) return skipped("playwright-core is not installed: npm ci in " + scripts);
        if (!Files.isExecutable(Path.of(chromium))) return skipped(chromium + " is missing (apt-get install chromium)");
        ProcessBuilder builder = new ProcessBuilder("node", "console.timings.mjs").directory(scripts.toFile()).redirectErrorStream(true);
        builder.environment().putAll(Map.of("KIROKU_URL", url, "KIROKU_USER", user, "KIROKU_PASSWORD", password,
                "KIROKU_ROUTES", String.join(",", routes), "KIROKU_ROUNDS", Integer.toString(rounds)));
        Process node;
        try {
            node = builder.start();
        } catch (IOException e) {
            return skipped("node could not be started (apt-get install nodejs): " + e.getMessage());
        }
        String output = new String(node.getInputStream().readAllBytes());
        if (!node.waitFor(5, TimeUnit.MINUTES)) {
            node.destroyForcibly();
            throw new IOException("console.timings.mjs did not finish within 5 minutes:\n" + output);
        }
        String timings = line(output, "TIMINGS ");
        String cold = line(output, "COLD ");
        if (node.exitValue() != 0 || timings == null || cold == null) {
            throw new IOException("console.timings.mjs failed (exit " + node.exitValue() + "):\n" + output);
        }
        return new Result(JSON.readValue(timings, new TypeReference<java.util.LinkedHashMap<String, Integer>>() { }), Integer.parseInt(cold.trim()), null);
    }

    private static Result skipped(String reason) {
        return new Result(Map.of(), -1, reason);
    }

    private static String line(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst().orElse(null);
    }
}
