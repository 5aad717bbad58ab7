package dev.kiroku.agent.command;

import dev.kiroku.agent.Agent;
import dev.kiroku.event.ExecutionBlocked;
import dev.kiroku.response.execblock.BlockedAttempt;

import java.util.function.Consumer;

/** Turns the exec blocker's denials into {@link ExecutionBlocked} events of the agent, which the server alerts on. */
public final class BlockedExecutions {
    private BlockedExecutions() {
    }

    /** A receiver of denials that records each one as an event of {@code agent}, about the process that tried. */
    public static Consumer<BlockedAttempt> recordedBy(Agent agent) {
        return attempt -> agent.recordAbout(attempt.at(), attempt.pid(), attempt.processExe(),
                process -> new ExecutionBlocked(attempt(attempt.kind()), attempt.path(), attempt.sha256(), attempt.reason(), process));
    }

    static ExecutionBlocked.Attempt attempt(String kind) {
        return "open".equals(kind) ? ExecutionBlocked.Attempt.OPEN : ExecutionBlocked.Attempt.EXEC;
    }
}
