package dev.kiroku.detect.sigma;

import dev.kiroku.detect.sigma.model.RuleMeta;
import java.util.List;

/**
 * A rule that matched an event.
 *
 * @param standalone false when the rule is only a building block of a correlation (its {@code generate} is not
 *     set), so it should feed the correlation stage but not alert on its own
 */
public record Match(RuleMeta rule, boolean standalone) {
    public String ruleId() {
        return rule.key();
    }

    public String title() {
        return rule.title();
    }

    public String level() {
        return rule.level();
    }

    public String status() {
        return rule.status();
    }

    public List<String> tags() {
        return rule.tags();
    }

    public List<String> techniques() {
        return rule.techniques();
    }

    public List<String> tactics() {
        return rule.tactics();
    }

    public List<String> references() {
        return rule.references();
    }

    public String author() {
        return rule.author();
    }
}
