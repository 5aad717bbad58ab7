package dev.kiroku.agent.enrich;

import dev.kiroku.agent.process.EntityIdFunction;
import dev.kiroku.event.EntityIds;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@link EntityIds#process} with libcrypto's SHA-256: the same ids, without the JDK's SHA-256 that C1 runs as plain
 * Java (one per new process: a tenth of the recorder thread's samples in an exec storm). The digest's input stays in
 * native memory with the agent's part written once. One thread uses an instance.
 */
public final class NativeEntityIds implements EntityIdFunction {
    private static final byte[] BASE64_URL =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes(StandardCharsets.US_ASCII);
    /** {@link EntityIds#process} keeps the first 15 bytes of the digest: 20 base64 characters, no padding. */
    private static final int KEPT_BYTES = 15;
    private static final int MAX_NUMBERS = 1 + 11 + 1 + 20;

    private final LibCrypto crypto;
    private final MemorySegment input;
    private final MemorySegment digest;
    private final MemorySegment context;
    private final int prefixBytes;
    private final byte[] digits = new byte[20];
    private final byte[] text = new byte[KEPT_BYTES / 3 * 4];

    private NativeEntityIds(LibCrypto crypto, byte[] agentId) {
        this.crypto = crypto;
        Arena arena = Arena.ofAuto();
        input = arena.allocate(agentId.length + MAX_NUMBERS);
        digest = arena.allocate(32);
        context = arena.allocate(LibCrypto.SHA256_CONTEXT_BYTES, 16);
        MemorySegment.copy(agentId, 0, input, JAVA_BYTE, 0, agentId.length);
        prefixBytes = agentId.length;
    }

    /** With libcrypto when it loads, else {@link EntityIds#process}. */
    public static EntityIdFunction of(String agentId) {
        LibCrypto crypto = LibCrypto.get();
        return crypto == null ? EntityIdFunction.of(agentId) : new NativeEntityIds(crypto, agentId.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String entityId(int pid, long startTicks) {
        long at = prefixBytes;
        input.set(JAVA_BYTE, at++, (byte) 0);
        at = decimal(pid, at);
        input.set(JAVA_BYTE, at++, (byte) 0);
        at = decimal(startTicks, at);
        crypto.sha256(context, input, at, digest);
        for (int i = 0, o = 0; i < KEPT_BYTES; i += 3) {
            int group = (digest.get(JAVA_BYTE, i) & 0xff) << 16 | (digest.get(JAVA_BYTE, i + 1) & 0xff) << 8
                    | digest.get(JAVA_BYTE, i + 2) & 0xff;
            text[o++] = BASE64_URL[group >>> 18];
            text[o++] = BASE64_URL[group >>> 12 & 63];
            text[o++] = BASE64_URL[group >>> 6 & 63];
            text[o++] = BASE64_URL[group & 63];
        }
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /** Writes the number as {@link Long#toString(long)} does at {@code at}; returns where it ends. */
    private long decimal(long value, long at) {
        if (value < 0) input.set(JAVA_BYTE, at++, (byte) '-');
        int n = 0;
        do {
            digits[n++] = (byte) ('0' + Math.abs(value % 10));
            value /= 10;
        } while (value != 0);
        while (n > 0) input.set(JAVA_BYTE, at++, digits[--n]);
        return at;
    }
}
