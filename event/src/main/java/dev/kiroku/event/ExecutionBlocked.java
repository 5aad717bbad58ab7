package dev.kiroku.event;

/**
 * The agent refused to let a file run because its SHA-256 is on the block list.
 *
 * @param attempt what was refused
 * @param path    the file's path as the kernel resolved it at that moment (null when it could not be read)
 * @param sha256  the file's SHA-256, hex (the blocked hash)
 * @param reason  why the hash is blocked, as the block list holds it (the analyst's reason, an indicator, a verdict)
 * @param process the process that tried, as far as the process table knows it (for an exec, the image before it)
 */
public record ExecutionBlocked(Attempt attempt, String path, String sha256, String reason, ProcessInfo process)
        implements Payload {

    public enum Attempt {
        /** execve of the blocked file. */
        EXEC,
        /** An interpreter or the loader opening the blocked file ({@code sh script}, {@code ld.so ./binary}). */
        OPEN
    }

    /** The file name of the path, or null when the path is unknown. */
    public String name() {
        if (path == null) return null;
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }
}
