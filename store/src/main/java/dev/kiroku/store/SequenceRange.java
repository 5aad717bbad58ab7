package dev.kiroku.store;

/** Sequence numbers {@code first..last}, both inclusive. */
public record SequenceRange(long first, long last) {
    public SequenceRange {
        if (last < first) throw new IllegalArgumentException("empty range " + first + ".." + last);
    }

    public long size() {
        return last - first + 1;
    }
}
