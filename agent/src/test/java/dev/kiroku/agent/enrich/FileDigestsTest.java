package dev.kiroku.agent.enrich;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FileDigestsTest {
    @TempDir
    Path dir;

    @Test
    void libcryptoAndTheJdkGiveTheSameDigestsAtEveryBufferBoundary() throws Exception {
        assumeTrue(LibCrypto.get() != null, LibCrypto.SONAME + " is not installed (Debian package libssl3): only the JDK path runs");
        FileDigests nativeDigests = new FileDigests();
        FileDigests jdkDigests = new FileDigests(null);
        Random random = new Random(20261127);
        for (int size : new int[]{0, 1, 63, 64, 65, 65_535, 65_536, 65_537, 3 * 65_536, 1_000_003}) {
            byte[] content = new byte[size];
            random.nextBytes(content);
            Path file = Files.write(dir.resolve("f" + size), content);
            FileDigests.Digests expected = new FileDigests.Digests(hex("MD5", content), hex("SHA-1", content), hex("SHA-256", content));
            assertThat(nativeDigests.of(file)).as("libcrypto, %d bytes", size).isEqualTo(expected);
            assertThat(jdkDigests.of(file)).as("JDK, %d bytes", size).isEqualTo(expected);
        }
    }

    @Test
    void aFinalSymbolicLinkIsNotFollowedWhenAskedAndAMissingFileFails() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "#!/bin/sh\n");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        for (FileDigests digests : new FileDigests[]{new FileDigests(), new FileDigests(null)}) {
            assertThat(digests.of(link)).isEqualTo(digests.of(target));
            assertThatThrownBy(() -> digests.of(link, LinkOption.NOFOLLOW_LINKS)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> digests.of(dir.resolve("missing"))).isInstanceOf(IOException.class);
            assertThat(digests.of(target).sha256()).isEqualTo(hex("SHA-256", Files.readAllBytes(target)));
        }
    }

    private static String hex(String algorithm, byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
    }
}
