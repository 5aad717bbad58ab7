package dev.kiroku.store.lucene;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;

/** Instants as epoch nanoseconds, the unit of time fields in the index; clamped at the long range. */
final class Nanos {
    private Nanos() {
    }

    static long of(Instant instant) {
        if (instant.getEpochSecond() >= Long.MAX_VALUE / 1_000_000_000L) return Long.MAX_VALUE;
        if (instant.getEpochSecond() <= Long.MIN_VALUE / 1_000_000_000L) return Long.MIN_VALUE;
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private static final int[] SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    /**
     * {@link #of} an ISO-8601 instant in text. The form {@link Instant#toString()} writes for years
     * 0000-9999 ({@code 2025-03-10T08:00:00.123Z}; the ECS map holds dates so) is read directly;
     * any other text goes through {@link Instant#parse}, which throws for what is not an instant.
     */
    static long ofText(String text) {
        int n = text.length();
        if (n >= 20 && n <= 30 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(n - 1) == 'Z'
                && (n == 20 || text.charAt(19) == '.' && n >= 22)) {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            int nano = n == 20 ? 0 : digits(text, 20, n - 1);
            if ((year | month | day | hour | minute | second | nano) >= 0 && hour < 24 && minute < 60 && second < 60
                    && month >= 1 && month <= 12 && day >= 1 && day <= YearMonth.of(year, month).lengthOfMonth()) {
                long seconds = LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3600L + minute * 60L + second;
                return of(Instant.ofEpochSecond(seconds, n == 20 ? 0 : (long) nano * SCALE[n - 21]));
            }
        }
        return of(Instant.parse(text));
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int d = text.charAt(i) - '0';
            if (d < 0 || d > 9) return -1;
            value = value * 10 + d;
        }
        return value;
    }

    /** @throws ArithmeticException when the instant is outside 1677..2262 */
    static long exactly(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    static Instant toInstant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
