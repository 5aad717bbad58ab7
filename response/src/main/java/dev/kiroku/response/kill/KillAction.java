package dev.kiroku.response.kill;

import dev.kiroku.response.ActionParameters;
import dev.kiroku.response.ActionResult;
import dev.kiroku.response.ResponseAction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code kill}: parameters {@code entity_ids} (one or more process entity ids), optional
 * {@code pid} (the pid the alert carried, checked; only with a single entity id) and
 * {@code tree} (default true: the process and all its descendants).
 */
public final class KillAction implements ResponseAction {
    private final ProcessKiller killer;

    public KillAction(ProcessKiller killer) {
        this.killer = killer;
    }

    @Override
    public String name() {
        return ProcessKiller.ACTION;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(new ParameterSpec("entity_ids", true, "process entity ids, comma-separated"),
                new ParameterSpec("pid", false, "the pid of the single entity id (saves a scan of /proc)"),
                new ParameterSpec("tree", false, "true (default): kill the descendants too"));
    }

    @Override
    public List<ActionResult> run(Map<String, String> parameters) {
        ActionParameters p = new ActionParameters(name(), parameters);
        List<String> ids;
        Integer pid;
        boolean tree;
        try {
            ids = p.list("entity_ids", true);
            pid = p.optionalInt("pid").orElse(null);
            tree = p.flag("tree", true);
            if (pid != null && ids.size() != 1) {
                throw new ActionParameters.InvalidParameter("kill: parameter 'pid' needs exactly one entity id, got " + ids.size());
            }
        } catch (IllegalArgumentException e) {
            return List.of(ActionResult.failed(name(), parameters.getOrDefault("entity_ids", "(none)"), e.getMessage()));
        }
        List<ActionResult> results = new ArrayList<>();
        for (String id : ids) {
            try {
                results.add(killer.kill(id, pid, tree));
            } catch (RuntimeException e) {
                results.add(ActionResult.failed(name(), id, "internal error: " + e));
            }
        }
        return results;
    }
}
