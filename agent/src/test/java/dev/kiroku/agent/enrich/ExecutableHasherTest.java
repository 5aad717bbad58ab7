package dev.kiroku.agent.enrich;

import dev.kiroku.sensor.linux.procfs.FileIdentity;
import dev.kiroku.sensor.linux.procfs.ProcFiles;
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

        assertThat(hasher.hash(file.toString())).isEqualTo(hashed(file));
        assertThat(hasher.hash(file.toString())).isEqualTo(hashed(file));
        assertThat(hasher.hashedFiles()).isEqualTo(1);

        Files.writeString(file, "#!/bin/sh\necho two, longer\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
        assertThat(hasher.hash(file.toString())).isEqualTo(hashed(file));
        assertThat(hasher.hashedFiles()).isEqualTo(2);

        Path copy = Files.copy(file, dir.resolve("copy")); // another inode: hashed on its own
        assertThat(hasher.hash(copy.toString())).isEqualTo(hashed(file));
        assertThat(hasher.hashedFiles()).isEqualTo(3);
    }

    @Test
    void theIdentityAnExecRecordCarriesFindsTheDigestsWithoutTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("tool"), "#!/bin/sh\necho one\n");
        FileIdentity ran = ProcFiles.identity(file.toString());
        ExecutableHasher hasher = new ExecutableHasher(1 << 20, InstantSource.system());
        ExecutableHasher.Result first = hasher.hash(file.toString(), ran);
        assertThat(first).isEqualTo(hashed(file));

        Files.delete(file); // the process runs on: its record names the path " (deleted)" with the same identity
        assertThat(hasher.hash(file + " (deleted)", ran)).isEqualTo(first);
        assertThat(hasher.hash(file + " (deleted)", null))
                .isEqualTo(new ExecutableHasher.Result.Skipped(ExecutableHasher.Skip.GONE));
        assertThat(hasher.hashedFiles()).isEqualTo(1);
    }

    @Test
    void anIdentityTheFileNoLongerHasIsNotTrustedForWhatThePathHoldsNow() throws Exception {
        Path file = Files.writeString(dir.resolve("tool"), "#!/bin/sh\necho one\n");
        FileIdentity ran = ProcFiles.identity(file.toString());
        Files.writeString(file, "#!/bin/sh\necho two, longer\n"); // replaced before the agent looked
        ExecutableHasher hasher = new ExecutableHasher(1 << 20, InstantSource.system());
        assertThat(hasher.hash(file.toString(), ran)).isEqualTo(hashed(file));
        // the digests were stored under the identity the file had when read, not under the one the exec reported
        Files.delete(file);
        assertThat(hasher.hash(file.toString(), ran))
                .isEqualTo(new ExecutableHasher.Result.Skipped(ExecutableHasher.Skip.GONE));
        // an identity statx never gives (as on a file system whose exec records name another device) costs a statx
        Path other = Files.writeString(dir.resolve("other"), "#!/bin/sh\necho three\n");
        FileIdentity real = ProcFiles.identity(other.toString());
        FileIdentity foreign = new FileIdentity(real.device() + 1, real.inode(), real.size(), real.mtimeNanos());
        assertThat(hasher.hash(other.toString(), foreign)).isEqualTo(hashed(other));
        assertThat(hasher.hash(other.toString(), foreign)).isEqualTo(hashed(other));
        assertThat(hasher.hashedFiles()).isEqualTo(2);
    }

    @Test
    void aMissingFileIsGone() {
        ExecutableHasher hasher = new ExecutableHasher(1 << 20, InstantSource.system());
        assertThat(hasher.hash(dir.resolve("absent").toString()))
                .isEqualTo(new ExecutableHasher.Result.Skipped(ExecutableHasher.Skip.GONE));
        assertThat(hasher.hash(null)).isEqualTo(new ExecutableHasher.Result.Skipped(ExecutableHasher.Skip.GONE));
    }

    @Test
    void theThreeDigestsMatchKnownValues() throws Exception {
        Path file = Files.writeString(dir.resolve("abc"), "abc");
        ExecutableHasher hasher = new ExecutableHasher(1 << 20, InstantSource.system());
        assertThat(hasher.hash(file.toString())).isEqualTo(new ExecutableHasher.Result.Hashed(
                "900150983cd24fb0d6963f7d28e17f72", "a9993e364706816aba3e25717850c26c9cd0d89d",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    /** The digests as the JDK computes them from the whole content, each on its own. */
    private static ExecutableHasher.Result.Hashed hashed(Path file) throws Exception {
        byte[] content = Files.readAllBytes(file);
        return new ExecutableHasher.Result.Hashed(digest("MD5", content), digest("SHA-1", content), digest("SHA-256", content));
    }

    private static String digest(String algorithm, byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
    }
}
