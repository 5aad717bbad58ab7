package dev.kiroku.yara.scan;

import dev.kiroku.yara.api.RuleSource;
import dev.kiroku.yara.api.ScanOptions;
import dev.kiroku.yara.api.StringMatch;
import dev.kiroku.yara.api.YaraMatch;
import dev.kiroku.yara.compile.CompiledRules;
import dev.kiroku.yara.compile.RuleSetCompiler;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Scans the memory of a child process that builds a marker string at run time (it is in no file and no argv). */
class ProcessMemoryScanTest {
    @Test
    void findsAMarkerHeldInAChildProcessHeap() throws Exception {
        String token = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        String marker = "KIROKU-MEM-" + token;
        // bash keeps the concatenated value in its heap; the script only holds the prefix, argv only the token.
        Process child = new ProcessBuilder("bash", "-c", "m=\"KIROKU-MEM-$1\"; echo ready; read -r _", "holder", token)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (CompiledRules rules = new RuleSetCompiler().compileSources(List.of(new RuleSource("mem",
                "rule in_memory : memory { strings: $m = \"" + marker + "\" condition: $m }")));
             YaraScanner scanner = new YaraScanner(rules, ScanOptions.defaults())) {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");
            ScanCollector collected = new ScanCollector();
            scanner.scanProcess(child.pid(), collected);

            YaraMatch match = collected.matches().stream().filter(m -> m.rule().equals("in_memory")).findFirst().orElseThrow();
            assertThat(match.pid()).isEqualTo(child.pid());
            assertThat(match.file()).isNull();
            assertThat(match.tags()).containsExactly("memory");
            StringMatch hit = match.strings().getFirst();
            assertThat(hit.preview()).isEqualTo(marker);
            assertThat(hit.base()).isNotZero();
            // The reported address really holds the marker in the child's memory.
            try (RandomAccessFile mem = new RandomAccessFile("/proc/" + child.pid() + "/mem", "r")) {
                byte[] bytes = new byte[marker.length()];
                mem.seek(hit.address());
                mem.readFully(bytes);
                assertThat(new String(bytes, StandardCharsets.US_ASCII)).isEqualTo(marker);
            }
            assertThat(collected.bytesScanned()).isGreaterThan(0);
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aProcessThatDoesNotExistIsSkippedWithAReason() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try (CompiledRules rules = new RuleSetCompiler().compileSources(List.of(new RuleSource("r", "rule r { condition: true }")));
             YaraScanner scanner = new YaraScanner(rules, ScanOptions.defaults())) {
            ScanCollector collected = new ScanCollector();
            scanner.scanProcess(gone.pid(), collected);
            assertThat(collected.skipped()).singleElement()
                    .satisfies(s -> assertThat(s.target() + ": " + s.reason()).isEqualTo("pid " + gone.pid() + ": no such process"));
            assertThat(collected.matches()).isEmpty();
        }
    }
}
