package dev.kiroku.response.execblock;

import java.util.function.Consumer;

/**
 * A second check of every execution that the hash block list allows, such as a YARA scan of the file by policy
 * ({@link ExecBlocker#inspectWith}). It runs on a verdict thread under the blocker's deadline: when it has not answered
 * by then, the watchdog allows the execution, and the inspector's late answer only fills its own caches. An exception
 * allows the execution too.
 */
public interface ExecInspector {
    /** Inspects nothing: no execution is read or hashed for it. */
    ExecInspector NONE = new ExecInspector() {
        @Override
        public boolean active() {
            return false;
        }

        @Override
        public Verdict inspect(ExecutedFile file) {
            return Verdict.ALLOW;
        }
    };

    /** False while there is nothing to inspect; then executions are not hashed or read for this inspector. */
    boolean active();

    /** The verdict on one execution of {@code file}. */
    Verdict inspect(ExecutedFile file);

    /**
     * @param denyReason null to allow; otherwise why the execution is refused (it becomes the blocked attempt's reason)
     * @param onAnswered told, off the verdict path, whether the execution was really refused (false when the watchdog
     *                   had allowed it before this verdict)
     */
    record Verdict(String denyReason, Consumer<Boolean> onAnswered) {
        public static final Verdict ALLOW = new Verdict(null, refused -> { });

        public static Verdict deny(String reason, Consumer<Boolean> onAnswered) {
            return new Verdict(reason, onAnswered);
        }
    }
}
