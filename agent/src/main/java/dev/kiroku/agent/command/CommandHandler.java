package dev.kiroku.agent.command;

import java.util.Map;

/**
 * Carries out one type of server command on the agent. Later work plugs in response actions and
 * scans by registering more handlers with the {@link CommandRegistry}.
 */
public interface CommandHandler {

    /** The command type this handles, e.g. {@code ping}. */
    String type();

    /**
     * Runs the command; the returned text is the result the server records.
     *
     * @throws Exception when the command fails; its message becomes the recorded failure
     */
    String handle(Map<String, String> parameters) throws Exception;

    /**
     * Runs a command that may take long; it may call {@code progress} with its progress as JSON (at most about once a
     * second), which the agent passes to the server on a best-effort basis. The default ignores progress.
     */
    default String handle(Map<String, String> parameters, java.util.function.Consumer<String> progress) throws Exception {
        return handle(parameters);
    }

    /**
     * True for commands that may run for minutes (scans): the agent runs them one at a time beside its control
     * channel, so heartbeats and quick commands such as isolate or kill do not wait for them.
     */
    default boolean longRunning() {
        return false;
    }
}
