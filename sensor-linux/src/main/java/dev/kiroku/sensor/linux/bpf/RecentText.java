package dev.kiroku.sensor.linux.bpf;

import java.util.Arrays;

/** The text of the bytes seen last, kept so that the same bytes again give the same string without decoding. */
final class RecentText {
    interface Decoder {
        String decode(byte[] bytes, int from, int length);
    }

    private byte[] bytes = new byte[0];
    private String text;

    String of(byte[] source, int from, int length, Decoder decoder) {
        if (text != null && Arrays.equals(bytes, 0, bytes.length, source, from, from + length)) return text;
        bytes = Arrays.copyOfRange(source, from, from + length);
        text = decoder.decode(source, from, length);
        return text;
    }
}
