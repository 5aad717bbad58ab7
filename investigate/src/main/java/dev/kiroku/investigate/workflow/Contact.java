package dev.kiroku.investigate.workflow;

import java.time.Instant;
import java.util.List;

/**
 * Step 1: one process that touched the clue (connected to it, was contacted from it, ran it, wrote it).
 *
 * @param relation "connected to", "accepted from", "ran", "wrote", "named in command line", "alerted on"
 * @param remotes  the address:port pairs involved, when network
 */
public record Contact(String agentId, String hostName, String processEntityId, int pid, String executable, String commandLine,
                      String relation, List<String> remotes, Instant first, Instant last, long count) {
    public Contact {
        remotes = List.copyOf(remotes);
    }
}
