package dev.kiroku.store.lucene;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Entity ids as their 15 bytes: {@link dev.kiroku.event.EntityIds} writes 20 characters of URL-safe
 * base64 without padding, which the stored form keeps as the bytes they encode.
 */
final class EntityIdBytes {
    static final int LENGTH = 15;
    private static final int CHARS = 20;

    private EntityIdBytes() {
    }

    /** The 15 bytes of an id of the usual form (exactly what {@link #encode} gives back), or null for any other string. */
    static byte[] decode(String id) {
        if (id.length() != CHARS) return null;
        for (int i = 0; i < CHARS; i++) {
            char c = id.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return null;
        }
        return Base64.getUrlDecoder().decode(id); // 20 characters carry exactly 15 bytes: no unused bits
    }

    static String encode(byte[] bytes, int offset) {
        byte[] chars = Base64.getUrlEncoder().withoutPadding().encode(Arrays.copyOfRange(bytes, offset, offset + LENGTH));
        return new String(chars, StandardCharsets.US_ASCII);
    }
}
