package dev.kiroku.store.lucene;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IndexingThreadsTest {
    @Test
    void slices_run_at_the_same_time_on_the_caller_and_a_helper_and_come_back_in_order() {
        try (IndexingThreads threads = new IndexingThreads(1)) {
            // each slice waits for the other: this passes only if both run at once
            CyclicBarrier both = new CyclicBarrier(2);
            List<String> out = threads.each(2, slice -> {
                try {
                    both.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the slices did not run at the same time", e);
                }
                return slice + ":" + Thread.currentThread().getName().startsWith("kiroku-index-");
            });
            assertThat(out).hasSize(2).allMatch(s -> s.startsWith(Integer.toString(out.indexOf(s))));
            assertThat(out).anyMatch(s -> s.endsWith(":true")).anyMatch(s -> s.endsWith(":false"));
        }
    }

    @Test
    void a_failing_slice_fails_the_call_after_the_others_ended() {
        try (IndexingThreads threads = new IndexingThreads(1)) {
            int[] ran = new int[4];
            assertThatThrownBy(() -> threads.each(4, slice -> {
                ran[slice]++;
                if (slice == 1) throw new IllegalArgumentException("slice 1 refused");
                return slice;
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("slice 1 refused");
            assertThat(ran).containsExactly(1, 1, 1, 1);
        }
    }

    @Test
    void once_closed_the_caller_does_every_slice() {
        IndexingThreads threads = new IndexingThreads(1);
        threads.close();
        assertThat(threads.each(3, slice -> Thread.currentThread().getName())).containsOnly(Thread.currentThread().getName());
    }

    @Test
    void small_appends_are_not_cut() {
        try (IndexingThreads threads = new IndexingThreads(1)) {
            assertThat(threads.slices(IndexingThreads.MIN_SLICE * 2 - 1)).isEqualTo(1);
            assertThat(threads.slices(IndexingThreads.MIN_SLICE * 2)).isEqualTo(2);
            assertThat(threads.slices(10_000)).isEqualTo(2);
        }
        try (IndexingThreads none = new IndexingThreads(0)) {
            assertThat(none.slices(10_000)).isEqualTo(1);
        }
    }
}
