package dev.kiroku.event;

import java.time.Instant;

/**
 * Parses instants in the one shape {@link EventJsonWriter} writes them ({@code 2026-11-27T12:09:17.123Z}: four-digit
 * year, upper-case {@code T} and {@code Z}, one to nine fraction digits), digit by digit: the general ISO parser was a
 * large part of decoding an event. Anything else, including impossible dates and leap seconds, gives null and is left
 * to the general parser.
 */
final class IsoInstants {
    private static final int[] DAYS_IN_MONTH = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private IsoInstants() {
    }

    /** The instant, or null when {@code text[offset, offset + length)} is not in the writer's shape. */
    static Instant parse(char[] text, int offset, int length) {
        if (length < 20 || length > 30) return null;
        int end = offset + length;
        int year = digits(text, offset, 4);
        int month = digits(text, offset + 5, 2);
        int day = digits(text, offset + 8, 2);
        int hour = digits(text, offset + 11, 2);
        int minute = digits(text, offset + 14, 2);
        int second = digits(text, offset + 17, 2);
        if ((year | month | day | hour | minute | second) < 0
                || text[offset + 4] != '-' || text[offset + 7] != '-' || text[offset + 10] != 'T'
                || text[offset + 13] != ':' || text[offset + 16] != ':' || text[end - 1] != 'Z') {
            return null;
        }
        if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1] || hour > 23 || minute > 59 || second > 59
                || (month == 2 && day == 29 && !leap(year))) {
            return null;
        }
        int nanos = 0;
        int position = offset + 19;
        if (position < end - 1) {
            if (text[position] != '.') return null;
            int fractionDigits = end - 1 - (position + 1);
            if (fractionDigits < 1 || fractionDigits > 9) return null;
            int fraction = digits(text, position + 1, fractionDigits);
            if (fraction < 0) return null;
            nanos = fraction;
            for (int i = fractionDigits; i < 9; i++) nanos *= 10;
        }
        long seconds = daysFromCivil(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second;
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static boolean leap(int year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    private static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    /** The decimal number of {@code count} ASCII digits at {@code at}, or -1 if one is not a digit. */
    private static int digits(char[] text, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            int d = text[i] - '0';
            if (d < 0 || d > 9) return -1;
            value = value * 10 + d;
        }
        return value;
    }
}
