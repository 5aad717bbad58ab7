package dev.kiroku.yara.scan;

/**
 * Keeps scanning from dominating the endpoint: a token bucket on bytes per second (the I/O budget) and a duty cycle
 * (the CPU budget: after work that took {@code t}, rest {@code t * (1 - duty) / duty}).
 *
 * <p>The bucket holds at most a quarter second of bytes, so a burst after idling stays short; a read larger than
 * the bucket is allowed and paid for afterwards by waiting. One budget may be shared by several scanning threads.
 */
public final class ScanBudget {
    private final long bytesPerSecond;
    private final double dutyCycle;
    private final double capacity;
    private double tokens;
    private long refilledAt = System.nanoTime();
    private final java.util.concurrent.atomic.LongAdder busyNanos = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder restedNanos = new java.util.concurrent.atomic.LongAdder();

    private ScanBudget(long bytesPerSecond, double dutyCycle) {
        this.bytesPerSecond = bytesPerSecond;
        this.dutyCycle = dutyCycle;
        this.capacity = bytesPerSecond / 4.0;
        this.tokens = capacity;
    }

    public static ScanBudget unlimited() {
        return new ScanBudget(0, 1.0);
    }

    /**
     * @param bytesPerSecond I/O limit, 0 for none
     * @param dutyCycle      fraction of wall time spent scanning, in (0, 1]; 1 for no CPU limit
     */
    public static ScanBudget of(long bytesPerSecond, double dutyCycle) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytes per second must be >= 0, got " + bytesPerSecond);
        }
        if (!(dutyCycle > 0 && dutyCycle <= 1)) {
            throw new IllegalArgumentException("duty cycle must be in (0, 1], got " + dutyCycle);
        }
        return new ScanBudget(bytesPerSecond, dutyCycle);
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    public double dutyCycle() {
        return dutyCycle;
    }

    /** Waits until {@code bytes} may be read. */
    public void beforeReading(long bytes) throws InterruptedException {
        if (bytesPerSecond == 0) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - refilledAt) * (bytesPerSecond / 1e9));
            refilledAt = now;
            tokens -= bytes;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens / bytesPerSecond * 1e9);
        }
        sleep(waitNanos);
    }

    /** Rests after work that took {@code busyNanos}, so scanning uses at most the duty cycle of one core. */
    public void afterWork(long busyNanos) throws InterruptedException {
        if (busyNanos > 0) {
            this.busyNanos.add(busyNanos);
        }
        if (dutyCycle < 1 && busyNanos > 0) {
            sleep((long) (busyNanos * (1 - dutyCycle) / dutyCycle));
        }
    }

    /** Work time reported through {@link #afterWork} so far. */
    public long busyNanos() {
        return busyNanos.sum();
    }

    /** Time spent waiting for the budget so far. */
    public long restedNanos() {
        return restedNanos.sum();
    }

    private void sleep(long nanos) throws InterruptedException {
        if (nanos > 0) {
            long started = System.nanoTime();
            try {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } finally {
                restedNanos.add(System.nanoTime() - started);
            }
        }
    }
}
