package dev.kiroku.investigate.tracking;

import dev.kiroku.investigate.history.ProcessRecord;

import java.time.Instant;
import java.util.List;

/**
 * Where an executable or script in a chain came from.
 *
 * @param path   the file
 * @param role   "executable" or "script"
 * @param sha256 its content hash when known (executables are hashed by the agent)
 * @param writer the last write before it ran; null when the record holds none (installed before recording)
 */
public record FileOrigin(String path, String role, String sha256, Write writer) {

    public boolean written() {
        return writer != null;
    }

    /**
     * A write of the file.
     *
     * @param process     who wrote it
     * @param time        when
     * @param action      creation, modification or rename
     * @param renamedFrom the old path when it was renamed onto this one
     * @param download    the connections the writer made shortly before the write: where the content came from
     * @param writerChain how the writer itself started (ancestors, recursively their files' origins); null past the depth limit
     */
    public record Write(ProcessRecord process, Instant time, String action, String renamedFrom, List<Connection> download,
                        RootCause writerChain) {
        public Write {
            download = List.copyOf(download);
        }
    }
}
