package dev.kiroku.yara.ffm;

import dev.kiroku.yara.api.RuleSource;
import dev.kiroku.yara.compile.CompiledRules;
import dev.kiroku.yara.compile.RuleSetCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A scanner made and used on one thread and closed on another (a shutdown hook closing a worker's scanner) frees its
 * memory, releases its pin on the rules, and lets the rules close; the bug this guards against threw
 * IllegalMonitorStateException or WrongThreadException, or left the rules' close waiting forever.
 */
class ScannerCloseThreadTest {
    private static final String RULE = "rule marker { strings: $m = \"KIROKU-CLOSE-MARKER\" condition: $m }";

    @TempDir
    Path dir;

    @Test
    void scannerMadeOnAWorkerClosesOnAnotherThreadAndTheRulesThenClose() throws Exception {
        Path file = Files.writeString(dir.resolve("sample.bin"), "head KIROKU-CLOSE-MARKER tail");
        CompiledRules compiled = new RuleSetCompiler().compileSources(List.of(new RuleSource("test", RULE)));
        NativeRules rules = compiled.rules();
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            NativeScanner scanner = worker.submit(() -> {
                NativeScanner made = new NativeScanner(rules);
                try (OpenFile open = OpenFile.open(file)) {
                    assertThat(made.scanFile(open, Files.size(file)).matches()).hasSize(1);
                }
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment data = arena.allocateFrom("KIROKU-CLOSE-MARKER", StandardCharsets.US_ASCII);
                    assertThat(made.scanMemory(data).matches()).hasSize(1);
                }
                return made;
            }).get(30, TimeUnit.SECONDS);
            assertThat(rules.pins()).isEqualTo(1);

            scanner.close(); // on the test thread, not the worker that made and used it
            scanner.close(); // a second close does nothing

            assertThat(rules.pins()).isZero();
            assertTimeoutPreemptively(Duration.ofSeconds(30), compiled::close);
            assertThatThrownBy(() -> new NativeScanner(rules)).hasMessageContaining("rules are closed");
        } finally {
            worker.shutdownNow();
        }
    }

    @Test
    void closingTheRulesWaitsForAScannerThatAnotherThreadCloses() throws Exception {
        CompiledRules compiled = new RuleSetCompiler().compileSources(List.of(new RuleSource("test", RULE)));
        NativeRules rules = compiled.rules();
        NativeScanner scanner = new NativeScanner(rules);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(compiled::close);
        Thread.sleep(300);
        assertThat(closing).as("rules must not be freed while a scanner holds them").isNotDone();

        Thread closer = Thread.ofPlatform().start(scanner::close);
        closer.join(30_000);
        closing.get(30, TimeUnit.SECONDS);
        assertThat(rules.pins()).isZero();
    }
}
