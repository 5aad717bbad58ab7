package dev.kiroku.indicators.lint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiroku.indicators.ImportProblem;
import dev.kiroku.indicators.ImportResult;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.IndicatorFiles;
import dev.kiroku.indicators.expr.Condition;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./kiroku ioc lint [--json] FILE…}: reads each indicator file and reports, per file, whether
 * it parsed, how many indicators it holds, which terms Kiroku cannot evaluate, and why anything was
 * refused or skipped. With {@code --json}, one object per file:
 * {@code {"file", "status": "parsed"|"refused", "indicators", "evaluable", "unsupported_terms",
 * "unsupported", "skipped", "reason"}}.
 */
public final class IocLint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IocLint() {
    }

    /** @return 0 when every file parsed, 1 when any was refused, 2 when no file was given or found */
    public static int run(List<Path> paths, boolean json, PrintStream out) {
        List<Path> files;
        try {
            files = IndicatorFiles.expand(paths);
        } catch (IOException e) {
            out.println("cannot list " + paths + ": " + e.getMessage());
            return 2;
        }
        if (files.isEmpty()) {
            out.println("no indicator files found in " + paths);
            return 2;
        }
        int refused = 0;
        for (Path file : files) {
            ImportResult result = IndicatorFiles.read(file);
            if (result.refused()) refused++;
            out.println(json ? report(result).toString() : human(result));
        }
        return refused > 0 ? 1 : 0;
    }

    /** The JSON report of one file. */
    public static ObjectNode report(ImportResult result) {
        ObjectNode o = JSON.createObjectNode();
        o.put("file", result.file());
        o.put("status", result.refused() ? "refused" : "parsed");
        o.put("indicators", result.indicators().size());
        o.put("evaluable", result.evaluable().size());
        Map<String, String> unsupported = unsupported(result);
        ArrayNode terms = o.putArray("unsupported_terms");
        unsupported.keySet().forEach(terms::add);
        ObjectNode reasons = o.putObject("unsupported");
        unsupported.forEach(reasons::put);
        ArrayNode skipped = o.putArray("skipped");
        if (!result.refused()) {
            for (ImportProblem p : result.problems()) {
                ObjectNode s = skipped.addObject();
                s.put("line", p.line());
                s.put("reason", p.reason());
            }
        }
        String reason = reason(result);
        if (reason == null) o.putNull("reason");
        else o.put("reason", reason);
        return o;
    }

    private static Map<String, String> unsupported(ImportResult result) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Indicator i : result.indicators()) {
            for (Condition.Unsupported u : i.unsupportedTerms()) out.putIfAbsent(u.term(), u.reason());
        }
        return out;
    }

    /** Why the file was refused, or what keeps its indicators from loading; null when all is well. */
    private static String reason(ImportResult result) {
        if (result.refused()) {
            ImportProblem p = result.problems().getFirst();
            return (p.line() > 0 ? "line " + p.line() + ": " : "") + p.reason();
        }
        long notEvaluable = result.indicators().size() - result.evaluable().size();
        StringBuilder why = new StringBuilder();
        if (notEvaluable > 0) {
            if (result.indicators().size() == 1) why.append(result.indicators().getFirst().notEvaluableReason());
            else why.append(notEvaluable).append(" of ").append(result.indicators().size())
                    .append(" indicators are not evaluable (they need terms Kiroku cannot evaluate)");
        }
        if (!result.problems().isEmpty()) {
            if (!why.isEmpty()) why.append("; ");
            why.append(result.problems().size()).append(result.problems().size() == 1 ? " item skipped" : " items skipped");
        }
        return why.isEmpty() ? null : why.toString();
    }

    private static String human(ImportResult result) {
        StringBuilder s = new StringBuilder(result.file()).append(": ");
        if (result.refused()) return s.append("refused: ").append(reason(result)).toString();
        s.append("parsed, ").append(result.indicators().size()).append(" indicators, ")
                .append(result.evaluable().size()).append(" evaluable");
        Map<String, String> unsupported = unsupported(result);
        if (!unsupported.isEmpty()) {
            s.append("\n  cannot evaluate:");
            unsupported.forEach((term, why) -> s.append("\n    ").append(term).append(" (").append(why).append(')'));
        }
        for (ImportProblem p : result.problems()) s.append("\n  skipped ").append(p);
        return s.toString();
    }
}
