package dev.kiroku.indicators.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds network names in a command line, since Kiroku records no DNS queries or HTTP requests yet:
 * the hosts of URLs, the host of {@code user@host} (ssh, scp), and dotted names whose last label
 * is alphabetic ({@code evil.example.com}). Numeric addresses are not hosts.
 */
final class CommandLineNames {
    private CommandLineNames() {
    }

    static List<String> urls(Object commandLine) {
        if (!(commandLine instanceof String line)) return List.of();
        List<String> out = new ArrayList<>(1);
        for (String token : tokens(line)) {
            int scheme = token.indexOf("://");
            if (scheme > 0) out.add(token.substring(schemeStart(token, scheme)));
        }
        return out;
    }

    static List<String> hosts(Object commandLine) {
        if (!(commandLine instanceof String line)) return List.of();
        List<String> out = new ArrayList<>(1);
        for (String token : tokens(line)) {
            int scheme = token.indexOf("://");
            String candidate;
            if (scheme > 0) {
                String rest = token.substring(scheme + 3);
                int end = indexOfAny(rest, "/?#");
                rest = end < 0 ? rest : rest.substring(0, end);
                int at = rest.lastIndexOf('@');
                candidate = at < 0 ? rest : rest.substring(at + 1);
            } else {
                int at = token.lastIndexOf('@');
                candidate = at < 0 ? token : token.substring(at + 1);
                int colon = candidate.indexOf(':');
                if (colon >= 0) candidate = candidate.substring(0, colon);
                int slash = candidate.indexOf('/');
                if (slash >= 0) candidate = candidate.substring(0, slash);
            }
            int port = candidate.lastIndexOf(':');
            if (port > 0 && candidate.indexOf(':') == port) candidate = candidate.substring(0, port);
            if (isHostName(candidate)) out.add(Domains.normalize(candidate));
        }
        return out;
    }

    private static int schemeStart(String token, int scheme) {
        int start = scheme;
        while (start > 0 && Character.isLetter(token.charAt(start - 1))) start--;
        return start;
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) if (chars.indexOf(s.charAt(i)) >= 0) return i;
        return -1;
    }

    /** Tokens that contain a dot (only those can hold a host name or URL); no allocation for the others. */
    private static List<String> tokens(String line) {
        if (line.indexOf('.') < 0) return List.of();
        List<String> out = new ArrayList<>(2);
        int start = -1;
        boolean dot = false;
        for (int i = 0; i <= line.length(); i++) {
            char c = i == line.length() ? ' ' : line.charAt(i);
            boolean separator = c <= ' ' || c == '"' || c == '\'' || c == '=' || c == ',' || c == ';' || c == '('
                    || c == ')' || c == '<' || c == '>' || c == '|' || c == '`';
            if (separator) {
                if (start >= 0 && dot) out.add(line.substring(start, i));
                start = -1;
                dot = false;
            } else {
                if (start < 0) start = i;
                if (c == '.') dot = true;
            }
        }
        return out;
    }

    static boolean isHostName(String s) {
        if (s.length() < 3 || s.length() > 253) return false;
        String name = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        int lastDot = name.lastIndexOf('.');
        if (lastDot <= 0 || lastDot == name.length() - 1) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_')) return false;
            if (c == '.' && (i == 0 || name.charAt(i - 1) == '.')) return false;
        }
        String tld = name.substring(lastDot + 1).toLowerCase(Locale.ROOT);
        if (tld.length() < 2) return false;
        for (int i = 0; i < tld.length(); i++) if (!Character.isLetter(tld.charAt(i))) return false;
        return true;
    }
}
