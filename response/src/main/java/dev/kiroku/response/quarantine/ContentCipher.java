package dev.kiroku.response.quarantine;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * AES-256-CTR over quarantined content with the store's own random key ({@code store.key}, mode
 * 0400), so a stored sample can neither run nor be picked up by a scanner as the original bytes.
 * Integrity is checked by the SHA-256 of the plaintext recorded with each item.
 */
final class ContentCipher {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    private ContentCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** Loads the store key, creating it (mode 0400) on first use. */
    static ContentCipher forStore(Path dir) throws IOException {
        Path file = dir.resolve("store.key");
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            Path tmp = Files.createTempFile(dir, ".key-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--------")));
            Files.write(tmp, key);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length != 32) {
            throw new IOException("quarantine key " + file + " is damaged (" + key.length + " bytes, expected 32)");
        }
        return new ContentCipher(key);
    }

    static byte[] newIv() {
        byte[] iv = new byte[16];
        RANDOM.nextBytes(iv);
        return iv;
    }

    /** A fresh cipher for one item; CTR is symmetric, so the same call serves both directions. */
    Cipher cipher(byte[] iv, boolean encrypt) {
        try {
            Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
            c.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, key, new IvParameterSpec(iv));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR is part of every JDK", e);
        }
    }
}
