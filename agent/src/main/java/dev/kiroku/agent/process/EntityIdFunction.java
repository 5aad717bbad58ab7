package dev.kiroku.agent.process;

import dev.kiroku.event.EntityIds;

/** How the process table names a process: its entity id from pid and start ticks, as {@link EntityIds#process} defines it. */
@FunctionalInterface
public interface EntityIdFunction {
    String entityId(int pid, long startTicks);

    /** {@link EntityIds#process} itself (the JDK's SHA-256). */
    static EntityIdFunction of(String agentId) {
        return (pid, startTicks) -> EntityIds.process(agentId, pid, startTicks);
    }
}
