package dev.kiroku.response.isolation;

import dev.kiroku.response.ActionParameters;
import dev.kiroku.response.ActionResult;
import dev.kiroku.response.ResponseAction;
import dev.kiroku.response.nft.Endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code isolate}: parameters {@code allow} (endpoints that stay reachable, at least the Kiroku
 * server, e.g. {@code 10.0.0.5:8443}), optional {@code release_secret} and {@code requested_by}.
 * The agent adds its own server endpoint to {@code serverEndpoints}, so its channel is never cut
 * even when a command forgets it.
 */
public final class IsolateAction implements ResponseAction {
    private final NetworkIsolation isolation;
    private final List<Endpoint> serverEndpoints;

    public IsolateAction(NetworkIsolation isolation, List<Endpoint> serverEndpoints) {
        this.isolation = isolation;
        this.serverEndpoints = List.copyOf(serverEndpoints);
    }

    @Override
    public String name() {
        return NetworkIsolation.ISOLATE;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(new ParameterSpec("allow", false, "extra endpoints that stay reachable: address:port, comma-separated"),
                new ParameterSpec("release_secret", false, "secret for a local release at the machine (stored hashed)"),
                new ParameterSpec("requested_by", false, "who asked"));
    }

    @Override
    public List<ActionResult> run(Map<String, String> parameters) {
        ActionParameters p = new ActionParameters(name(), parameters);
        try {
            List<Endpoint> allowed = new ArrayList<>(serverEndpoints);
            for (String text : p.list("allow", false)) {
                Endpoint e = Endpoint.parse(text);
                if (!allowed.contains(e)) {
                    allowed.add(e);
                }
            }
            char[] secret = p.optional("release_secret").map(String::toCharArray).orElse(null);
            return List.of(isolation.isolate(allowed, secret, p.optional("requested_by").orElse("server")));
        } catch (IllegalArgumentException e) {
            return List.of(ActionResult.failed(name(), "endpoint", e.getMessage() + "; network unchanged"));
        }
    }
}
