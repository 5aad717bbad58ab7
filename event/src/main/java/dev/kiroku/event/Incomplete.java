package dev.kiroku.event;

/** What a sensor could not learn about an event; the event is still recorded, flagged. */
public enum Incomplete {
    /** The argument vector was not reported or not fully reassembled. */
    ARGS,
    /** The executable path is unknown (process gone before enrichment, or deleted). */
    EXECUTABLE,
    /**
     * The executable (of a process, or a created or written executable file) could not be hashed (deleted,
     * unreadable, over the CPU budget or, for a written file, over the size limit).
     */
    HASH,
    /** The working directory is unknown. */
    WORKING_DIRECTORY,
    /** The parent process is unknown to the process table. */
    PARENT,
    /** The user name could not be resolved from the uid. */
    USER_NAME,
    /** A file path could not be resolved from its kernel handle. */
    PATH,
    /** The process that caused a file or network event is not known to the process table. */
    PROCESS,
    /** Container, cgroup or namespace ids could not be read. */
    NAMESPACES,
    /** A kernel record could not be fully parsed; the raw text is kept. */
    MALFORMED,
    /**
     * An argument vector this event only mentions (its process's, on an event other than that process's start, or the
     * parent's) was cut to {@link AbridgedArgs#MAX_CHARS}; the process's start event has it whole.
     */
    ARGS_ABRIDGED
}
