package dev.kiroku.agent.command;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A server command's parameters, read one way by every handler: an absent or blank parameter takes the default it is
 * read with, and a bad one is refused with an {@link IllegalArgumentException} naming it and its value.
 */
public record CommandParameters(Map<String, String> values) {
    public CommandParameters {
        values = values == null ? Map.of() : values;
    }

    /** The parameter's text without surrounding blanks, or null when it is absent or blank. */
    public String text(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** A list separated by {@code separator} (a regular expression), entries stripped, empty ones left out. */
    public List<String> list(String name, String separator) {
        String value = text(name);
        if (value == null) return List.of();
        return Arrays.stream(value.split(separator)).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** A comma-separated list. */
    public List<String> list(String name) {
        return list(name, ",");
    }

    /** A whole number. */
    public long number(String name, long absent) {
        String value = text(name);
        if (value == null) return absent;
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter '" + name + "' is not a number: " + values.get(name));
        }
    }

    /** A share in (0, 1], such as a duty cycle. */
    public double fraction(String name, double absent) {
        String value = text(name);
        if (value == null) return absent;
        double share;
        try {
            share = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter '" + name + "' is not a number: " + values.get(name));
        }
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("parameter '" + name + "' must be in (0, 1], got " + values.get(name));
        }
        return share;
    }

    /** One of an enumeration's constants, by its name in any case. */
    public <E extends Enum<E>> E choice(String name, Class<E> type, E absent) {
        String value = text(name);
        if (value == null) return absent;
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter '" + name + "': '" + values.get(name) + "' is not one of "
                    + Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
        }
    }
}
