package dev.kiroku.sensor.linux.bpf;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Chunk records as the exec program writes them: joined in order; a lost chunk ends the vector where it was. */
class ArgvChunksTest {
    private static final int CHUNK = 16 << 10;

    @Test
    void chunks_in_order_make_the_whole_vector() {
        ArgvChunks chunks = new ArgvChunks();
        assertThat(chunks.add(chunk(7, 0, CHUNK, (byte) 'a'), 16 + CHUNK)).isTrue();
        assertThat(chunks.add(chunk(7, CHUNK, 100, (byte) 'b'), 16 + 100)).isTrue();
        ArgvChunks.Vector vector = chunks.take(7);
        assertThat(vector.length()).isEqualTo(CHUNK + 100);
        assertThat(vector.bytes()[CHUNK - 1]).isEqualTo((byte) 'a');
        assertThat(vector.bytes()[CHUNK + 99]).isEqualTo((byte) 'b');
        assertThat(chunks.take(7)).isNull();
    }

    @Test
    void a_lost_chunk_ends_the_vector_before_it_and_a_new_exec_starts_over() {
        ArgvChunks chunks = new ArgvChunks();
        chunks.add(chunk(9, 0, CHUNK, (byte) 'a'), 16 + CHUNK);
        chunks.add(chunk(9, 2 * CHUNK, CHUNK, (byte) 'c'), 16 + CHUNK); // the second chunk never came
        assertThat(chunks.take(9).length()).isEqualTo(CHUNK);
        chunks.add(chunk(9, CHUNK, 10, (byte) 'x'), 16 + 10); // the rest of an exec whose start was lost
        chunks.add(chunk(9, 0, 10, (byte) 'n'), 16 + 10);
        assertThat(chunks.take(9).length()).isEqualTo(10);
    }

    @Test
    void a_chunk_longer_than_its_record_or_past_the_limit_is_malformed() {
        ArgvChunks chunks = new ArgvChunks();
        assertThat(chunks.add(chunk(3, 0, 100, (byte) 'a'), 16 + 50)).isFalse();
        assertThat(chunks.add(chunk(3, ExecRecordText.ARGV_MAX, 10, (byte) 'a'), 16 + 10)).isFalse();
    }

    private static byte[] chunk(int pid, int offset, int length, byte fill) {
        ByteBuffer b = ByteBuffer.allocate(16 + length).order(ByteOrder.nativeOrder());
        b.putInt(BpfProcessSource.KIND_ARGV).putInt(pid).putInt(offset).putInt(length);
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, fill);
        b.put(bytes);
        return b.array();
    }
}
