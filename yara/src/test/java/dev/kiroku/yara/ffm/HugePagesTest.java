package dev.kiroku.yara.ffm;

import dev.kiroku.yara.api.YaraMatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class HugePagesTest {
    private static final int RULES = 12_000;
    private static final long HUGE = 2L << 20;

    /** Seeded random rules, each with two hex strings and a text string; their strings are returned in {@code parts}. */
    private static String ruleSet(Random random, byte[][] parts) {
        StringBuilder text = new StringBuilder();
        HexFormat hex = HexFormat.ofDelimiter(" ");
        for (int i = 0; i < RULES; i++) {
            byte[] a = new byte[10];
            byte[] b = new byte[12];
            random.nextBytes(a);
            random.nextBytes(b);
            parts[i] = a;
            text.append("rule r").append(i).append(" { strings: $a = { ").append(hex.formatHex(a)).append(" } $b = { ")
                    .append(hex.formatHex(b)).append(" } $c = \"word").append(i).append("x\" condition: any of them }\n");
        }
        return text.toString();
    }

    private static List<String> ruleNames(NativeRules rules, byte[] data) {
        try (NativeScanner scanner = new NativeScanner(rules)) {
            return scanner.scanBytes(data).matches().stream().map(YaraMatch::rule).sorted().toList();
        }
    }

    @Test
    void loadedRulesLieTogetherOnAdvisedHugePagesAndScanAsTheCompiledOnes(@TempDir Path dir) throws IOException {
        Random random = new Random(20261127);
        byte[][] parts = new byte[RULES][];
        Path saved = dir.resolve("rules.yarc");
        byte[] data = new byte[64 * 1024];
        random.nextBytes(data);
        String source = ruleSet(random, parts);
        for (int i = 0; i < 40; i++) { // 40 rules' first strings planted at random places
            byte[] part = parts[random.nextInt(RULES)];
            System.arraycopy(part, 0, data, random.nextInt(data.length - part.length), part.length);
        }
        List<String> expected;
        try (NativeCompiler compiler = new NativeCompiler()) {
            assertThat(compiler.addSource(source, "default", "random.yar")).isZero();
            try (NativeRules compiled = compiler.rules()) {
                expected = ruleNames(compiled, data);
                compiled.save(saved);
            }
        }
        assertThat(expected).isNotEmpty();

        try (NativeRules loaded = NativeRules.load(saved)) {
            assertThat(ruleNames(loaded, data)).isEqualTo(expected);

            String thp = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"), StandardCharsets.US_ASCII);
            assumeFalse(thp.contains("[never]"), "transparent huge pages are switched off on this machine: " + thp.strip());
            MemorySegment pointer = loaded.acquire();
            try {
                long advised = HugePages.advise(pointer);
                assertThat(advised).as("the rules (%d bytes saved) lie together over whole 2 MiB pages", Files.size(saved))
                        .isGreaterThanOrEqualTo(HUGE);
                assertThat(vmFlagsAround(firstAdvisedPage(pointer))).as("the mapping holding the rules is advised for huge pages").contains("hg");
            } finally {
                loaded.release();
            }
        }
    }

    /** The first whole 2 MiB page after the lowest of the rules' buffers (YR_RULES.arena->buffers[i].data). */
    private static long firstAdvisedPage(MemorySegment rules) {
        MemorySegment arena = rules.reinterpret(8).get(ADDRESS, 0).reinterpret(8 + 16 * 24);
        long low = Long.MAX_VALUE;
        for (int i = 0; i < arena.get(JAVA_INT, 4); i++) {
            long data = arena.get(JAVA_LONG, 8 + i * 24L);
            if (data != 0) {
                low = Math.min(low, data);
            }
        }
        return (low + HUGE - 1) & -HUGE;
    }

    /** The VmFlags line of the /proc/self/smaps mapping that holds {@code address}. */
    private static String vmFlagsAround(long address) throws IOException {
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                long from = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long to = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = address >= from && address < to;
            } else if (inside && line.startsWith("VmFlags:")) {
                return line;
            }
        }
        return "";
    }
}
