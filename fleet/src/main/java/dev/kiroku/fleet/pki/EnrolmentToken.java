package dev.kiroku.fleet.pki;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An enrolment token as an admin hands it to agents: {@code K1.<secret>.<CA fingerprint>}. The secret
 * (32 random bytes) proves the agent may enrol; the server keeps only its SHA-256. The CA fingerprint
 * lets the agent check, before sending anything, that it talks to the server that made the token.
 */
public record EnrolmentToken(String secret, String caFingerprint) {
    private static final String PREFIX = "K1";
    private static final SecureRandom RANDOM = new SecureRandom();

    public static EnrolmentToken generate(String caFingerprint) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return new EnrolmentToken(Base64.getUrlEncoder().withoutPadding().encodeToString(secret), caFingerprint);
    }

    /** @throws IllegalArgumentException saying what part of the text is wrong */
    public static EnrolmentToken parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("\\.");
        if (parts.length != 3 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("an enrolment token looks like K1.<secret>.<fingerprint> (from ./kiroku token create)");
        }
        if (!parts[2].matches("[0-9a-f]{64}")) throw new IllegalArgumentException("the token's CA fingerprint is not 64 hex digits");
        if (!parts[1].matches("[A-Za-z0-9_-]{43}")) throw new IllegalArgumentException("the token's secret is not 43 base64url characters");
        return new EnrolmentToken(parts[1], parts[2]);
    }

    /** What the server stores and looks tokens up by. */
    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String hash() {
        return hash(secret);
    }

    @Override
    public String toString() {
        return PREFIX + "." + secret + "." + caFingerprint;
    }
}
