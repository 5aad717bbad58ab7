package dev.kiroku.server.response.policy;

import dev.kiroku.server.alerts.Alert;
import dev.kiroku.server.fleet.Fleet;
import dev.kiroku.server.response.BlockList;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the response policies on every newly opened alert: for each enabled policy the alert matches, each of its
 * actions is sent to the alert's endpoint (kill the process tree, quarantine the file, isolate) or to the fleet
 * block list (block the hash), or, in dry-run mode, only described. Every action is recorded with the actor
 * {@code policy:<name>}: in the policy run log, in the audit trail, and in the alert's incident.
 */
public final class ResponsePolicyEngine implements AutoCloseable {
    /** Commands of automatic actions wait this long for an endpoint that is away. */
    private static final Duration DELIVERY_WINDOW = Duration.ofHours(1);

    /** Where an automatic action is also shown: the incident the alert belongs to. */
    @FunctionalInterface
    public interface IncidentActions {
        void record(long alertId, String action, String target, String agentId, String actor, String outcome);
    }

    private final ResponsePolicies policies;
    private final Fleet fleet;
    private final BlockList blockList;
    private final IncidentActions incidents;
    private final InstantSource clock;
    private final Consumer<String> analyzeWhenCollected;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("kiroku-response-policies").daemon().factory());

    /**
     * @param analyzeWhenCollected told the id of every collect command an {@code analyze_file} action issued, to send
     *                             the file to the sandbox when it arrives
     */
    public ResponsePolicyEngine(ResponsePolicies policies, Fleet fleet, BlockList blockList, IncidentActions incidents,
                                InstantSource clock, Consumer<String> analyzeWhenCollected) {
        this.analyzeWhenCollected = analyzeWhenCollected;
        this.policies = policies;
        this.fleet = fleet;
        this.blockList = blockList;
        this.incidents = incidents;
        this.clock = clock;
    }

    /** Evaluates the policies for a new alert in the background (the alerting path never waits for actions). */
    public void alertOpened(Alert alert) {
        try {
            runner.execute(() -> {
                try {
                    evaluate(alert);
                } catch (RuntimeException e) {
                    System.err.println("kiroku response policies: alert " + alert.id() + ": " + e);
                }
            });
        } catch (RejectedExecutionException stopping) { // the server is stopping: the alert is kept, only its actions are not run
            System.err.println("kiroku response policies: the server is stopping; alert " + alert.id() + " is kept, its policies not run");
        }
    }

    /** Runs every matching policy now; returns what was done (or would have been). */
    public List<ResponsePolicies.Run> evaluate(Alert alert) {
        String group = endpointGroup(alert.agentId());
        List<ResponsePolicies.Run> runs = new ArrayList<>();
        for (ResponsePolicy policy : policies.list()) {
            if (!policy.enabled() || !policy.matches(alert, group)) continue;
            for (String action : policy.actions()) {
                ResponsePolicies.Run run = run(policy, action, alert);
                policies.record(run);
                fleet.state().audit(run.actor(), "response.policy." + (run.dryRun() ? "dry_run" : "action"),
                        action + " " + run.target() + " on " + alert.agentId() + " for alert " + alert.id() + ": " + run.outcome()
                                + (run.detail() == null ? "" : " (" + run.detail() + ")"), run.at());
                try {
                    incidents.record(alert.id(), (run.dryRun() ? "dry-run " : "") + action, run.target(), alert.agentId(), run.actor(),
                            run.outcome() + (run.detail() == null ? "" : ": " + run.detail()));
                } catch (RuntimeException e) {
                    System.err.println("kiroku response policies: could not add the action to the incident of alert " + alert.id() + ": " + e);
                }
                runs.add(run);
            }
        }
        return runs;
    }

    private ResponsePolicies.Run run(ResponsePolicy policy, String action, Alert alert) {
        String actor = "policy:" + policy.name();
        String agent = alert.agentId();
        String target;
        String type;
        Map<String, String> parameters;
        switch (action) {
            case ResponsePolicy.KILL_TREE -> {
                target = alert.processEntityId();
                type = "kill";
                parameters = target == null ? null : Map.of("entity_ids", target, "tree", "true");
            }
            case ResponsePolicy.QUARANTINE_FILE -> {
                target = firstField(alert, "file.path", "process.executable");
                type = "quarantine";
                parameters = target == null ? null : Map.of("paths", target);
            }
            case ResponsePolicy.ANALYZE_FILE -> {
                target = firstField(alert, "file.path", "process.executable");
                type = "collect";
                parameters = target == null ? null : Map.of("paths", target);
            }
            case ResponsePolicy.ISOLATE -> {
                target = "endpoint " + agent;
                type = "isolate";
                parameters = Map.of("requested_by", actor);
            }
            case ResponsePolicy.BLOCK_HASH -> {
                target = firstField(alert, "file.hash.sha256", "process.hash.sha256");
                type = null;
                parameters = target == null ? null : Map.of();
            }
            default -> throw new IllegalStateException("unknown response action " + action);
        }
        if (parameters == null) {
            return run(policy, actor, alert, action, null, "skipped", "the alert names no "
                    + (action.equals(ResponsePolicy.KILL_TREE) ? "process" : action.equals(ResponsePolicy.BLOCK_HASH) ? "hash" : "file"));
        }
        if (policy.dryRun()) {
            return run(policy, actor, alert, action, target, "dry_run", "would " + describe(action, target, agent));
        }
        try {
            if (type == null) {
                BlockList.Entry entry = blockList.add(BlockList.HASH, target, "policy " + policy.name() + ", alert " + alert.id()
                        + " (" + alert.rule().title() + ")", "policy", actor);
                return run(policy, actor, alert, action, target, "done", "block list entry " + entry.id());
            }
            Map<String, Object> issued = fleet.issue("agent:" + agent, type, parameters, DELIVERY_WINDOW, actor);
            if (action.equals(ResponsePolicy.ANALYZE_FILE)) analyzeWhenCollected.accept(String.valueOf(issued.get("id")));
            return run(policy, actor, alert, action, target, "issued", "command " + issued.get("id"));
        } catch (RuntimeException e) {
            return run(policy, actor, alert, action, target, "failed", e.getMessage());
        }
    }

    private ResponsePolicies.Run run(ResponsePolicy policy, String actor, Alert alert, String action, String target, String outcome,
                                     String detail) {
        return new ResponsePolicies.Run(0, clock.instant(), policy.id(), actor, alert.id(), alert.agentId(), action, target,
                policy.dryRun(), outcome, detail);
    }

    private static String describe(String action, String target, String agent) {
        return switch (action) {
            case ResponsePolicy.KILL_TREE -> "kill the process tree of " + target + " on " + agent;
            case ResponsePolicy.QUARANTINE_FILE -> "quarantine " + target + " on " + agent;
            case ResponsePolicy.ISOLATE -> "isolate " + agent;
            case ResponsePolicy.ANALYZE_FILE -> "collect " + target + " from " + agent + " and submit it to the sandbox";
            default -> "add " + target + " to the block list of every endpoint";
        };
    }

    /** The first of the fields found in the alert's events (flat ECS keys or nested maps). */
    static String firstField(Alert alert, String... fields) {
        for (String field : fields) {
            for (Map<String, Object> event : alert.events()) {
                Object value = lookup(event, field);
                if (value instanceof String s && !s.isBlank()) return s;
            }
        }
        return null;
    }

    private static Object lookup(Map<String, Object> map, String dotted) {
        if (map.containsKey(dotted)) return map.get(dotted);
        int dot = dotted.indexOf('.');
        while (dot > 0) {
            if (map.get(dotted.substring(0, dot)) instanceof Map<?, ?> inner) {
                @SuppressWarnings("unchecked")
                Object found = lookup((Map<String, Object>) inner, dotted.substring(dot + 1));
                if (found != null) return found;
            }
            dot = dotted.indexOf('.', dot + 1);
        }
        return null;
    }

    private String endpointGroup(String agentId) {
        return fleet.state().agent(agentId).map(a -> a.group()).orElse(null);
    }

    @Override
    public void close() throws InterruptedException {
        runner.shutdown();
        runner.awaitTermination(10, TimeUnit.SECONDS);
    }
}
