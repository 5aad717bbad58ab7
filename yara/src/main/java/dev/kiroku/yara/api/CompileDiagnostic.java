package dev.kiroku.yara.api;

/**
 * An error or warning libyara reported while compiling rules.
 *
 * @param file the rule file (or the source name given for inline rules)
 * @param line 1-based line, 0 when libyara gave none
 * @param rule the rule being compiled, or null outside a rule
 */
public record CompileDiagnostic(Level level, String file, int line, String rule, String message) {
    public enum Level { ERROR, WARNING }

    @Override
    public String toString() {
        return file + "(" + line + "): " + level.name().toLowerCase(java.util.Locale.ROOT) + ": "
                + (rule != null ? "rule " + rule + ": " : "") + message;
    }
}
