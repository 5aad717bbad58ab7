package dev.kiroku.sensor.linux.fanotify;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes Linux path bytes, which need not be UTF-8. Valid UTF-8 is decoded as is; each byte of
 * an invalid sequence becomes the four characters {@code \xNN}, so nothing is dropped and the
 * original bytes can be recovered, and the result says that this happened.
 */
record PathText(String text, boolean exact) {

    static PathText decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    static PathText decode(byte[] bytes, int from, int to) {
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            if (bytes[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new PathText(new String(bytes, from, to - from, StandardCharsets.ISO_8859_1), true);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        CharBuffer out = CharBuffer.allocate((to - from) * 4 + 4);
        boolean exact = true;
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isUnderflow()) {
                break;
            }
            if (result.isError()) {
                exact = false;
                for (int i = 0; i < result.length(); i++) {
                    out.put(String.format("\\x%02x", in.get() & 0xff));
                }
            } else {
                break; // overflow cannot happen with 4 chars per byte
            }
        }
        decoder.flush(out);
        out.flip();
        return new PathText(out.toString(), exact);
    }
}
