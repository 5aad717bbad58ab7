package dev.kiroku.response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed access to an action's string parameters. Every failure is an {@link InvalidParameter}
 * that names the action, the parameter and the offending value.
 */
public final class ActionParameters {
    private final String action;
    private final Map<String, String> values;

    public ActionParameters(String action, Map<String, String> values) {
        this.action = action;
        this.values = values == null ? Map.of() : values;
    }

    public String required(String name) {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            throw new InvalidParameter(action + ": parameter '" + name + "' is required");
        }
        return v.trim();
    }

    public Optional<String> optional(String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /** A comma- or whitespace-separated list; empty entries are dropped. */
    public List<String> list(String name, boolean required) {
        Optional<String> raw = required ? Optional.of(required(name)) : optional(name);
        List<String> out = new ArrayList<>();
        raw.ifPresent(s -> {
            for (String part : s.split("[,\\s]+")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        });
        if (required && out.isEmpty()) {
            throw new InvalidParameter(action + ": parameter '" + name + "' names no item");
        }
        return out;
    }

    /** One item per line (for paths, which may contain commas and spaces); blank lines are dropped. */
    public List<String> lines(String name) {
        List<String> out = required(name).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (out.isEmpty()) {
            throw new InvalidParameter(action + ": parameter '" + name + "' names no item");
        }
        return out;
    }

    public Optional<Integer> optionalInt(String name) {
        return optional(name).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new InvalidParameter(action + ": parameter '" + name + "' is not an integer: '" + v + "'");
            }
        });
    }

    public Optional<Long> optionalLong(String name) {
        return optional(name).map(v -> {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new InvalidParameter(action + ": parameter '" + name + "' is not an integer: '" + v + "'");
            }
        });
    }

    public boolean flag(String name, boolean fallback) {
        return optional(name).map(v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new InvalidParameter(action + ": parameter '" + name + "' is not true/false: '" + v + "'");
        }).orElse(fallback);
    }

    /** A parameter that is missing or malformed; the message names action, parameter and value. */
    public static final class InvalidParameter extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidParameter(String message) {
            super(message);
        }
    }
}
