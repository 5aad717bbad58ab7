package dev.kiroku.investigate.tracking;

import dev.kiroku.investigate.history.ProcessRecord;

import java.util.List;

/**
 * One process of an ancestry chain with the origins of the files it ran.
 *
 * @param enteredFrom for a session boundary (sshd) on one endpoint: the connection from another endpoint that opened
 *                    it, when the record links them; otherwise null
 */
public record ChainLink(ProcessRecord process, List<FileOrigin> origins, RemoteLink enteredFrom) {
    public ChainLink {
        origins = List.copyOf(origins);
    }

    /** True when a file this process ran was written within the record (dropped or downloaded, not installed). */
    public boolean ranRecordedWrite() {
        return origins.stream().anyMatch(FileOrigin::written);
    }
}
