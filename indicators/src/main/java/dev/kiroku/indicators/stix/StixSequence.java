package dev.kiroku.indicators.stix;

import dev.kiroku.indicators.expr.Condition;
import dev.kiroku.indicators.expr.SequencePattern;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * Evaluates a multi-event STIX pattern over one endpoint's events. Each leaf keeps the times of its
 * recent matching events; a node's satisfactions are time spans [first, last]: OR is the union, AND
 * pairs spans of its parts, FOLLOWEDBY pairs spans in order (the earlier part ends no later than the
 * later part starts), REPEATS n joins n consecutive spans, WITHIN keeps spans no longer than its
 * window and START/STOP spans inside its interval. The pattern completes when a span ends with the
 * event just fed. Memory is bounded: each leaf keeps its {@value #MAX_PER_LEAF} most recent times,
 * no older than the pattern's widest WITHIN window when every path has one.
 */
final class StixSequence implements SequencePattern {
    static final int MAX_PER_LEAF = 256;
    private static final int MAX_SPANS = 1024;

    private record Span(Instant first, Instant last) {
    }

    private final Observation root;
    private final List<Condition> leaves;
    private final Duration horizon;

    StixSequence(Observation root, List<Condition> leaves) {
        this.root = root;
        this.leaves = List.copyOf(leaves);
        this.horizon = horizon(root);
    }

    @Override
    public List<Condition> observations() {
        return leaves;
    }

    @Override
    public boolean mayComplete() {
        return mayComplete(root);
    }

    private boolean mayComplete(Observation o) {
        return switch (o) {
            case Observation.Leaf leaf -> leaf.condition().mayBeTrue();
            case Observation.Or or -> or.parts().stream().anyMatch(this::mayComplete);
            case Observation.And and -> and.parts().stream().allMatch(this::mayComplete);
            case Observation.FollowedBy seq -> seq.parts().stream().allMatch(this::mayComplete);
            case Observation.Repeats r -> mayComplete(r.inner());
            case Observation.Within w -> mayComplete(w.inner());
            case Observation.StartStop s -> mayComplete(s.inner());
        };
    }

    @Override
    public State start() {
        List<Deque<Instant>> times = new ArrayList<>();
        for (int i = 0; i < leaves.size(); i++) times.add(new ArrayDeque<>());
        return (event, time, satisfied) -> {
            for (int leaf : satisfied) {
                Deque<Instant> t = times.get(leaf);
                t.addLast(time);
                if (t.size() > MAX_PER_LEAF) t.removeFirst();
            }
            if (horizon != null) {
                Instant oldest = time.minus(horizon);
                for (Deque<Instant> t : times) while (!t.isEmpty() && t.peekFirst().isBefore(oldest)) t.removeFirst();
            }
            return spans(root, times).stream().anyMatch(s -> s.last().equals(time));
        };
    }

    private static List<Span> spans(Observation o, List<Deque<Instant>> times) {
        return switch (o) {
            case Observation.Leaf leaf -> times.get(leaf.index()).stream().map(t -> new Span(t, t)).toList();
            case Observation.Or or -> cap(or.parts().stream().flatMap(p -> spans(p, times).stream()).toList());
            case Observation.And and -> {
                List<Span> acc = spans(and.parts().getFirst(), times);
                for (Observation part : and.parts().subList(1, and.parts().size())) acc = combine(acc, spans(part, times), false);
                yield acc;
            }
            case Observation.FollowedBy seq -> {
                List<Span> acc = spans(seq.parts().getFirst(), times);
                for (Observation part : seq.parts().subList(1, seq.parts().size())) acc = combine(acc, spans(part, times), true);
                yield acc;
            }
            case Observation.Repeats repeats -> {
                List<Span> inner = new ArrayList<>(spans(repeats.inner(), times));
                inner.sort(Comparator.comparing(Span::first));
                List<Span> out = new ArrayList<>();
                for (int i = 0; i + repeats.times() <= inner.size(); i++) {
                    Instant last = inner.get(i).last();
                    for (int j = i; j < i + repeats.times(); j++) if (inner.get(j).last().isAfter(last)) last = inner.get(j).last();
                    out.add(new Span(inner.get(i).first(), last));
                }
                yield out;
            }
            case Observation.Within within -> spans(within.inner(), times).stream()
                    .filter(s -> Duration.between(s.first(), s.last()).toNanos() <= (long) (within.seconds() * 1e9)).toList();
            case Observation.StartStop window -> spans(window.inner(), times).stream()
                    .filter(s -> !s.first().isBefore(window.start()) && s.last().isBefore(window.stop())).toList();
        };
    }

    private static List<Span> combine(List<Span> a, List<Span> b, boolean ordered) {
        List<Span> out = new ArrayList<>();
        for (Span x : a) {
            for (Span y : b) {
                if (ordered && y.first().isBefore(x.last())) continue;
                Instant first = x.first().isBefore(y.first()) ? x.first() : y.first();
                Instant last = x.last().isAfter(y.last()) ? x.last() : y.last();
                out.add(new Span(first, last));
            }
        }
        return cap(out);
    }

    /** Keeps the spans that end last (those that can still complete with new events). */
    private static List<Span> cap(List<Span> spans) {
        if (spans.size() <= MAX_SPANS) return spans;
        return spans.stream().sorted(Comparator.comparing(Span::last).reversed()).limit(MAX_SPANS).toList();
    }

    /** The widest WITHIN window when every leaf is under one, else null (keep the most recent times). */
    private static Duration horizon(Observation o) {
        return switch (o) {
            case Observation.Within w -> Duration.ofNanos((long) (w.seconds() * 1e9));
            case Observation.Leaf ignored -> null;
            case Observation.Or or -> widest(or.parts());
            case Observation.And and -> widest(and.parts());
            case Observation.FollowedBy seq -> widest(seq.parts());
            case Observation.Repeats r -> horizon(r.inner());
            case Observation.StartStop s -> horizon(s.inner());
        };
    }

    private static Duration widest(List<Observation> parts) {
        Duration widest = Duration.ZERO;
        for (Observation p : parts) {
            Duration h = horizon(p);
            if (h == null) return null;
            if (h.compareTo(widest) > 0) widest = h;
        }
        return widest;
    }

    /** For tests and reports: feeds nothing, just names the structure. */
    @Override
    public String toString() {
        return root.toString();
    }

}
