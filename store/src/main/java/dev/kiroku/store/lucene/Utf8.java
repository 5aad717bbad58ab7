package dev.kiroku.store.lucene;

import org.apache.lucene.util.BytesRef;

import java.nio.charset.StandardCharsets;

/**
 * Terms and doc values as UTF-8 bytes, made by the JDK's encoder (vectorised for the ASCII strings
 * events are made of) instead of Lucene's char-by-char {@code BytesRef(CharSequence)}, which took a
 * tenth of the ingest CPU. The bytes are always Lucene's own, so a query's {@code Term(field, String)}
 * finds what was indexed: the two encoders differ only on an unpaired surrogate (the JDK's writes
 * {@code ?}, Lucene's U+FFFD), so a string whose bytes hold a {@code ?} is encoded by Lucene.
 */
final class Utf8 {
    private Utf8() {
    }

    static BytesRef bytes(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        for (byte b : utf8) {
            if (b == '?') return new BytesRef(s);
        }
        return new BytesRef(utf8);
    }
}
