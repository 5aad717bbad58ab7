package dev.kiroku.yara.api;

/**
 * YARA rule text carried in a request (a fleet sweep sends rules, not paths).
 *
 * @param name   names the source in diagnostics and becomes its namespace
 * @param source the rule text
 */
public record RuleSource(String name, String source) {
}
