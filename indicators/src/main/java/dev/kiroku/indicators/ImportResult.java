package dev.kiroku.indicators;

import java.util.List;

/**
 * What an import produced: the indicators (evaluable or not: see {@link Indicator#evaluable()}) and
 * the problems of everything skipped or refused, each with file, line and reason.
 *
 * @param file       the input
 * @param indicators every indicator read
 * @param problems   items skipped, or the reason the whole file was refused
 * @param refused    true when the file as a whole could not be read (then {@code indicators} is empty)
 */
public record ImportResult(String file, List<Indicator> indicators, List<ImportProblem> problems, boolean refused) {
    public ImportResult {
        indicators = List.copyOf(indicators);
        problems = List.copyOf(problems);
    }

    public static ImportResult refused(String file, int line, String reason) {
        return new ImportResult(file, List.of(), List.of(new ImportProblem(file, line, reason)), true);
    }

    /** The indicators some event can match (the ones a matcher loads). */
    public List<Indicator> evaluable() {
        return indicators.stream().filter(Indicator::evaluable).toList();
    }
}
