package dev.kiroku.server.detect;

import dev.kiroku.detect.sigma.FieldMapping;
import dev.kiroku.detect.sigma.MapDocument;
import dev.kiroku.detect.sigma.Match;
import dev.kiroku.detect.sigma.Matcher;
import dev.kiroku.detect.sigma.RuleSet;
import dev.kiroku.detect.sigma.model.Expr;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.EventSchema;
import dev.kiroku.store.EventStore;
import dev.kiroku.store.Hit;
import dev.kiroku.store.Page;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Runs Sigma rules over the recorded history before anyone enables them: the events of a time window are read from
 * the store, newest first, and evaluated by the same compiled matcher live detection uses. The store query is
 * narrowed to the events the rules' logsources can apply to (the mapping's {@code when} conditions, translated to
 * store query text). The run is bounded in time and in events read; when it stops early the result says where.
 */
public final class RuleTrial {
    private static final int DEFAULT_PAGE = EventQuery.MAX_LIMIT;

    /**
     * What a trial found.
     *
     * @param rules        the rule ids that were evaluated
     * @param notApplicable rule id → why no Kiroku event can match it (no mapping target for its logsource)
     * @param storeQuery   the store query the window was narrowed with ("" when every event was read)
     * @param scanned      events evaluated
     * @param hits         events matched by at least one rule
     * @param perRule      rule id → events it matched
     * @param first        the first (newest) matched events: {@code rules} and {@code event}
     * @param complete     whether the whole window was evaluated
     * @param cut          why the run stopped early (null when complete)
     * @param scannedFrom  the oldest event time evaluated when the run was cut (the window was evaluated from here to its end)
     */
    public record Result(List<String> rules, Map<String, String> notApplicable, Instant from, Instant to, String storeQuery,
                         long scanned, long hits, Map<String, Long> perRule, List<Map<String, Object>> first, boolean complete,
                         String cut, Instant scannedFrom, long millis) {
        /** The REST answer (docs/api.md). */
        public Map<String, Object> toJson() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("rules", rules);
            body.put("not_applicable", notApplicable);
            body.put("from", from);
            body.put("to", to);
            body.put("store_query", storeQuery);
            body.put("scanned", scanned);
            body.put("hits", hits);
            body.put("per_rule", perRule);
            body.put("events", first);
            body.put("complete", complete);
            body.put("cut", cut);
            body.put("scanned_from", scannedFrom);
            body.put("millis", millis);
            return body;
        }
    }

    private final EventStore store;
    private final FieldMapping mapping;
    private final InstantSource clock;
    private final Duration budget;
    private final long maxEvents;
    private final int page;

    /**
     * @param budget    wall time one trial may take
     * @param maxEvents events one trial may read
     */
    public RuleTrial(EventStore store, FieldMapping mapping, InstantSource clock, Duration budget, long maxEvents) {
        this(store, mapping, clock, budget, maxEvents, DEFAULT_PAGE);
    }

    /** @param page events read from the store at a time (the limits are checked between pages) */
    RuleTrial(EventStore store, FieldMapping mapping, InstantSource clock, Duration budget, long maxEvents, int page) {
        this.store = store;
        this.mapping = mapping;
        this.clock = clock;
        this.budget = budget;
        this.maxEvents = maxEvents;
        this.page = page;
    }

    /** Evaluates the standalone rules of {@code rules} over the window, keeping the first {@code keep} matched events. */
    public Result run(RuleSet rules, Instant from, Instant to, int keep) {
        long started = System.nanoTime();
        long deadline = started + budget.toNanos();
        FieldMapping.Binding binding = mapping.bind(rules.rules());
        List<String> ids = rules.rules().stream().map(r -> r.meta().key()).toList();
        String storeQuery = storeQuery(binding, true);
        Matcher matcher = Matcher.compiled(rules, mapping);
        EventQuery query;
        try {
            query = storeQuery.isEmpty() || storeQuery.equals(CandidateQuery.NONE) ? EventQuery.all() : EventQuery.parse(storeQuery, clock);
        } catch (RuntimeException e) { // a translation the store refuses only loses the narrowing, never matches
            storeQuery = storeQuery(binding, false);
            query = storeQuery.isEmpty() ? EventQuery.all() : EventQuery.parse(storeQuery, clock);
        }
        query = query.between(from, to).limit(page);
        Map<String, Long> perRule = new LinkedHashMap<>();
        ids.forEach(id -> perRule.put(id, 0L));
        List<Map<String, Object>> first = new ArrayList<>();
        long scanned = 0;
        long hits = 0;
        Instant oldest = null;
        String cut = null;
        boolean nothingApplies = binding.bound().stream().allMatch(b -> b.rules().isEmpty()) || storeQuery.equals(CandidateQuery.NONE);
        while (!nothingApplies) {
            Page read = store.search(query);
            for (Hit hit : read.hits()) {
                Map<String, Object> ecs = hit.ecs();
                List<Match> matches = matcher.match(new MapDocument(ecs));
                scanned++;
                oldest = hit.event().timestamp();
                if (matches.isEmpty()) continue;
                hits++;
                List<String> matched = matches.stream().map(Match::ruleId).toList();
                matched.forEach(id -> perRule.merge(id, 1L, Long::sum));
                if (first.size() < keep) first.add(Map.of("rules", matched, "event", ecs));
            }
            if (!read.hasMore()) break;
            if (scanned >= maxEvents) {
                cut = "stopped after " + scanned + " events (the limit for one test); narrow the window";
                break;
            }
            if (System.nanoTime() > deadline) {
                cut = "stopped after " + budget.toSeconds() + " s with " + scanned + " events evaluated; narrow the window";
                break;
            }
            query = query.after(read.next());
        }
        return new Result(ids, binding.skipped(), from, to, storeQuery.equals(CandidateQuery.NONE) ? "(no event can match)" : storeQuery, scanned, hits, perRule, first, cut == null,
                cut, cut == null ? null : oldest, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The events any bound rule can match: an OR over the mapping targets the rules bind to, each the AND of its
     * {@code when} conditions on fields the store indexes and of the candidates of its rules' detections
     * ({@link CandidateQuery}) when {@code withDetections}. Empty when some target can narrow nothing.
     */
    static String storeQuery(FieldMapping.Binding binding, boolean withDetections) {
        Set<String> alternatives = new LinkedHashSet<>();
        for (FieldMapping.Bound bound : binding.bound()) {
            if (bound.rules().isEmpty()) continue;
            StringJoiner all = new StringJoiner(" AND ");
            for (Map.Entry<String, List<String>> when : bound.target().when().entrySet()) {
                if (!EventSchema.fields().containsKey(when.getKey()) || when.getValue().isEmpty()) continue;
                StringJoiner any = new StringJoiner(" OR ", when.getKey() + ":(", ")");
                when.getValue().forEach(value -> any.add(quoted(value)));
                all.add(any.toString());
            }
            String detections = withDetections ? CandidateQuery.of(new Expr.Or(bound.detections())) : CandidateQuery.ANY;
            if (detections.equals(CandidateQuery.NONE)) continue;
            if (!detections.equals(CandidateQuery.ANY)) all.add(detections);
            if (all.length() == 0) return "";
            alternatives.add("(" + all + ")");
        }
        return alternatives.isEmpty() ? CandidateQuery.NONE : String.join(" OR ", alternatives);
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
