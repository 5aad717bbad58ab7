package dev.kiroku.yara.scan;

import dev.kiroku.yara.api.RuleSource;
import dev.kiroku.yara.api.ScanOptions;
import dev.kiroku.yara.api.ScanSkip;
import dev.kiroku.yara.api.YaraMatch;
import dev.kiroku.yara.compile.CompiledRules;
import dev.kiroku.yara.compile.RuleSetCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class YaraScannerTest {
    private static final String RULES = """
            rule marker : malware linux {
                meta:
                    description = "finds the marker"
                    severity = 7
                    confirmed = true
                strings:
                    $m = "KIROKU-TEST-MARKER"
                    $h = { 4B 49 52 4F 4B 55 }
                condition:
                    $m and $h
            }
            rule only_for_scripts {
                strings: $m = "KIROKU-TEST-MARKER"
                condition: $m and extension == ".sh" and filename startswith "run" and filetype == ""
            }
            rule only_elf { condition: filetype == "ELF" }
            rule owned_by_root { strings: $m = "KIROKU-TEST-MARKER" condition: $m and owner == "root" }
            """;

    @TempDir
    Path dir;

    private CompiledRules compile(String text) {
        CompiledRules rules = new RuleSetCompiler().compileSources(List.of(new RuleSource("test", text)));
        assertThat(rules.refused()).isEmpty();
        return rules;
    }

    @Test
    void fileMatchCarriesRuleNamespaceTagsMetaAndStringOffsets() throws Exception {
        Path file = Files.writeString(dir.resolve("sample.bin"), "0123456789KIROKU-TEST-MARKER tail KIROKU-TEST-MARKER");
        ScanCollector out = new ScanCollector();
        try (CompiledRules rules = compile(RULES); YaraScanner scanner = new YaraScanner(rules, ScanOptions.defaults())) {
            scanner.scanPath(file, out);
        }
        assertThat(out.filesScanned()).isEqualTo(1);
        assertThat(out.bytesScanned()).isEqualTo(Files.size(file));
        YaraMatch match = out.matches().stream().filter(m -> m.rule().equals("marker")).findFirst().orElseThrow();
        assertThat(match.namespace()).isEqualTo("test");
        assertThat(match.tags()).containsExactly("malware", "linux");
        assertThat(match.meta()).containsEntry("description", "finds the marker").containsEntry("severity", 7L)
                .containsEntry("confirmed", true);
        assertThat(match.file()).isEqualTo(file.toString());
        assertThat(match.pid()).isNull();
        assertThat(match.strings()).extracting(s -> s.identifier() + "@" + s.address() + "+" + s.length())
                .containsExactlyInAnyOrder("$m@10+18", "$m@34+18", "$h@10+6", "$h@34+6");
        assertThat(match.strings().getFirst().preview()).startsWith("KIROKU");
    }

    @Test
    void externalsDecideMatches() throws Exception {
        Path script = Files.writeString(dir.resolve("run-me.sh"), "echo KIROKU-TEST-MARKER");
        Path other = Files.writeString(dir.resolve("data.txt"), "echo KIROKU-TEST-MARKER");
        Path elf = Files.write(dir.resolve("tool"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        ScanCollector out = new ScanCollector();
        try (CompiledRules rules = compile(RULES); YaraScanner scanner = new YaraScanner(rules, ScanOptions.defaults())) {
            scanner.scanPath(script, out);
            scanner.scanPath(other, out);
            scanner.scanPath(elf, out);
        }
        assertThat(rulesFor(out, script)).containsExactlyInAnyOrder("marker", "only_for_scripts", "owned_by_root");
        assertThat(rulesFor(out, other)).containsExactlyInAnyOrder("marker", "owned_by_root");
        assertThat(rulesFor(out, elf)).containsExactly("only_elf");
    }

    @Test
    void externalsFollowEveryFileOfALongScanAsAFreshScannerSeesThem() throws Exception {
        String rules = """
                rule ext_sh { condition: extension == ".sh" }
                rule in_bin { condition: filepath endswith "/bin" }
                rule named_run { condition: filename startswith "run" }
                rule elf_type { condition: filetype == "ELF" }
                rule nobody_owns { condition: owner == "nobody" }
                rule root_owns { condition: owner == "root" }
                """;
        var nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Random random = new Random(20261127);
        List<String> directories = List.of("bin", "lib", "lib/bin", "share");
        List<String> names = List.of("run", "data", "runner", "x");
        List<String> extensions = List.of(".sh", ".txt", "", ".SH");
        List<Path> files = new java.util.ArrayList<>();
        for (int i = 0; i < 80; i++) {
            Path parent = Files.createDirectories(dir.resolve(directories.get(random.nextInt(directories.size()))));
            Path file = parent.resolve(names.get(random.nextInt(names.size())) + i + extensions.get(random.nextInt(extensions.size())));
            Files.write(file, random.nextBoolean() ? new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0} : "#!/bin/sh\n".getBytes());
            if (random.nextBoolean()) {
                Files.setOwner(file, nobody);
            }
            files.add(file);
        }
        ScanCollector tree = new ScanCollector();
        try (CompiledRules compiled = compile(rules)) {
            try (YaraScanner scanner = new YaraScanner(compiled, ScanOptions.defaults())) {
                scanner.scanPath(dir, tree);
            }
            assertThat(tree.filesScanned()).isEqualTo(files.size());
            for (Path file : files) {
                ScanCollector alone = new ScanCollector();
                try (YaraScanner scanner = new YaraScanner(compiled, ScanOptions.defaults())) {
                    scanner.scanPath(file, alone);
                }
                assertThat(rulesFor(tree, file)).as(file.toString()).containsExactlyInAnyOrderElementsOf(rulesFor(alone, file))
                        .contains(Files.getOwner(file).getName().equals("nobody") ? "nobody_owns" : "root_owns");
            }
        }
    }

    @Test
    void treeScanAppliesGlobsAndSizeLimitAndSkipsSpecialFiles() throws Exception {
        Files.createDirectories(dir.resolve("keep/deeper"));
        Files.createDirectories(dir.resolve("cache"));
        Path wanted = Files.writeString(dir.resolve("keep/deeper/a.txt"), "KIROKU-TEST-MARKER");
        Files.writeString(dir.resolve("keep/b.log"), "KIROKU-TEST-MARKER"); // not included
        Files.writeString(dir.resolve("cache/c.txt"), "KIROKU-TEST-MARKER"); // excluded directory
        Path big = Files.writeString(dir.resolve("keep/big.txt"), "KIROKU-TEST-MARKER" + "x".repeat(5000));
        Path link = Files.createSymbolicLink(dir.resolve("keep/link.txt"), wanted);
        Path fifo = dir.resolve("keep/pipe.txt");
        new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
        Path socketPath = dir.resolve("keep/sock.txt");
        ScanCollector out = new ScanCollector();
        ScanOptions options = ScanOptions.defaults().withFilters(List.of("*.txt"), List.of("cache"), 1000);
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(socketPath));
            try (CompiledRules rules = compile(RULES); YaraScanner scanner = new YaraScanner(rules, options)) {
                scanner.scanPath(dir, out);
            }
        }
        assertThat(out.matches()).extracting(YaraMatch::file).containsOnly(wanted.toString());
        assertThat(out.filesScanned()).isEqualTo(1);
        assertThat(out.skipped()).extracting(ScanSkip::target, ScanSkip::reason).contains(
                org.assertj.core.groups.Tuple.tuple(big.toString(), "larger than the size limit (5018 > 1000 bytes)"),
                org.assertj.core.groups.Tuple.tuple(link.toString(), "symbolic link (not followed)"),
                org.assertj.core.groups.Tuple.tuple(fifo.toString(), "FIFO"),
                org.assertj.core.groups.Tuple.tuple(socketPath.toString(), "socket"));
    }

    @Test
    void devicesAndProcAreSkippedWithAReason() throws Exception {
        ScanCollector out = new ScanCollector();
        try (CompiledRules rules = compile(RULES); YaraScanner scanner = new YaraScanner(rules, ScanOptions.defaults())) {
            scanner.scanPath(Path.of("/dev/null"), out);
            scanner.scanPath(Path.of("/proc"), out);
            scanner.scanPath(dir.resolve("does-not-exist"), out);
        }
        assertThat(out.skipped()).extracting(ScanSkip::target, ScanSkip::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/dev/null", "character device"),
                org.assertj.core.groups.Tuple.tuple("/proc", "pseudo filesystem (proc)"),
                org.assertj.core.groups.Tuple.tuple(dir.resolve("does-not-exist").toString(), "no such file"));
        assertThat(out.filesScanned()).isZero();
    }

    @Test
    void slowRuleTimesOutPerFileAndTheNextFileIsStillScanned() throws Exception {
        Path large = dir.resolve("large.bin");
        Files.write(large, new byte[64 << 20]);
        Path small = Files.writeString(dir.resolve("small.txt"), "KIROKU-TEST-MARKER");
        String slow = RULES + "\nrule slow_loop { condition: for all i in (0..filesize) : (uint8(i) < 200 and uint8(i) != 201) }";
        ScanCollector out = new ScanCollector();
        try (CompiledRules rules = compile(slow);
             YaraScanner scanner = new YaraScanner(rules, ScanOptions.defaults().withTimeout(1))) {
            long started = System.nanoTime();
            scanner.scanPath(large, out);
            assertThat((System.nanoTime() - started) / 1e9).isLessThan(10);
            scanner.scanPath(small, out);
        }
        assertThat(out.skipped()).extracting(ScanSkip::target, ScanSkip::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(large.toString(), "timed out after 1 s"));
        assertThat(rulesFor(out, small)).contains("marker");
    }

    private static List<String> rulesFor(ScanCollector out, Path file) {
        return out.matches().stream().filter(m -> file.toString().equals(m.file())).map(YaraMatch::rule).toList();
    }
}
