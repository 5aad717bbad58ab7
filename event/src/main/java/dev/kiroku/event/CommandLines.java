package dev.kiroku.event;

import java.util.List;

/** Joins an argument vector the way a shell would show it. */
final class CommandLines {
    private CommandLines() {
    }

    static String join(List<String> args) {
        if (args.size() == 1 && !needsQuotes(args.getFirst())) return args.getFirst();
        int length = args.size();
        for (String arg : args) length += arg.length();
        StringBuilder line = new StringBuilder(length + 8);
        for (String arg : args) {
            if (!line.isEmpty()) line.append(' ');
            if (needsQuotes(arg)) {
                line.append('"').append(arg.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                line.append(arg);
            }
        }
        return line.toString();
    }

    private static boolean needsQuotes(String arg) {
        if (arg.isEmpty()) return true;
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '"') return true;
        }
        return false;
    }
}
