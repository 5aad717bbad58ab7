package dev.kiroku.event.binary;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The primitives of Kiroku's compact binary event forms (the agent journal's records and the event
 * store's stored events): a growable byte buffer, bytes, varints (unsigned, and zig-zag for signed
 * numbers), instants and length-prefixed UTF-8. Each form decides how it tags strings
 * ({@link #str}) and in which order it writes an event's fields; {@link BinaryReader} reads what this writes.
 */
public abstract class BinaryWriter {
    private byte[] buf;
    private int len;

    protected BinaryWriter(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    /** Forgets the bytes written (keeps the buffer). */
    public void reset() {
        len = 0;
    }

    public int length() {
        return len;
    }

    /** The buffer; its first {@link #length()} bytes are what was written. */
    public byte[] buffer() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    private void ensure(int more) {
        if (len + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }

    /** One byte. */
    public final void b(int v) {
        ensure(1);
        buf[len++] = (byte) v;
    }

    public final void bool(boolean v) {
        b(v ? 1 : 0);
    }

    /** An unsigned varint: 7 bits a byte, low bits first, the high bit set on all but the last byte. */
    public final void uvarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
    }

    /** A signed number as a zig-zag varint (small negative numbers stay short). */
    public final void varint(long v) {
        uvarint((v << 1) ^ (v >> 63));
    }

    /** 0 for null, else 1, the zig-zag seconds and the nanoseconds. */
    public final void instant(Instant t) {
        if (t == null) {
            b(0);
            return;
        }
        b(1);
        varint(t.getEpochSecond());
        uvarint(t.getNano());
    }

    /** Raw bytes. */
    public final void bytes(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buf, len, length);
        len += length;
    }

    /**
     * A string's UTF-8 bytes after the varint {@code (utf8Length << shift) + tag}: the form's way of
     * saying "a literal string of this length" (with {@code shift} low bits for its own tags).
     */
    public final void utf8(String s, int shift, long tag) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8); // the JDK's encoder: a vectorised copy for ASCII
        uvarint(((long) utf8.length << shift) + tag);
        bytes(utf8, 0, utf8.length);
    }

    /** A string (or null) in the form's own encoding. */
    public abstract void str(String s);

    /** A count, then each string as {@link #str} writes it. */
    public final void strings(List<String> list) {
        uvarint(list.size());
        for (String s : list) str(s);
    }

    /** An enum constant as its ordinal + 1, 0 for null. */
    public final void ordinal(Enum<?> value) {
        uvarint(value == null ? 0 : value.ordinal() + 1);
    }
}
