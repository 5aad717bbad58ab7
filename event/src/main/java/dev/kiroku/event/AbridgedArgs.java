package dev.kiroku.event;

import java.util.ArrayList;
import java.util.List;

/**
 * Argument vectors on events that only mention a process. A process start carries its whole argument vector; every
 * other event about the process (its file, network and user events, its exit, its children's starts) carries at most
 * {@link #MAX_CHARS} characters of it, so that a process with a 100 KB argument vector does not repeat it in each of
 * its thousands of file events (in the journal, on the wire, in the store). The analyst finds the whole vector on the
 * start event through {@code process.entity_id}.
 */
public final class AbridgedArgs {
    /** Characters of an argument vector kept on events other than the process's start (as a shell's line of 8 K). */
    public static final int MAX_CHARS = 8_192;

    private AbridgedArgs() {
    }

    /** The payload with its mentioned argument vectors cut, or the same instance when none was longer. */
    public static Payload of(Payload payload) {
        // Process starts and exits (an agent's most frequent events) without the pattern switch: under C1, the agent's
        // JIT, a type switch is an invokedynamic call through method handles.
        if (payload instanceof ProcessStart start) return ofStart(start);
        if (payload instanceof ProcessExit exit) return ofExit(exit);
        return switch (payload) {
            case ProcessStart start -> ofStart(start);
            case ProcessExit exit -> ofExit(exit);
            case FileChange f -> {
                ProcessInfo process = abridged(f.process());
                yield process == f.process() ? f : new FileChange(f.action(), f.path(), f.oldPath(), f.directory(),
                        process, f.sha256(), f.md5(), f.sha1());
            }
            case NetworkActivity n -> {
                ProcessInfo process = abridged(n.process());
                yield process == n.process() ? n : new NetworkActivity(n.action(), n.transport(), n.sourceIp(),
                        n.sourcePort(), n.destinationIp(), n.destinationPort(), n.success(), process);
            }
            case UserActivity u -> {
                ProcessInfo process = abridged(u.process());
                yield process == u.process() ? u : new UserActivity(u.action(), u.userName(), u.uid(), u.success(),
                        u.sourceIp(), u.terminal(), u.recordType(), u.message(), process);
            }
            case ExecutionBlocked b -> {
                ProcessInfo process = abridged(b.process());
                yield process == b.process() ? b : new ExecutionBlocked(b.attempt(), b.path(), b.sha256(), b.reason(), process);
            }
            case YaraDetection y -> {
                ProcessInfo process = abridged(y.process());
                yield process == y.process() ? y : new YaraDetection(y.trigger(), y.blocked(), y.path(), y.sha256(),
                        y.rule(), y.namespace(), y.tags(), y.strings(), process);
            }
            case LossReport loss -> loss;
        };
    }

    private static ProcessStart ofStart(ProcessStart start) {
        ProcessInfo process = withParentAbridged(start.process());
        return process == start.process() ? start : new ProcessStart(process, start.snapshot());
    }

    private static ProcessExit ofExit(ProcessExit exit) {
        ProcessInfo process = abridged(exit.process());
        return process == exit.process() ? exit : new ProcessExit(process, exit.exitCode(), exit.signal());
    }

    /** The process with its own and its parent's argument vectors cut (the same instance when neither was longer). */
    static ProcessInfo abridged(ProcessInfo p) {
        return p == null ? null : p.withArgs(abridged(p.args()), abridged(p.parent()));
    }

    private static ProcessInfo withParentAbridged(ProcessInfo p) {
        return p == null ? null : p.withArgs(p.args(), abridged(p.parent()));
    }

    private static ProcessInfo.ParentRef abridged(ProcessInfo.ParentRef parent) {
        if (parent == null) return null;
        List<String> args = abridged(parent.args());
        return args == parent.args() ? parent : new ProcessInfo.ParentRef(parent.entityId(), parent.pid(),
                parent.executable(), args);
    }

    /**
     * A process start whose own argument vector is cut to {@code maxChars} and flagged {@link Incomplete#ARGS_ABRIDGED}
     * (for a transport that cannot carry the event whole); any other event unchanged.
     */
    public static Event withOwnArgsCut(Event event, int maxChars) {
        if (!(event.payload() instanceof ProcessStart start) || start.process() == null) return event;
        ProcessInfo p = start.process();
        List<String> args = abridged(p.args(), maxChars);
        if (args == p.args()) return event;
        List<Incomplete> flags = new ArrayList<>(event.incomplete());
        if (!flags.contains(Incomplete.ARGS_ABRIDGED)) flags.add(Incomplete.ARGS_ABRIDGED);
        return new Event(event.agentId(), event.sequence(), event.timestamp(), event.hostName(), flags,
                new ProcessStart(p.withArgs(args, p.parent()), start.snapshot()));
    }

    static List<String> abridged(List<String> args) {
        return abridged(args, MAX_CHARS);
    }

    /** The leading arguments that fit in {@code maxChars}, the last one cut; the same list when all fit. */
    private static List<String> abridged(List<String> args, int maxChars) {
        int total = 0;
        for (String arg : args) total += arg.length();
        if (total <= maxChars) return args;
        List<String> kept = new ArrayList<>();
        int left = maxChars;
        for (String arg : args) {
            if (left <= 0) break;
            kept.add(arg.length() <= left ? arg : prefix(arg, left));
            left -= arg.length();
        }
        return kept;
    }

    /** The first {@code chars} characters, one fewer when the last would be half of a surrogate pair. */
    private static String prefix(String arg, int chars) {
        return arg.substring(0, Character.isHighSurrogate(arg.charAt(chars - 1)) ? chars - 1 : chars);
    }
}
