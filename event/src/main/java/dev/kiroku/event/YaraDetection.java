package dev.kiroku.event;

import java.util.List;

/**
 * A YARA rule matched a file the agent scanned by policy: a newly written executable, or a file about to be executed.
 *
 * @param trigger   why the file was scanned
 * @param blocked   true when the policy said block and the execution was refused
 * @param path      the scanned file
 * @param sha256    the file's SHA-256, hex (null when the agent did not hash it)
 * @param rule      the rule that matched
 * @param namespace the rule's namespace (the rule set's name)
 * @param tags      the rule's tags
 * @param strings   the matched strings with their offsets in the file (a bounded number)
 * @param process   the process that wrote or executed the file, as far as the process table knows it
 */
public record YaraDetection(Trigger trigger, boolean blocked, String path, String sha256, String rule, String namespace,
                            List<String> tags, List<StringHit> strings, ProcessInfo process) implements Payload {

    public enum Trigger {
        /** The file was closed after being written, or became executable. */
        WRITE,
        /** The file was about to be executed. */
        EXEC
    }

    /** One matched string: its identifier, where it is in the file, how long, and a printable preview. */
    public record StringHit(String identifier, long offset, int length, String preview) {
    }

    public YaraDetection {
        tags = tags == null ? List.of() : List.copyOf(tags);
        strings = strings == null ? List.of() : List.copyOf(strings);
    }

    /** The file name of the path, or null when the path is unknown. */
    public String name() {
        if (path == null) return null;
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }
}
