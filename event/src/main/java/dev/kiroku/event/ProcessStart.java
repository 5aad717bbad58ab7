package dev.kiroku.event;

/**
 * A process executed a new image (execve/execveat), or was found running when the agent started.
 *
 * @param process  the process after exec
 * @param snapshot true when taken from the start-up /proc snapshot rather than seen executing
 */
public record ProcessStart(ProcessInfo process, boolean snapshot) implements Payload {
}
