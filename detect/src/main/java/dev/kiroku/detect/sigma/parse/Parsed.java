package dev.kiroku.detect.sigma.parse;

import dev.kiroku.detect.sigma.model.Correlation;
import dev.kiroku.detect.sigma.model.Filter;
import dev.kiroku.detect.sigma.model.SigmaRule;
import java.util.List;

/** What one YAML document turned into. */
public sealed interface Parsed permits Parsed.Rule, Parsed.Meta, Parsed.GlobalFilter, Parsed.Refused {
    record Rule(SigmaRule rule) implements Parsed {
    }

    record Meta(Correlation correlation) implements Parsed {
    }

    record GlobalFilter(Filter filter) implements Parsed {
    }

    /** The document is refused; every problem found is listed with its line. */
    record Refused(String title, int line, List<RuleProblem> problems) implements Parsed {
        public Refused {
            problems = List.copyOf(problems);
        }
    }
}
