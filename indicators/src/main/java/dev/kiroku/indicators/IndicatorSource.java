package dev.kiroku.indicators;

import java.util.Objects;

/**
 * Where an indicator came from.
 *
 * @param format   the format it was written in
 * @param origin   the file or feed it was imported from
 * @param location where in it: a line number ({@code line 12}), an OpenIOC id, a STIX id
 */
public record IndicatorSource(SourceFormat format, String origin, String location) {
    public IndicatorSource {
        Objects.requireNonNull(format, "format");
        origin = origin == null ? "" : origin;
        location = location == null ? "" : location;
    }

    @Override
    public String toString() {
        return format + " " + origin + (location.isEmpty() ? "" : " (" + location + ")");
    }
}
