package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RecentEventsTest {

    private static Event event(long sequence) {
        ProcessInfo process = new ProcessInfo("e" + sequence, 1, null, null, null, null, null, null, null, -1, null, null);
        return new Event("agent", sequence, Instant.EPOCH, "host", List.of(), new ProcessExit(process, 0, 0));
    }

    /** Against a plain list: random appends, removals through a sequence and reads from any sequence. */
    @Test
    void reads_what_a_plain_list_would_hold() {
        Random random = new Random(20261127);
        RecentEvents recent = new RecentEvents(64);
        List<Event> model = new ArrayList<>();
        long next = 1;
        for (int step = 0; step < 20_000; step++) {
            int action = random.nextInt(10);
            if (action < 6) {
                Event e = event(next++);
                recent.add(e);
                model.add(e);
                if (model.size() > 64) model.removeFirst();
            } else if (action < 7 && !model.isEmpty()) {
                long through = model.getFirst().sequence() + random.nextInt(model.size() + 2) - 1;
                recent.removeThrough(through);
                model.removeIf(e -> e.sequence() <= through);
            } else {
                long from = next - random.nextInt(80);
                int max = 1 + random.nextInt(40);
                List<Event> got = new ArrayList<>();
                recent.copyFrom(from, max, got);
                List<Event> expected = model.stream().filter(e -> e.sequence() >= from).limit(max).toList();
                assertThat(got).as("step %d: from %d max %d", step, from, max).isEqualTo(expected);
            }
            assertThat(recent.size()).isEqualTo(model.size());
            if (!model.isEmpty()) assertThat(recent.firstSequence()).isEqualTo(model.getFirst().sequence());
        }
    }

    @Test
    void stops_adding_when_the_reader_has_enough() {
        RecentEvents recent = new RecentEvents(8);
        for (long s = 1; s <= 8; s++) recent.add(event(s));
        List<Event> out = new ArrayList<>(List.of(event(100)));
        recent.copyFrom(3, 4, out);
        assertThat(out).extracting(Event::sequence).containsExactly(100L, 3L, 4L, 5L);
    }
}
