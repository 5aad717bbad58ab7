package dev.kiroku.agent.enrich;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Written files get digests only when they are executables (an execute bit, an ELF header or a {@code #!} line), within
 * the hasher's byte budget and size limit; everything skipped is counted, nothing else is read.
 */
class WrittenExecutablesTest {
    @TempDir
    Path dir;

    private final ExecutableHasher hasher = new ExecutableHasher(1 << 20, InstantSource.system());

    @Test
    void onlyExecutablesAreHashed() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "just text\n");
        Path script = Files.writeString(dir.resolve("run"), "echo hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-----"));
        Path shebang = Files.writeString(dir.resolve("dropper.sh"), "#!/bin/sh\nid\n");
        Path elf = Files.write(dir.resolve("payload.bin"), new byte[]{0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        Path almostElf = Files.write(dir.resolve("elf.txt"), new byte[]{0x7f, 'E', 'L'});

        assertThat(hasher.hashWritten(text.toString())).isNull();
        assertThat(hasher.hashWritten(almostElf.toString())).isNull();
        for (Path executable : new Path[]{script, shebang, elf}) {
            assertThat(hasher.hashWritten(executable.toString())).as(executable.toString())
                    .isEqualTo(hasher.hash(executable.toString()))
                    .isInstanceOf(ExecutableHasher.Result.Hashed.class);
        }
        assertThat(hasher.hashedFiles()).isEqualTo(3);
    }

    @Test
    void specialFilesDirectoriesLinksAndMissingFilesAreNotRead() throws Exception {
        Path fifo = dir.resolve("pipe");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor(10, TimeUnit.SECONDS)).isTrue();
        Path elf = Files.write(dir.resolve("a.out"), new byte[]{0x7f, 'E', 'L', 'F'});
        Path link = Files.createSymbolicLink(dir.resolve("link"), elf);

        assertThat(hasher.hashWritten(fifo.toString())).isNull(); // opening it would block: never opened
        assertThat(hasher.hashWritten(dir.toString())).isNull();
        assertThat(hasher.hashWritten(link.toString())).isNull();
        assertThat(hasher.hashWritten(dir.resolve("gone").toString())).isNull();
        assertThat(hasher.hashWritten("/proc/self/exe")).isNull();
        assertThat(hasher.hashedFiles()).isZero();
    }

    @Test
    void anExecutableOverTheSizeLimitIsCountedNotRead() throws Exception {
        Path big = dir.resolve("big.bin");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.write(new byte[]{0x7f, 'E', 'L', 'F'});
            file.setLength(ExecutableHasher.WRITTEN_FILE_LIMIT + 1); // sparse: no disk used
        }
        assertThat(hasher.hashWritten(big.toString()))
                .isEqualTo(new ExecutableHasher.Result.Skipped(ExecutableHasher.Skip.OVER_SIZE_LIMIT));
        assertThat(hasher.writtenNotHashed()).isEqualTo(1);
        assertThat(hasher.hashedFiles()).isZero();
    }

    @Test
    void anExecutableOverTheBudgetIsCountedAsABudgetSkip() throws Exception {
        ExecutableHasher small = new ExecutableHasher(100, InstantSource.fixed(Instant.parse("2026-11-27T12:00:00Z")));
        Path first = Files.writeString(dir.resolve("first.sh"), "#!/bin/sh\n" + "#".repeat(80) + "\n");
        Path second = Files.writeString(dir.resolve("second.sh"), "#!/bin/sh\n" + "#".repeat(80) + "\n");
        assertThat(small.hashWritten(first.toString())).isInstanceOf(ExecutableHasher.Result.Hashed.class);
        assertThat(small.hashWritten(second.toString()))
                .isEqualTo(new ExecutableHasher.Result.Skipped(ExecutableHasher.Skip.OVER_BUDGET));
        assertThat(small.skippedForBudget()).isEqualTo(1);
        assertThat(small.writtenNotHashed()).isZero();
    }
}
