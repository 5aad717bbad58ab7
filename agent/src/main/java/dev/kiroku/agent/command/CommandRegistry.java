package dev.kiroku.agent.command;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Command type → handler. A command of an unknown type fails with a result that says so. */
public final class CommandRegistry {
    private final Map<String, CommandHandler> handlers = new ConcurrentHashMap<>();

    /** The outcome of one command. */
    public record Outcome(boolean success, String output) {
    }

    public CommandRegistry register(CommandHandler handler) {
        if (handlers.putIfAbsent(handler.type(), handler) != null) {
            throw new IllegalStateException("a handler for command type '" + handler.type() + "' is already registered");
        }
        return this;
    }

    public Set<String> types() {
        return Set.copyOf(handlers.keySet());
    }

    /** True when the handler of {@code type} says its commands may run for minutes. */
    public boolean longRunning(String type) {
        CommandHandler handler = handlers.get(type);
        return handler != null && handler.longRunning();
    }

    /** Runs a command; never throws: failures are outcomes. */
    public Outcome run(String type, Map<String, String> parameters) {
        return run(type, parameters, progress -> { });
    }

    /** Runs a command that may report progress through {@code progress}; never throws: failures are outcomes. */
    public Outcome run(String type, Map<String, String> parameters, Consumer<String> progress) {
        CommandHandler handler = handlers.get(type);
        if (handler == null) {
            return new Outcome(false, "this agent has no handler for command type '" + type + "' (it knows " + types() + ")");
        }
        try {
            return new Outcome(true, handler.handle(parameters, progress));
        } catch (Exception e) {
            return new Outcome(false, type + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }
}
