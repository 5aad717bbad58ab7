package dev.kiroku.agent.journal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The block frame: a fixed header with sequence and time bounds, then the (compressed) events.
 * See JOURNAL.md for the layout. Big-endian throughout.
 */
final class BlockFormat {
    static final int MAGIC = 0x4B4A424B; // "KJBK"
    static final int HEADER_BYTES = 52;
    static final int MAX_PAYLOAD_BYTES = 64 << 20;
    static final byte STORED = 0;
    static final byte DEFLATE = 1;

    private BlockFormat() {
    }

    /** What a frame header says; {@code frameBytes} is header plus payload. */
    record Header(int payloadBytes, int crc, long firstSequence, long lastSequence, long minMillis, long maxMillis,
                  int rawBytes, byte codec) {
        int frameBytes() {
            return HEADER_BYTES + payloadBytes;
        }

        int eventCount() {
            return (int) (lastSequence - firstSequence + 1);
        }
    }

    /** Thrown when a block's bytes do not hold what its header promises. */
    static final class CorruptBlockException extends Exception {
        CorruptBlockException(String message) {
            super(message);
        }
    }

    /**
     * Encodes events {@code from..to-1} of {@code encoded} (consecutive sequences starting at
     * {@code firstSequence}) as one frame.
     */
    static ByteBuffer encode(List<byte[]> encoded, int from, int to, long firstSequence, long minMillis,
                             long maxMillis, Deflater deflater) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(4096);
        for (int i = from; i < to; i++) {
            byte[] event = encoded.get(i);
            writeVarint(raw, event.length);
            raw.write(event, 0, event.length);
        }
        byte[] rawBytes = raw.toByteArray();
        byte codec = deflater == null ? STORED : DEFLATE;
        byte[] payload;
        int payloadLength;
        if (deflater == null) {
            payload = rawBytes;
            payloadLength = rawBytes.length;
        } else {
            deflater.reset();
            deflater.setInput(rawBytes);
            deflater.finish();
            payload = new byte[Math.max(64, rawBytes.length / 4)];
            payloadLength = 0;
            while (!deflater.finished()) {
                if (payloadLength == payload.length) payload = Arrays.copyOf(payload, payload.length * 2);
                payloadLength += deflater.deflate(payload, payloadLength, payload.length - payloadLength);
            }
        }
        ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + payloadLength);
        frame.putInt(MAGIC).putInt(payloadLength).putInt(0)
                .putLong(firstSequence).putLong(firstSequence + (to - from) - 1)
                .putLong(minMillis).putLong(maxMillis)
                .putInt(rawBytes.length).put(codec).put((byte) 0).put((byte) 0).put((byte) 0)
                .put(payload, 0, payloadLength);
        frame.putInt(8, crc(frame));
        return frame.flip();
    }

    /**
     * Reads a header at the buffer's position without moving it; null when the bytes cannot be a
     * header (wrong magic, impossible lengths or bounds).
     */
    static Header header(ByteBuffer buffer) {
        int p = buffer.position();
        if (buffer.remaining() < HEADER_BYTES || buffer.getInt(p) != MAGIC) return null;
        Header h = new Header(buffer.getInt(p + 4), buffer.getInt(p + 8), buffer.getLong(p + 12), buffer.getLong(p + 20),
                buffer.getLong(p + 28), buffer.getLong(p + 36), buffer.getInt(p + 44), buffer.get(p + 48));
        boolean plausible = h.payloadBytes() >= 0 && h.payloadBytes() <= MAX_PAYLOAD_BYTES
                && h.rawBytes() >= 0 && h.rawBytes() <= MAX_PAYLOAD_BYTES
                && h.firstSequence() >= 1 && h.lastSequence() >= h.firstSequence()
                && h.lastSequence() - h.firstSequence() < MAX_PAYLOAD_BYTES
                && h.minMillis() <= h.maxMillis()
                && (h.codec() == STORED || h.codec() == DEFLATE);
        return plausible ? h : null;
    }

    /** True when the whole frame at the buffer's position (header and payload present) checks out. */
    static boolean crcMatches(ByteBuffer buffer, Header header) {
        int p = buffer.position();
        if (buffer.remaining() < header.frameBytes()) return false;
        CRC32C crc = new CRC32C();
        crc.update(buffer.slice(p + 12, header.frameBytes() - 12));
        return (int) crc.getValue() == header.crc();
    }

    private static int crc(ByteBuffer frame) {
        CRC32C crc = new CRC32C();
        crc.update(frame.slice(12, frame.limit() - 12));
        return (int) crc.getValue();
    }

    /** The uncompressed events of a CRC-checked frame, each as its codec bytes. */
    static byte[][] events(ByteBuffer frame, Header header) throws CorruptBlockException {
        byte[] payload = new byte[header.payloadBytes()];
        frame.get(frame.position() + HEADER_BYTES, payload);
        byte[] raw;
        if (header.codec() == STORED) {
            raw = payload;
        } else {
            raw = new byte[header.rawBytes()];
            Inflater inflater = new Inflater();
            try {
                inflater.setInput(payload);
                int n = inflater.inflate(raw);
                if (n != raw.length || !inflater.finished()) {
                    throw new CorruptBlockException("block inflates to " + n + " bytes, header says " + raw.length);
                }
            } catch (DataFormatException e) {
                throw new CorruptBlockException("block does not inflate: " + e.getMessage());
            } finally {
                inflater.end();
            }
        }
        byte[][] events = new byte[header.eventCount()][];
        int pos = 0;
        for (int i = 0; i < events.length; i++) {
            long length = 0;
            int shift = 0;
            while (true) {
                if (pos >= raw.length || shift > 28) {
                    throw new CorruptBlockException("block holds " + i + " events, header says " + events.length);
                }
                byte b = raw[pos++];
                length |= (long) (b & 0x7f) << shift;
                shift += 7;
                if (b >= 0) break;
            }
            if (length > raw.length - pos) {
                throw new CorruptBlockException("event " + i + " of the block runs past its end");
            }
            events[i] = Arrays.copyOfRange(raw, pos, pos + (int) length);
            pos += (int) length;
        }
        return events;
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7f) != 0) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    /** Epoch milliseconds rounded down, clamped instead of overflowing. */
    static long floorMillis(Instant instant) {
        try {
            return instant.toEpochMilli();
        } catch (ArithmeticException e) {
            return instant.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** Epoch milliseconds rounded up, clamped instead of overflowing. */
    static long ceilMillis(Instant instant) {
        long floor = floorMillis(instant);
        return instant.getNano() % 1_000_000 != 0 && floor != Long.MAX_VALUE ? floor + 1 : floor;
    }
}
