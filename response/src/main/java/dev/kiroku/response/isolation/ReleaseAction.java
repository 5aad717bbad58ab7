package dev.kiroku.response.isolation;

import dev.kiroku.response.ActionParameters;
import dev.kiroku.response.ActionResult;
import dev.kiroku.response.ResponseAction;

import java.util.List;
import java.util.Map;

/** {@code release}: ends the isolation (optional parameter {@code requested_by}). */
public final class ReleaseAction implements ResponseAction {
    private final NetworkIsolation isolation;

    public ReleaseAction(NetworkIsolation isolation) {
        this.isolation = isolation;
    }

    @Override
    public String name() {
        return NetworkIsolation.RELEASE;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(new ParameterSpec("requested_by", false, "who asked"));
    }

    @Override
    public List<ActionResult> run(Map<String, String> parameters) {
        return List.of(isolation.release(new ActionParameters(name(), parameters).optional("requested_by").orElse("server")));
    }
}
