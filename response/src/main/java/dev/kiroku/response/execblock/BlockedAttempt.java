package dev.kiroku.response.execblock;

import java.time.Instant;

/**
 * A denied execution or open of a blocked file, for the agent to turn into an event and an alert.
 *
 * @param kind {@code exec} (execve of the file) or {@code open} (an interpreter or loader opening a
 *             blocked script or binary)
 * @param pid  the process that tried (tgid)
 * @param path the file's path as the kernel resolved it at that moment
 * @param processExe the executable of that process, when it could still be read
 * @param reason why the hash is blocked, as the block list holds it
 */
public record BlockedAttempt(Instant at, String kind, int pid, String path, String sha256, String processExe, String reason) {
}
