package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;
import dev.kiroku.event.EventCodec;
import dev.kiroku.event.MalformedEventException;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The block frame: a fixed header with sequence and time bounds, then the (compressed) records of
 * its events. See JOURNAL.md for the layout. Big-endian throughout.
 */
final class BlockFormat {
    static final int MAGIC = 0x4B4A424B; // "KJBK"
    static final int HEADER_BYTES = 52;
    static final int MAX_PAYLOAD_BYTES = 64 << 20;
    static final byte STORED = 0;
    static final byte DEFLATE = 1;
    /** Record format (header byte 49): each event's {@code EventCodec} JSON after its length (version 1 segments). */
    static final byte JSON_EVENTS = 0;
    /** Record format: {@link EventRecords}, strings interned per block (version 2 segments). */
    static final byte RECORDS_V1 = 1;

    private BlockFormat() {
    }

    /** What a frame header says; {@code frameBytes} is header plus payload. */
    record Header(int payloadBytes, int crc, long firstSequence, long lastSequence, long minMillis, long maxMillis,
                  int rawBytes, byte codec, byte format) {
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
     * Frames {@code raw[0, rawLength)}, the records of {@code count} events in {@code format} with
     * consecutive sequences from {@code firstSequence}, compressed when a deflater is given.
     */
    static ByteBuffer encode(byte[] raw, int rawLength, int count, long firstSequence, long minMillis, long maxMillis,
                             byte format, Deflater deflater) {
        byte[] payload = raw;
        int payloadLength = rawLength;
        if (deflater != null) {
            deflater.reset();
            deflater.setInput(raw, 0, rawLength);
            deflater.finish();
            payload = new byte[Math.max(64, rawLength / 3)];
            payloadLength = 0;
            while (!deflater.finished()) {
                if (payloadLength == payload.length) payload = Arrays.copyOf(payload, payload.length * 2);
                payloadLength += deflater.deflate(payload, payloadLength, payload.length - payloadLength);
            }
        }
        ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + payloadLength);
        frame.putInt(MAGIC).putInt(payloadLength).putInt(0)
                .putLong(firstSequence).putLong(firstSequence + count - 1)
                .putLong(minMillis).putLong(maxMillis)
                .putInt(rawLength).put(deflater == null ? STORED : DEFLATE).put(format).put((byte) 0).put((byte) 0)
                .put(payload, 0, payloadLength);
        frame.putInt(8, crc(frame));
        return frame.flip();
    }

    /**
     * Reads a header at the buffer's position without moving it; null when the bytes cannot be a
     * header (wrong magic, impossible lengths or bounds, unknown codec or record format).
     */
    static Header header(ByteBuffer buffer) {
        int p = buffer.position();
        if (buffer.remaining() < HEADER_BYTES || buffer.getInt(p) != MAGIC) return null;
        Header h = new Header(buffer.getInt(p + 4), buffer.getInt(p + 8), buffer.getLong(p + 12), buffer.getLong(p + 20),
                buffer.getLong(p + 28), buffer.getLong(p + 36), buffer.getInt(p + 44), buffer.get(p + 48), buffer.get(p + 49));
        boolean plausible = h.payloadBytes() >= 0 && h.payloadBytes() <= MAX_PAYLOAD_BYTES
                && h.rawBytes() >= 0 && h.rawBytes() <= MAX_PAYLOAD_BYTES
                && h.firstSequence() >= 1 && h.lastSequence() >= h.firstSequence()
                && h.lastSequence() - h.firstSequence() < MAX_PAYLOAD_BYTES
                && h.minMillis() <= h.maxMillis()
                && (h.codec() == STORED || h.codec() == DEFLATE)
                && (h.format() == JSON_EVENTS || h.format() == RECORDS_V1);
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

    /** The uncompressed records of a CRC-checked frame. */
    static byte[] records(ByteBuffer frame, Header header) throws CorruptBlockException {
        byte[] payload = new byte[header.payloadBytes()];
        frame.get(frame.position() + HEADER_BYTES, payload);
        if (header.codec() == STORED) return payload;
        byte[] raw = new byte[header.rawBytes()];
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
        return raw;
    }

    /** Receives the events of a block, and the sequence of each one that does not decode with the reason. */
    interface EventReceiver {
        void event(Event event);

        void undecodable(long sequence, String problem);
    }

    /**
     * Decodes the records of a block (as {@link #records} returned them) in its format, in sequence
     * order; an event that does not decode is reported and the others are still delivered.
     *
     * @throws CorruptBlockException when the records do not have the shape the header promises
     */
    static void decode(byte[] raw, Header header, EventReceiver receiver) throws CorruptBlockException {
        if (header.format() == RECORDS_V1) {
            decodeRecords(raw, header, receiver);
        } else {
            decodeJson(raw, header, receiver);
        }
    }

    private static void decodeRecords(byte[] raw, Header header, EventReceiver receiver) {
        EventRecords.Reader reader = new EventRecords.Reader(raw, 0, raw.length);
        long sequence = header.firstSequence();
        for (int i = 0; i < header.eventCount(); i++, sequence++) {
            try {
                receiver.event(reader.read(sequence));
            } catch (MalformedEventException e) {
                receiver.undecodable(sequence, e.getMessage());
            }
        }
    }

    private static void decodeJson(byte[] raw, Header header, EventReceiver receiver) throws CorruptBlockException {
        int count = header.eventCount();
        long sequence = header.firstSequence();
        int pos = 0;
        for (int i = 0; i < count; i++, sequence++) {
            long length = 0;
            int shift = 0;
            while (true) {
                if (pos >= raw.length || shift > 28) {
                    throw new CorruptBlockException("block holds " + i + " events, header says " + count);
                }
                byte b = raw[pos++];
                length |= (long) (b & 0x7f) << shift;
                shift += 7;
                if (b >= 0) break;
            }
            if (length > raw.length - pos) {
                throw new CorruptBlockException("event " + i + " of the block runs past its end");
            }
            try {
                receiver.event(EventCodec.decode(raw, pos, (int) length));
            } catch (MalformedEventException e) {
                receiver.undecodable(sequence, e.getMessage());
            }
            pos += (int) length;
        }
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
