package dev.kiroku.agent.command;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandRegistryTest {

    @Test
    void runsHandlersAndTurnsFailuresAndUnknownTypesIntoOutcomes() {
        CommandRegistry registry = new CommandRegistry();
        registry.register(handler("echo", p -> "said " + p.get("text")));
        registry.register(handler("broken", p -> {
            throw new IllegalStateException("disk on fire");
        }));
        assertThat(registry.run("echo", Map.of("text", "hi"))).isEqualTo(new CommandRegistry.Outcome(true, "said hi"));
        assertThat(registry.run("broken", Map.of())).isEqualTo(new CommandRegistry.Outcome(false, "broken failed: disk on fire"));
        CommandRegistry.Outcome unknown = registry.run("isolate", Map.of());
        assertThat(unknown.success()).isFalse();
        assertThat(unknown.output()).contains("no handler for command type 'isolate'").contains("echo");
        assertThatThrownBy(() -> registry.register(handler("echo", p -> ""))).hasMessageContaining("already registered");
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
