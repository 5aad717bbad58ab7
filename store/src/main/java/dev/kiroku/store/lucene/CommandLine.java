package dev.kiroku.store.lucene;

import java.util.List;

/** Joins an argument vector as the event module's ECS writer does (a shell's display form). */
final class CommandLine {
    private CommandLine() {
    }

    static String join(List<String> args) {
        StringBuilder line = new StringBuilder();
        for (String arg : args) {
            if (!line.isEmpty()) line.append(' ');
            boolean quote = arg.isEmpty();
            for (int i = 0; i < arg.length() && !quote; i++) {
                char c = arg.charAt(i);
                quote = c == ' ' || c == '\t' || c == '\n' || c == '"';
            }
            if (quote) {
                line.append('"').append(arg.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                line.append(arg);
            }
        }
        return line.toString();
    }
}
