package dev.kiroku.agent.enrich;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class ExecutableHasherTest {
    @TempDir
    Path dir;

    @Test
    void hashesOnceUntilTheFileChanges() throws Exception {
        Path file = dir.resolve("tool");
        Files.writeString(file, "#!/bin/sh\necho one\n");
        ExecutableHasher hasher = new ExecutableHasher(1 << 20, InstantSource.system());

        assertThat(hasher.hash(file.toString())).isEqualTo(new ExecutableHasher.Result.Hashed(sha256(file)));
        assertThat(hasher.hash(file.toString())).isEqualTo(new ExecutableHasher.Result.Hashed(sha256(file)));
        assertThat(hasher.hashedFiles()).isEqualTo(1);

        Files.writeString(file, "#!/bin/sh\necho two, longer\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
        assertThat(hasher.hash(file.toString())).isEqualTo(new ExecutableHasher.Result.Hashed(sha256(file)));
        assertThat(hasher.hashedFiles()).isEqualTo(2);

        Path copy = Files.copy(file, dir.resolve("copy")); // another inode: hashed on its own
        assertThat(hasher.hash(copy.toString())).isEqualTo(new ExecutableHasher.Result.Hashed(sha256(file)));
        assertThat(hasher.hashedFiles()).isEqualTo(3);
    }

    @Test
    void aMissingFileIsGone() {
        ExecutableHasher hasher = new ExecutableHasher(1 << 20, InstantSource.system());
        assertThat(hasher.hash(dir.resolve("absent").toString()))
                .isEqualTo(new ExecutableHasher.Result.Skipped(ExecutableHasher.Skip.GONE));
        assertThat(hasher.hash(null)).isEqualTo(new ExecutableHasher.Result.Skipped(ExecutableHasher.Skip.GONE));
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
