package dev.kiroku.server.sandbox;

import dev.kiroku.detect.sigma.MapDocument;
import dev.kiroku.detect.sigma.Match;
import dev.kiroku.event.Event;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.sandbox.detonate.BehaviourRules;
import dev.kiroku.sandbox.detonate.BehaviourRules.Hit;
import dev.kiroku.server.detect.Detection;
import dev.kiroku.server.indicators.IndicatorService;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The server's judges of a detonation beside the built-in rule pack: every enabled Sigma rule of its live detection
 * (built-in and user rules) and every live indicator, so that a sample's report names the same rules and indicators
 * an endpoint running it would alert on.
 */
public final class SandboxJudges {
    private SandboxJudges() {
    }

    /** The enabled rules of live detection, as loaded now (rules added or disabled later apply to later detonations). */
    public static BehaviourRules.Judge sigma(Detection detection) {
        return event -> {
            Map<String, Object> ecs = event.toEcs();
            List<Hit> hits = new ArrayList<>();
            for (Match match : detection.rules().current().matcher().match(new MapDocument(ecs))) {
                if (match.standalone() && detection.rules().enabled(match.ruleId())) {
                    hits.add(new Hit(match.ruleId(), match.title(), match.level(), match.techniques(), BehaviourRules.describe(ecs)));
                }
            }
            return hits;
        };
    }

    /** The live indicators (imported OpenIOC, STIX, lists); a hit names the indicator as rule {@code ioc:<id>}. */
    public static BehaviourRules.Judge indicators(IndicatorService indicators) {
        return (Event event) -> indicators.matches(event).stream().map(hit -> {
            Indicator indicator = hit.indicator();
            String what = indicator.description().isBlank() ? indicator.type() + " " + indicator.value() : indicator.description();
            List<String> techniques = indicator.tags().stream().filter(t -> t.matches("(?i)t\\d{4}(\\.\\d{3})?"))
                    .map(String::toLowerCase).toList();
            return new Hit("ioc:" + indicator.id(), "Indicator match: " + what, "high", techniques,
                    BehaviourRules.describe(event.toEcs()));
        }).toList();
    }
}
