package dev.kiroku.yara.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A light reading of YARA source text, for what libyara does not tell: which rules a file declares and which of
 * them use a module. Comments and string literals are blanked first so that a {@code rule} or {@code pe.} inside
 * them does not count.
 */
public final class RuleSourceText {
    private static final Pattern RULE = Pattern.compile("(?m)^\\s*(?:(?:private|global)\\s+)*rule\\s+([A-Za-z_][A-Za-z0-9_]*)");

    /** A rule declaration and the text up to the next one. */
    public record DeclaredRule(String name, String body) {
    }

    private final List<DeclaredRule> rules;

    public RuleSourceText(String source) {
        String code = blank(source);
        rules = new ArrayList<>();
        Matcher m = RULE.matcher(code);
        int previousStart = -1;
        String previousName = null;
        while (m.find()) {
            if (previousName != null) {
                rules.add(new DeclaredRule(previousName, code.substring(previousStart, m.start())));
            }
            previousName = m.group(1);
            previousStart = m.start();
        }
        if (previousName != null) {
            rules.add(new DeclaredRule(previousName, code.substring(previousStart)));
        }
    }

    public List<DeclaredRule> rules() {
        return rules;
    }

    /** Rules whose text references {@code module.} (a module member). */
    public List<String> rulesUsing(String module) {
        Pattern use = Pattern.compile("(?<![A-Za-z0-9_.])" + Pattern.quote(module) + "\\s*\\.");
        return rules.stream().filter(r -> use.matcher(r.body()).find()).map(DeclaredRule::name).toList();
    }

    /**
     * Replaces comments and string literals by spaces, keeping newlines so positions stay on their lines. A plain
     * loop, not a regular expression: Java's regex engine recurses per repetition and overflows on large files.
     */
    private static String blank(String source) {
        StringBuilder out = new StringBuilder(source);
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            int end;
            if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                end = source.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (c == '"') {
                end = i + 1;
                while (end < n && source.charAt(end) != '"' && source.charAt(end) != '\n') {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(n, end + 1);
            } else {
                i++;
                continue;
            }
            for (int k = i; k < end; k++) {
                if (out.charAt(k) != '\n') {
                    out.setCharAt(k, ' ');
                }
            }
            i = end;
        }
        return out.toString();
    }
}
