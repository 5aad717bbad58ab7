package dev.kiroku.agent.uplink;

import dev.kiroku.agent.Agent;
import dev.kiroku.agent.command.CommandHandler;
import dev.kiroku.agent.command.CommandRegistry;
import dev.kiroku.agent.policy.Policy;

import java.time.Instant;
import java.util.Map;

/** The commands every agent understands: ping, inventory.refresh, policy.apply and policy.status. */
final class BuiltinCommands {
    private BuiltinCommands() {
    }

    static void register(CommandRegistry registry, Agent agent, Uplink uplink) {
        registry.register(handler("ping", parameters -> "pong from " + agent.agentId() + " at " + Instant.now()
                + (parameters.containsKey("echo") ? " echo=" + parameters.get("echo") : "")));
        registry.register(handler("inventory.refresh", parameters -> {
            uplink.refreshSoon();
            return "inventory will be reported in the next heartbeat";
        }));
        registry.register(handler("policy.apply", parameters -> {
            Policy policy = Policy.fromParameters(parameters);
            if (policy.version() < agent.policy().version()) {
                throw new IllegalArgumentException("policy version " + policy.version() + " is older than the running "
                        + agent.policy().version());
            }
            var notes = agent.applyPolicy(policy);
            uplink.refreshSoon();
            return "policy " + policy.version() + " applied: muted " + policy.mutedSensors() + ", "
                    + policy.excludedPaths().size() + " path and " + policy.excludedProcesses().size() + " process exclusions"
                    + (policy.journalMaxBytes() > 0 || policy.journalRetention() != null ? "; journal limits take effect at the next start" : "")
                    + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
        }));
        registry.register(handler("policy.status", parameters -> {
            var status = agent.status().policy();
            return "policy " + status.version() + ", muted " + status.muted() + ", excluded " + status.excluded()
                    + " events, discarded " + status.discarded() + " observations";
        }));
    }

    private interface Body {
        String run(Map<String, String> parameters) throws Exception;
    }

    private static CommandHandler handler(String type, Body body) {
        return new CommandHandler() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public String handle(Map<String, String> parameters) throws Exception {
                return body.run(parameters);
            }
        };
    }
}
