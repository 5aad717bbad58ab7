package dev.kiroku.server.detect;

import dev.kiroku.content.BuiltinRules;
import dev.kiroku.detect.sigma.CorrelationMatch;
import dev.kiroku.detect.sigma.Correlator;
import dev.kiroku.detect.sigma.MapDocument;
import dev.kiroku.detect.sigma.Match;
import dev.kiroku.event.Event;
import dev.kiroku.server.alerts.Alert;
import dev.kiroku.server.alerts.AlertStore;
import dev.kiroku.server.alerts.JdbcAlertStore;
import dev.kiroku.server.alerts.Occurrence;
import dev.kiroku.server.alerts.RuleInfo;
import dev.kiroku.store.EventStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The live detection pipeline. Stored batches ({@code StoreIngest}'s afterStore hook) go into a bounded queue; one
 * detection thread runs every event through the compiled rules and the correlator and raises alerts. A full queue
 * blocks the caller (back-pressure); nothing is dropped.
 *
 * <p>Holds the alert database ({@code <dataDirectory>/alerts/}), the rule library (built-in pack plus
 * {@code <dataDirectory>/rules/}) and the alert exceptions.
 */
public final class Detection implements Consumer<List<Event>>, AutoCloseable {
    /**
     * @param suppressionWindow occurrences of the same rule on the same endpoint and process within this time of an
     *                          alert's first occurrence are counted in it
     * @param queueBatches      batches waiting for the detection thread before ingest blocks
     * @param ancestorCache     process start events cached for ancestor fields
     */
    public record Settings(Duration suppressionWindow, int queueBatches, Correlator.Limits correlationLimits, int ancestorCache) {
        public static Settings defaults() {
            return new Settings(Duration.ofMinutes(10), 256, Correlator.Limits.defaults(), 10_000);
        }

        public Settings withSuppressionWindow(Duration window) {
            return new Settings(window, queueBatches, correlationLimits, ancestorCache);
        }
    }

    private final InstantSource clock;
    private final AlertStore alerts;
    private final RuleLibrary rules;
    private final Exclusions exclusions;
    private final Alerting alerting;
    private final Correlator.Limits limits;
    private final BlockingQueue<List<Event>> queue;
    private final Thread worker;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean closed;
    private final RuleTrial trial;
    private LoadedRules generation;
    private Correlator correlator;
    private ExaminedKinds kinds;
    private final AtomicLong notMatchable = new AtomicLong();

    /** One rule test over history reads at most this long and this many events (docs/detection.md). */
    static final Duration TRIAL_BUDGET = Duration.ofSeconds(20);
    static final long TRIAL_MAX_EVENTS = 5_000_000;

    public Detection(Path dataDirectory, EventStore store, InstantSource clock) {
        this(dataDirectory, store, clock, Settings.defaults());
    }

    public Detection(Path dataDirectory, EventStore store, InstantSource clock, Settings settings) {
        this.clock = clock;
        this.alerts = JdbcAlertStore.h2(dataDirectory, clock);
        try {
            this.rules = new RuleLibrary(BuiltinRules.load(Detection.class.getClassLoader()), dataDirectory.resolve("rules"), alerts, clock);
            this.exclusions = new Exclusions(alerts, new AncestorFields(store, clock, settings.ancestorCache()));
            this.alerting = new Alerting(alerts, exclusions, settings.suppressionWindow());
        } catch (RuntimeException e) {
            alerts.close();
            throw e;
        }
        this.trial = new RuleTrial(store, rules.mapping(), clock, TRIAL_BUDGET, TRIAL_MAX_EVENTS);
        this.limits = settings.correlationLimits();
        this.queue = new ArrayBlockingQueue<>(settings.queueBatches());
        this.worker = Thread.ofPlatform().name("kiroku-detection").daemon().start(this::run);
    }

    /** Queues a stored batch for detection; blocks while the queue is full. */
    @Override
    public void accept(List<Event> batch) {
        if (closed || batch.isEmpty()) return;
        received.addAndGet(batch.size());
        try {
            queue.put(List.copyOf(batch));
        } catch (InterruptedException e) {
            received.addAndGet(-batch.size());
            Thread.currentThread().interrupt();
            System.err.println("kiroku detection: interrupted; a batch of " + batch.size() + " events was not examined");
        }
    }

    public AlertStore alerts() {
        return alerts;
    }

    /**
     * Raises an occurrence found outside the rule engine (an indicator hit, live or retrospective) through the same
     * exceptions and suppression as rule matches.
     */
    public java.util.Optional<Alert> raise(Occurrence occurrence) {
        return alerting.raise(occurrence);
    }

    /** Tells a listener about every alert opened from now on, on the detection thread: it must be quick. */
    public void onAlertOpened(java.util.function.Consumer<Alert> listener) {
        alerting.onOpened(listener);
    }

    public RuleLibrary rules() {
        return rules;
    }

    public Exclusions exclusions() {
        return exclusions;
    }

    /** Runs rules over the stored events of a window, as live detection would have (see {@link RuleTrial}). */
    public RuleTrial trial() {
        return trial;
    }

    InstantSource clock() {
        return clock;
    }

    /** True when every queued event has been examined. */
    public boolean idle() {
        return queue.isEmpty() && processed.get() == received.get();
    }

    /** Counters for the status endpoint. */
    public Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("events_received", received.get());
        s.put("events_examined", processed.get());
        s.put("events_failed", failed.get());
        s.put("events_no_rule_can_match", notMatchable.get());
        s.put("queued_batches", queue.size());
        s.put("alerts_opened", alerting.opened());
        s.put("occurrences_suppressed", alerting.suppressed());
        s.put("occurrences_excepted", alerting.excluded());
        s.put("rules_loaded", rules.current().entries().size());
        s.put("rules_loaded_at", rules.current().loaded().toString());
        return s;
    }

    private void run() {
        while (!closed || !queue.isEmpty()) {
            List<Event> batch;
            try {
                batch = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                if (closed) break;
                continue;
            }
            if (batch == null) continue;
            for (Event event : batch) {
                try {
                    examine(event);
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                    System.err.printf("kiroku detection: event %s/%d not examined: %s%n", event.agentId(), event.sequence(), e);
                }
                processed.incrementAndGet();
            }
        }
    }

    private void examine(Event event) {
        LoadedRules now = rules.current();
        if (now != generation) {
            generation = now;
            correlator = new Correlator(now.ruleSet().correlations(), limits);
            kinds = new ExaminedKinds(now.ruleSet(), rules.mapping());
        }
        boolean alertsByItself = event.payload() instanceof dev.kiroku.event.ExecutionBlocked
                || event.payload() instanceof dev.kiroku.event.YaraDetection;
        Boolean matchable = kinds.known(event);
        if (Boolean.FALSE.equals(matchable) && !alertsByItself) {
            notMatchable.incrementAndGet(); // no rule's logsource selects this kind of event
            return;
        }
        Map<String, Object> ecs = event.toEcs();
        if (event.payload() instanceof dev.kiroku.event.ExecutionBlocked blocked) {
            alerting.raise(BlockedExecutionAlert.of(event, blocked, ecs));
        }
        if (event.payload() instanceof dev.kiroku.event.YaraDetection yara) {
            alerting.raise(YaraDetectionAlert.of(event, yara, ecs));
        }
        if (matchable == null && !kinds.decide(event, ecs)) {
            notMatchable.incrementAndGet();
            return;
        }
        MapDocument document = new MapDocument(ecs);
        for (Match match : now.matcher().match(document)) {
            if (!rules.enabled(match.ruleId())) continue;
            if (match.standalone()) alerting.raise(occurrence(match, ecs, event));
            for (CorrelationMatch c : correlator.accept(match, document, event.timestamp())) {
                if (rules.enabled(c.ruleId())) alerting.raise(occurrence(c, ecs, event));
            }
        }
    }

    private static Occurrence occurrence(Match match, Map<String, Object> ecs, Event event) {
        String process = text(ecs.get("process.entity_id"));
        String key = "rule|" + match.ruleId() + "|" + event.agentId() + "|" + (process == null ? "" : process);
        return new Occurrence(Alert.Kind.RULE, RuleInfo.of(match.rule()), key, event.agentId(), event.hostName(), process,
                event.timestamp(), ecs, Map.of(), List.of());
    }

    private static Occurrence occurrence(CorrelationMatch c, Map<String, Object> ecs, Event event) {
        Map<String, String> group = new TreeMap<>(c.group());
        String agent = group.getOrDefault("agent.id", event.agentId());
        String host = group.getOrDefault("host.name", event.hostName());
        String process = group.get("process.entity_id");
        String key = "correlation|" + c.ruleId() + "|" + agent + "|" + group;
        return new Occurrence(Alert.Kind.CORRELATION, RuleInfo.of(c.rule()), key, agent, host, process,
                c.last() == null ? event.timestamp() : c.last(), ecs, group, c.rules());
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    @Override
    public void close() {
        closed = true;
        try {
            worker.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            System.err.println("kiroku detection: " + queue.size() + " batches not examined at shutdown");
            worker.interrupt();
        }
        alerts.close();
    }
}
