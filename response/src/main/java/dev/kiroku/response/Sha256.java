package dev.kiroku.response;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 helpers: a new digest, lowercase hex, and validation of hash text from commands. */
public final class Sha256 {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");

    private Sha256() {
    }

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** The lowercase form of a valid SHA-256 hex string; throws naming the bad value otherwise. */
    public static String normalise(String text) {
        String t = text.trim();
        if (!HEX64.matcher(t).matches()) {
            throw new IllegalArgumentException("not a SHA-256 (64 hex digits): '" + text + "'");
        }
        return t.toLowerCase(java.util.Locale.ROOT);
    }
}
