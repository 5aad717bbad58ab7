package dev.kiroku.sandbox.statics;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class ExecutableParsersTest {
    @Test
    void readsTheSystemsOwnElfBinaries() throws IOException {
        byte[] ls = Files.readAllBytes(Path.of("/bin/ls"));
        assertThat(FileType.of(ls)).isEqualTo(FileType.ELF);
        ExecutableInfo info = ElfParser.parse(ls);
        assertThat(info.problems()).isEmpty();
        assertThat(info.format()).isEqualTo("elf64");
        assertThat(info.machine()).isEqualTo("x86_64");
        assertThat(info.interpreter()).startsWith("/lib64/ld-linux");
        assertThat(info.sections()).extracting(Section::name).contains(".text", ".dynsym", ".rodata");
        Section text = info.sections().stream().filter(s -> s.name().equals(".text")).findFirst().orElseThrow();
        assertThat(text.executable()).isTrue();
        assertThat(text.entropy()).isBetween(4.0, 7.2);
        assertThat(info.imports()).contains("opendir", "readdir", "malloc");
    }

    @Test
    void builtElfShowsItsSectionsAndPackerSigns() {
        byte[] packed = Executables.elf(Executables.random(7, 8192), "UPX1", true);
        ExecutableInfo info = ElfParser.parse(packed);
        assertThat(info.problems()).isEmpty();
        assertThat(info.sections()).extracting(Section::name).containsExactly("", "UPX1", ".shstrtab");
        assertThat(info.sections().get(1).entropy()).isGreaterThan(Entropy.PACKED);
        StaticAnalyzer analyzer = new StaticAnalyzer(StaticAnalyzer.builtInChecks(KnownBadHashes.empty()), ArchiveLimits.defaults());
        StaticReport report = analyzer.analyze("packed.elf", packed);
        assertThat(report.reasons()).extracting(r -> r.code()).contains("static.packer.upx", "static.packer.entropy");
        assertThat(report.reasons().stream().filter(r -> r.code().equals("static.packer.upx")).findFirst().orElseThrow().evidence())
                .contains("offset 128");

        byte[] plain = Executables.elf(new byte[4096], ".text", false);
        assertThat(analyzer.analyze("plain.elf", plain).reasons()).isEmpty();
    }

    @Test
    void peImportsAreReadThroughTheSectionTable() {
        byte[] pe = Executables.pe("KERNEL32.dll", "VirtualAllocEx", "WriteProcessMemory", "CreateRemoteThread", "ExitProcess");
        assertThat(FileType.of(pe)).isEqualTo(FileType.PE);
        ExecutableInfo info = PeParser.parse(pe);
        assertThat(info.problems()).isEmpty();
        assertThat(info.format()).isEqualTo("pe32+");
        assertThat(info.machine()).isEqualTo("x86_64");
        assertThat(info.sections()).extracting(Section::name).containsExactly(".idata");
        assertThat(info.imports()).containsExactly("KERNEL32.dll!VirtualAllocEx", "KERNEL32.dll!WriteProcessMemory",
                "KERNEL32.dll!CreateRemoteThread", "KERNEL32.dll!ExitProcess");
        StaticReport report = new StaticAnalyzer(StaticAnalyzer.builtInChecks(KnownBadHashes.empty()), ArchiveLimits.defaults())
                .analyze("inject.exe", pe);
        assertThat(report.reasons()).extracting(r -> r.code()).contains("static.imports", "static.imports.combination");
    }

    @Test
    void truncatedAndCorruptedHeadersGiveProblemLinesNeverExceptions() throws IOException {
        byte[] ls = Files.readAllBytes(Path.of("/bin/ls"));
        byte[] pe = Executables.pe("USER32.dll", "MessageBoxA");
        StaticAnalyzer analyzer = new StaticAnalyzer(StaticAnalyzer.builtInChecks(KnownBadHashes.empty()), ArchiveLimits.defaults());
        Random random = new Random(20261127);
        for (int round = 0; round < 400; round++) {
            byte[] base = round % 2 == 0 ? ls : pe;
            byte[] mutated = java.util.Arrays.copyOf(base, random.nextInt(4) == 0 ? random.nextInt(base.length) + 1 : base.length);
            int flips = 1 + random.nextInt(32);
            for (int i = 0; i < flips; i++) {
                int at = random.nextInt(Math.min(mutated.length, 1024)); // headers live at the start
                mutated[at] = (byte) random.nextInt(256);
            }
            String name = "mutant-" + round;
            assertThatCode(() -> analyzer.analyze(name, mutated)).as(name).doesNotThrowAnyException();
        }
        byte[] cut = java.util.Arrays.copyOf(ls, 100);
        assertThat(ElfParser.parse(cut).problems()).singleElement().asString().contains("past the end of the file");
    }
}
