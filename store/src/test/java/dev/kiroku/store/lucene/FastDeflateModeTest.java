package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.store.bench.SyntheticEvents;
import org.apache.lucene.codecs.compressing.CompressionMode;
import org.apache.lucene.codecs.compressing.Compressor;
import org.apache.lucene.codecs.lucene90.DeflateWithPresetDictCompressionMode;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteBuffersDataInput;
import org.apache.lucene.store.ByteBuffersDataOutput;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stored events' compression at a lower DEFLATE level writes Lucene's format: at level 6 the
 * very bytes of Lucene's own compressor, at {@link FastDeflateMode#LEVEL} bytes that Lucene's
 * decompressor reads back whole and in any slice, for chunks of events and of random bytes.
 */
class FastDeflateModeTest {
    private static final CompressionMode LUCENE = new DeflateWithPresetDictCompressionMode();

    @Test
    void level_6_writes_the_bytes_of_lucenes_compressor_and_the_faster_level_reads_back_with_lucenes() throws IOException {
        Random random = new Random(3);
        SyntheticEvents generator = SyntheticEvents.withProcessTables(3, 10).withMoreHashes();
        for (int round = 0; round < 40; round++) {
            byte[] chunk = round % 2 == 0 ? events(generator, random.nextInt(2_000), round) : noise(random, random.nextInt(200_000));
            assertThat(compressed(new FastDeflateMode(6), chunk)).isEqualTo(compressed(LUCENE, chunk));
            byte[] fast = compressed(new FastDeflateMode(FastDeflateMode.LEVEL), chunk);
            int offset = chunk.length == 0 ? 0 : random.nextInt(chunk.length);
            int length = chunk.length == 0 ? 0 : random.nextInt(chunk.length - offset + 1);
            assertThat(decompressed(fast, chunk.length, 0, chunk.length)).isEqualTo(chunk);
            assertThat(decompressed(fast, chunk.length, offset, length)).isEqualTo(Arrays.copyOfRange(chunk, offset, offset + length));
        }
    }

    private static byte[] events(SyntheticEvents generator, int count, int round) {
        ByteBuffersDataOutput out = new ByteBuffersDataOutput();
        for (int i = 0; i < count; i++) {
            Event e = generator.event(i % 10, i + 1, Instant.parse("2025-03-10T00:00:00Z").plusSeconds(round * 10_000L + i));
            byte[] b = EventBinary.encode(e);
            out.writeBytes(b, b.length);
        }
        return out.toArrayCopy();
    }

    private static byte[] noise(Random random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) bytes[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt() : 'a' + random.nextInt(3));
        return bytes;
    }

    private static byte[] compressed(CompressionMode mode, byte[] chunk) throws IOException {
        ByteBuffersDataOutput out = new ByteBuffersDataOutput();
        try (Compressor compressor = mode.newCompressor()) {
            compressor.compress(new ByteBuffersDataInput(List.of(ByteBuffer.wrap(chunk))), out);
        }
        return out.toArrayCopy();
    }

    private static byte[] decompressed(byte[] compressed, int originalLength, int offset, int length) throws IOException {
        BytesRef bytes = new BytesRef();
        LUCENE.newDecompressor().decompress(new ByteArrayDataInput(compressed), originalLength, offset, length, bytes);
        return Arrays.copyOfRange(bytes.bytes, bytes.offset, bytes.offset + bytes.length);
    }
}
