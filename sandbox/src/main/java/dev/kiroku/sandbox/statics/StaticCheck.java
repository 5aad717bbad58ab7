package dev.kiroku.sandbox.statics;

import dev.kiroku.sandbox.Reason;

import java.util.List;

/**
 * One static check over a file. The built-in ones are in {@link StaticAnalyzer#builtInChecks};
 * further checks (a YARA scan with the configured rule sets) are added to the list the analyser is
 * built with. A check that throws is reported as a note and the others run.
 */
@FunctionalInterface
public interface StaticCheck {
    List<Reason> check(StaticSubject subject);
}
