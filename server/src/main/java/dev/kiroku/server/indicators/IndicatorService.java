package dev.kiroku.server.indicators;

import dev.kiroku.fleet.state.EmbeddedH2;
import dev.kiroku.event.Event;
import dev.kiroku.indicators.ImportResult;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.IndicatorAction;
import dev.kiroku.indicators.IndicatorFiles;
import dev.kiroku.indicators.hunt.RetroHunt;
import dev.kiroku.indicators.match.IndicatorHit;
import dev.kiroku.indicators.match.LiveMatcher;
import dev.kiroku.indicators.repo.IndicatorRepository;
import dev.kiroku.server.alerts.Alert;
import dev.kiroku.server.alerts.Occurrence;
import dev.kiroku.server.alerts.RuleInfo;
import dev.kiroku.server.detect.Detection;
import dev.kiroku.server.response.BlockList;
import dev.kiroku.store.EventStore;
import org.h2.jdbcx.JdbcConnectionPool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Indicators in the server: imported files are kept in the state database, every stored event is matched against
 * all of them at once (hash sets, CIDR and domain indexes, Aho-Corasick; {@link LiveMatcher}), and each import
 * starts a retro-hunt over the retention window whose hits become alerts marked retrospective. Hits go through the
 * same exceptions and suppression as rule alerts; an indicator's alert carries the rule id {@code ioc:<id>}.
 */
public final class IndicatorService implements AutoCloseable {
    private final JdbcConnectionPool database;
    private final IndicatorRepository repository;
    private final RetroHunt retroHunt;
    private final IndicatorTrial trial;
    private final Detection detection;
    private final Duration retention;
    private final InstantSource clock;
    private final ExecutorService hunts = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("kiroku-retro-hunt").daemon().factory());
    private final AtomicLong liveHits = new AtomicLong();
    private final AtomicLong retroHits = new AtomicLong();
    private volatile LiveMatcher matcher;
    private volatile BlockingIndicators blocking;

    public IndicatorService(Path directory, EventStore store, Detection detection, Duration retention, InstantSource clock)
            throws IOException {
        Files.createDirectories(directory);
        this.database = JdbcConnectionPool.create(EmbeddedH2.writtenAtCommit(directory.resolve("kiroku-indicators")), "sa", "");
        this.repository = new IndicatorRepository(database);
        this.retroHunt = new RetroHunt(store, clock, 1_000_000);
        this.trial = new IndicatorTrial(retroHunt);
        this.detection = detection;
        this.retention = retention;
        this.clock = clock;
        rebuild();
    }

    /** Indicators imported with action {@code block} go to this block list, which every agent enforces. */
    public void enforceBlocksWith(BlockList blockList) {
        this.blocking = new BlockingIndicators(blockList);
    }

    /**
     * What an import did: indicators stored, those that cannot be evaluated, problems, the hunt started, and for an
     * import with action {@code block} what each indicator became on the block list.
     */
    public record Imported(String file, int stored, int evaluable, boolean refused, List<String> problems,
                           List<Map<String, Object>> notEvaluable, List<Map<String, Object>> blocks) {
    }

    /** Imports one file (OpenIOC, STIX bundle or plain list, told apart by content and name) and hunts back with it. */
    public Imported importFile(String name, byte[] content) {
        return importFile(name, content, null, null, "system");
    }

    /**
     * Imports one file with every indicator's action (and expiry) set as given, e.g. a block list from an incident
     * report: with {@link IndicatorAction#BLOCK} the enforceable ones go to the fleet's block list at once.
     *
     * @param action  null keeps what the file says (alert, unless the format carries an action)
     * @param expires null keeps the file's expiries
     */
    public Imported importFile(String name, byte[] content, IndicatorAction action, Instant expires, String actor) {
        ImportResult result = IndicatorFiles.read(name, content);
        List<String> problems = result.problems().stream().map(Object::toString).toList();
        if (result.refused()) return new Imported(name, 0, 0, true, problems, List.of(), List.of());
        List<Indicator> indicators = result.indicators().stream().map(i -> withAction(i, action, expires)).toList();
        repository.saveAll(indicators);
        rebuild();
        List<Map<String, Object>> blocks = List.of();
        List<Indicator> toBlock = indicators.stream().filter(i -> i.action() == IndicatorAction.BLOCK).toList();
        if (!toBlock.isEmpty()) {
            BlockingIndicators enforcer = blocking;
            if (enforcer == null) throw new IllegalStateException("this server has no block list to enforce indicators with");
            blocks = enforcer.enforce(toBlock, actor);
        }
        List<Indicator> evaluable = indicators.stream().filter(Indicator::evaluable).toList();
        if (!evaluable.isEmpty()) {
            retroHunt.huntAfterImport(evaluable, retention, hit -> raise(hit), hunts).exceptionally(e -> {
                System.err.println("kiroku indicators: the retro-hunt after importing " + name + " failed: " + e);
                return null;
            });
        }
        List<Map<String, Object>> notEvaluable = new ArrayList<>();
        for (Indicator i : indicators) {
            if (!i.evaluable()) notEvaluable.add(Map.of("id", i.id(), "reason", i.notEvaluableReason()));
        }
        return new Imported(name, indicators.size(), evaluable.size(), false, problems, notEvaluable, blocks);
    }

    /**
     * Stores indicators and makes them live at once, without the retro-hunt, actions and block list an import goes
     * through (a benchmark's set-up: {@code bench ioc}). Returns how many were stored.
     */
    public int load(java.util.Collection<Indicator> indicators) {
        int stored = repository.saveAll(indicators);
        rebuild();
        return stored;
    }

    /**
     * Tries an indicator file on the events of {@code [from, to)} without importing it: nothing is stored, blocked
     * or alerted (see {@link IndicatorTrial}); at most {@code keep} matching events are returned.
     */
    public Map<String, Object> test(String name, byte[] content, Instant from, Instant to, int keep) {
        return trial.run(name, content, from, to, keep);
    }

    public InstantSource clock() {
        return clock;
    }

    private static Indicator withAction(Indicator i, IndicatorAction action, Instant expires) {
        if (action == null && expires == null) return i;
        return new Indicator(i.id(), i.source(), i.type(), i.value(), i.condition(), i.sequence(),
                action == null ? i.action() : action, expires == null ? i.expires() : expires, i.tags(), i.description());
    }

    public List<Indicator> list() {
        return repository.findAll();
    }

    /** Removes one indicator; a block it put on the block list is lifted too. */
    public boolean remove(String id, String actor) {
        Indicator indicator = repository.findAll().stream().filter(i -> i.id().equals(id)).findFirst().orElse(null);
        boolean removed = repository.delete(id);
        if (removed) rebuild();
        BlockingIndicators enforcer = blocking;
        if (removed && enforcer != null && indicator.action() == IndicatorAction.BLOCK) {
            enforcer.release(indicator.source().origin(), indicator.value(), actor);
        }
        return removed;
    }

    /** Removes every indicator of a source, and the blocks they put on the block list. */
    public int removeSource(String origin, String actor) {
        int removed = repository.deleteBySource(origin);
        if (removed > 0) rebuild();
        BlockingIndicators enforcer = blocking;
        if (enforcer != null) enforcer.release(origin, null, actor);
        return removed;
    }

    /** Runs a retro-hunt now with the indicators of one source, or all of them; hits become alerts. */
    public RetroHunt.Result hunt(String origin) {
        return hunt(origin, null);
    }

    /** Hunts one indicator ({@code id}), a source's, or all over the retention window; hits are raised as retrospective alerts. */
    public RetroHunt.Result hunt(String origin, String id) {
        List<Indicator> indicators = (origin == null ? repository.findAll() : repository.findBySource(origin))
                .stream().filter(Indicator::evaluable).filter(i -> id == null || i.id().equals(id)).toList();
        var now = clock.instant();
        RetroHunt.Result result = retroHunt.hunt(indicators, now.minus(retention), now.plusSeconds(1));
        result.hits().forEach(this::raise);
        return result;
    }

    /** The live indicators this event matches, without raising anything (the sandbox judges detonations with it). */
    public List<IndicatorHit> matches(Event event) {
        LiveMatcher current = matcher;
        return current.size() == 0 ? List.of() : current.match(event);
    }

    /** Every stored batch: live matching of each event against all indicators. */
    public void afterStore(List<Event> batch) {
        LiveMatcher current = matcher;
        if (current.size() == 0) return;
        for (Event event : batch) {
            for (IndicatorHit hit : current.match(event)) raise(hit);
        }
    }

    public Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("indicators", repository.count());
        s.put("live", matcher.size());
        s.put("live_hits", liveHits.get());
        s.put("retrospective_hits", retroHits.get());
        return s;
    }

    private void rebuild() {
        matcher = LiveMatcher.build(repository.findAll(), clock);
    }

    private void raise(IndicatorHit hit) {
        Indicator indicator = hit.indicator();
        if (indicator.action() == IndicatorAction.LOG) return;
        (hit.retrospective() ? retroHits : liveHits).incrementAndGet();
        String title = (hit.retrospective() ? "Retrospective indicator match: " : "Indicator match: ")
                + (indicator.description().isBlank() ? indicator.type() + " " + indicator.value() : indicator.description());
        RuleInfo rule = new RuleInfo("ioc:" + indicator.id(), title, hit.retrospective() ? "high" : "critical", "indicator",
                indicator.tags().stream().filter(t -> t.matches("(?i)t\\d{4}(\\.\\d{3})?")).map(String::toLowerCase).toList(),
                List.of(), List.of(indicator.source().toString()), indicator.source().origin());
        Map<String, Object> event = new LinkedHashMap<>(hit.event().toEcs());
        event.put("kiroku.indicator.source", indicator.source().toString());
        event.put("kiroku.indicator.retrospective", hit.retrospective());
        detection.raise(new Occurrence(Alert.Kind.RULE, rule, "indicator|" + rule.id() + "|" + hit.agentId() + "|" + hit.processEntityId(),
                hit.agentId(), hit.hostName(), hit.processEntityId(), hit.timestamp(), event, Map.of(), List.of()));
    }

    @Override
    public void close() {
        hunts.shutdownNow();
        database.dispose();
    }
}
