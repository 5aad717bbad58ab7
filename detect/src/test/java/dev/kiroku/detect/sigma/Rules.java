package dev.kiroku.detect.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiroku.detect.sigma.match.Oracle;
import java.util.Map;

/** Test helpers: a rule from its detection section, and evaluation through both evaluators. */
final class Rules {
    private Rules() {
    }

    static String ruleText(String detection) {
        StringBuilder sb = new StringBuilder("title: Test rule\nid: 11111111-1111-1111-1111-111111111111\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n");
        for (String line : detection.strip().split("\n")) sb.append("  ").append(line).append('\n');
        return sb.toString();
    }

    static SigmaLoader.Result load(String text) {
        return SigmaLoader.loadTexts(Map.of("test.yml", text), LoadOptions.defaults());
    }

    static RuleSet loaded(String detection) {
        SigmaLoader.Result r = load(ruleText(detection));
        assertThat(r.report().problems()).as("problems").isEmpty();
        return r.rules();
    }

    /** Whether the rule matches the event; fails if the oracle and the compiled matcher disagree. */
    static boolean matches(String detection, Map<String, Object> event) {
        RuleSet rules = loaded(detection);
        Document doc = new MapDocument(event);
        boolean oracle = Oracle.matches(rules.rules().getFirst().detection(), doc);
        boolean compiled = !Matcher.raw(rules).match(doc).isEmpty();
        assertThat(compiled).as("compiled agrees with oracle").isEqualTo(oracle);
        return oracle;
    }
}
