package dev.kiroku.event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Process entity ids: stable for one process, distinct across pid reuse and across agents. */
public final class EntityIds {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(EntityIds::sha256);

    private EntityIds() {
    }

    /**
     * @param agentId        the agent
     * @param pid            the process id in the initial pid namespace
     * @param startTimeTicks the kernel's start time of the process (field 22 of /proc/PID/stat)
     */
    public static String process(String agentId, int pid, long startTimeTicks) {
        MessageDigest sha = SHA256.get();
        sha.update(agentId.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(Integer.toString(pid).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) 0);
        sha.update(Long.toString(startTimeTicks).getBytes(StandardCharsets.US_ASCII));
        byte[] digest = sha.digest();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 15));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
