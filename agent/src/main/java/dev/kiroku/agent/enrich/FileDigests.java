package dev.kiroku.agent.enrich;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * MD5, SHA-1 and SHA-256 of a file in one read: the SHA-256 is Kiroku's identity of a file, MD5 and SHA-1 are what
 * most shared indicator lists and OpenIOC files carry. Digests with libcrypto when it is there ({@link LibCrypto}:
 * the file is read into native memory and digested there), else with the JDK. Reuses its digests and buffers: one
 * instance per thread.
 */
public final class FileDigests {
    /** The three digests of one file, lower-case hex. */
    public record Digests(String md5, String sha1, String sha256) {
    }

    private static final int BUFFER_BYTES = 1 << 16;
    private final LibCrypto crypto;
    private MessageDigest md5;
    private MessageDigest sha1;
    private MessageDigest sha256;
    private byte[] buffer;
    private MemorySegment nativeBuffer;
    private MemorySegment nativeOut;

    public FileDigests() {
        this(LibCrypto.get());
    }

    /** With {@code crypto} null, the JDK's digests (tests compare the two). */
    FileDigests(LibCrypto crypto) {
        this.crypto = crypto;
    }

    /** Reads the file once (not following a final symbolic link when {@code options} say so) and digests it. */
    public Digests of(Path file, LinkOption... options) throws IOException {
        return crypto != null ? withLibCrypto(file, options) : withJdk(file, options);
    }

    private Digests withLibCrypto(Path file, LinkOption... options) throws IOException {
        if (nativeBuffer == null) {
            Arena arena = Arena.ofAuto();
            nativeBuffer = arena.allocate(BUFFER_BYTES, 64);
            nativeOut = arena.allocate(64, 8);
        }
        OpenOption[] open = new OpenOption[options.length + 1];
        open[0] = StandardOpenOption.READ;
        System.arraycopy(options, 0, open, 1, options.length);
        MemorySegment md5Ctx = crypto.start(crypto.md5);
        MemorySegment sha1Ctx = null;
        MemorySegment sha256Ctx = null;
        try (FileChannel channel = FileChannel.open(file, open)) {
            sha1Ctx = crypto.start(crypto.sha1);
            sha256Ctx = crypto.start(crypto.sha256);
            ByteBuffer chunk = nativeBuffer.asByteBuffer();
            for (int n; (n = channel.read(chunk.clear())) >= 0; ) {
                if (n == 0) continue;
                crypto.update(md5Ctx, nativeBuffer, n);
                crypto.update(sha1Ctx, nativeBuffer, n);
                crypto.update(sha256Ctx, nativeBuffer, n);
            }
            return new Digests(finish(md5Ctx, 16), finish(sha1Ctx, 20), finish(sha256Ctx, 32));
        } finally {
            crypto.free(md5Ctx);
            if (sha1Ctx != null) crypto.free(sha1Ctx);
            if (sha256Ctx != null) crypto.free(sha256Ctx);
        }
    }

    private String finish(MemorySegment ctx, int bytes) {
        crypto.finish(ctx, nativeOut);
        return HexFormat.of().formatHex(nativeOut.asSlice(0, bytes).toArray(JAVA_BYTE));
    }

    private Digests withJdk(Path file, LinkOption... options) throws IOException {
        if (buffer == null) {
            md5 = digest("MD5");
            sha1 = digest("SHA-1");
            sha256 = digest("SHA-256");
            buffer = new byte[BUFFER_BYTES];
        }
        md5.reset();
        sha1.reset();
        sha256.reset();
        try (InputStream in = Files.newInputStream(file, options)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md5.update(buffer, 0, n);
                sha1.update(buffer, 0, n);
                sha256.update(buffer, 0, n);
            }
        }
        HexFormat hex = HexFormat.of();
        return new Digests(hex.formatHex(md5.digest()), hex.formatHex(sha1.digest()), hex.formatHex(sha256.digest()));
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}
