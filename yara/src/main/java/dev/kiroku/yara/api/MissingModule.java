package dev.kiroku.yara.api;

import java.util.List;

/**
 * A rule file imports a module this libyara does not have (for example {@code androguard}); the file is refused and
 * the rules that use the module are named.
 *
 * @param rules the rules in the file that reference {@code module.} (found in the source text)
 */
public record MissingModule(String module, String file, int line, List<String> rules) {
    public MissingModule {
        rules = List.copyOf(rules);
    }
}
