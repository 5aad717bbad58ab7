package dev.kiroku.server.detect;

import dev.kiroku.detect.sigma.LoadReport;

import java.util.List;
import java.util.stream.Collectors;

/** A rule upload that did not load; carries every problem with its file and line. */
public final class RuleRefusedException extends RuntimeException {
    private final List<LoadReport.Problem> problems;

    RuleRefusedException(List<LoadReport.Problem> problems) {
        super("rule refused: " + problems.stream().map(p -> p.file() + ":" + p.line() + ": " + p.reason()).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<LoadReport.Problem> problems() {
        return problems;
    }
}
