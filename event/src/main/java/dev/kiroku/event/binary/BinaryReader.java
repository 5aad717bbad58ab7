package dev.kiroku.event.binary;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a {@link BinaryWriter} wrote, from a range of a byte array. Every read checks the
 * range: damaged bytes throw {@link IllegalStateException} saying what was truncated or bad, never
 * read past the end or allocate by a damaged count.
 */
public abstract class BinaryReader {
    private final byte[] buf;
    private final int end;
    private int pos;

    /** Reads {@code buf[offset, end)}. */
    protected BinaryReader(byte[] buf, int offset, int end) {
        this.buf = buf;
        this.pos = offset;
        this.end = end;
    }

    public final boolean atEnd() {
        return pos == end;
    }

    /** Bytes left to read. */
    public final int remaining() {
        return end - pos;
    }

    public final int b() {
        if (pos >= end) throw new IllegalStateException("truncated");
        return buf[pos++] & 0xFF;
    }

    public final boolean bool() {
        return b() != 0;
    }

    public final long uvarint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int x = b();
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) return v;
        }
        throw new IllegalStateException("varint too long");
    }

    public final long varint() {
        long u = uvarint();
        return (u >>> 1) ^ -(u & 1);
    }

    /** A zig-zag varint that must fit an int. */
    public final int int32() {
        return Math.toIntExact(varint());
    }

    public final Instant instant() {
        if (b() == 0) return null;
        long seconds = varint();
        return Instant.ofEpochSecond(seconds, uvarint());
    }

    /** The next {@code length} bytes as UTF-8. */
    public final String utf8(long length) {
        if (length < 0 || length > end - pos) throw new IllegalStateException("truncated string");
        String s = new String(buf, pos, (int) length, StandardCharsets.UTF_8);
        pos += (int) length;
        return s;
    }

    /** The next {@code length} raw bytes: the array and where they start (the position moves past them). */
    public final int skip(int length) {
        if (length < 0 || length > end - pos) throw new IllegalStateException("truncated");
        int at = pos;
        pos += length;
        return at;
    }

    /** The array read from (with {@link #skip} for raw bytes). */
    protected final byte[] array() {
        return buf;
    }

    /** A string (or null) in the form's own encoding. */
    public abstract String str();

    /** A count, then that many strings as {@link #str} reads them. */
    public final List<String> strings() {
        long n = uvarint();
        if (n > end - pos) throw new IllegalStateException("truncated list");
        List<String> list = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) list.add(str());
        return list;
    }

    /** An enum constant written by {@link BinaryWriter#ordinal}. */
    public final <T> T ordinal(T[] values) {
        long v = uvarint();
        return v == 0 ? null : at(values, v - 1);
    }

    /** {@code values[index]}, or an error naming the unknown index. */
    public static <T> T at(T[] values, long index) {
        if (index < 0 || index >= values.length) throw new IllegalStateException("unknown value " + index);
        return values[(int) index];
    }
}
