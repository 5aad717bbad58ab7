package dev.kiroku.server.indicators;

import dev.kiroku.indicators.ImportProblem;
import dev.kiroku.indicators.ImportResult;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.IndicatorFiles;
import dev.kiroku.indicators.hunt.RetroHunt;
import dev.kiroku.indicators.match.IndicatorHit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tries an indicator file on the recorded history before it is imported: the file is read as an import would read
 * it (problems by line), and its evaluable indicators are hunted over a window with the same retro-hunt an import
 * starts, but nothing is stored, nothing is blocked and no alert is raised. The answer counts hits per indicator
 * and lists the newest ones.
 */
final class IndicatorTrial {
    private final RetroHunt hunt;

    IndicatorTrial(RetroHunt hunt) {
        this.hunt = hunt;
    }

    /** The REST answer of {@code POST /api/v1/indicators/test} (docs/api.md). */
    Map<String, Object> run(String name, byte[] content, Instant from, Instant to, int keep) {
        ImportResult read = IndicatorFiles.read(name, content);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("file", name);
        body.put("refused", read.refused());
        body.put("problems", read.problems().stream().map(IndicatorTrial::problem).toList());
        body.put("indicators", read.indicators().size());
        List<Indicator> evaluable = read.refused() ? List.of() : read.evaluable();
        body.put("evaluable", evaluable.size());
        body.put("not_evaluable", read.indicators().stream().filter(i -> !i.evaluable())
                .map(i -> Map.of("id", i.id(), "value", i.value(), "reason", i.notEvaluableReason())).toList());
        body.put("from", from);
        body.put("to", to);
        if (evaluable.isEmpty()) {
            body.put("hits", 0);
            body.put("per_indicator", Map.of());
            body.put("events", List.of());
            body.put("events_examined", 0);
            body.put("complete", true);
            body.put("millis", 0);
            return body;
        }
        RetroHunt.Result result = hunt.hunt(evaluable, from, to);
        Map<String, Long> perIndicator = new LinkedHashMap<>();
        for (IndicatorHit hit : result.hits()) perIndicator.merge(hit.indicator().id(), 1L, Long::sum);
        List<Map<String, Object>> newest = new ArrayList<>();
        result.hits().stream().sorted(Comparator.comparing(IndicatorHit::timestamp).reversed()).limit(keep)
                .forEach(hit -> newest.add(Map.of("indicator", IndicatorRoutes.view(hit.indicator()), "event", hit.event().toEcs())));
        body.put("hits", result.hits().size());
        body.put("per_indicator", perIndicator);
        body.put("events", newest);
        body.put("events_examined", result.eventsExamined());
        body.put("store_queries", result.queries().size());
        body.put("complete", !result.truncated());
        if (result.truncated()) body.put("cut", "stopped after " + result.eventsExamined() + " events (the limit for one test); narrow the window");
        body.put("millis", result.took().toMillis());
        return body;
    }

    private static Map<String, Object> problem(ImportProblem p) {
        return Map.of("line", p.line(), "message", p.reason());
    }
}
