package dev.kiroku.event;

import java.util.List;

/** Joins an argument vector the way a shell would show it. */
final class CommandLines {
    private CommandLines() {
    }

    static String join(List<String> args) {
        StringBuilder line = new StringBuilder();
        for (String arg : args) {
            if (!line.isEmpty()) line.append(' ');
            if (arg.isEmpty() || arg.chars().anyMatch(c -> c == ' ' || c == '\t' || c == '\n' || c == '"')) {
                line.append('"').append(arg.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                line.append(arg);
            }
        }
        return line.toString();
    }
}
