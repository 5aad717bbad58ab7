package dev.kiroku.investigate.tracking;

import dev.kiroku.investigate.history.ProcessRecord;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What a process is for investigation: a session boundary where ancestry stops, an interpreter running a script. */
public final class ProcessRoles {
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "busybox");
    private static final List<String> INTERPRETER_PREFIXES = List.of("python", "perl", "ruby", "node", "php", "lua", "tclsh", "pwsh");

    private ProcessRoles() {
    }

    /** Why ancestry stops at this process ("init", "sshd session", "cron", "container runtime"), or empty. */
    public static Optional<String> boundary(ProcessRecord p) {
        String name = p.name();
        if (p.pid() == 1 || name.equals("systemd") && p.parentEntityId() == null || name.equals("init")) return Optional.of("init");
        if (name.equals("sshd") || name.equals("sshd-session")) return Optional.of("sshd session");
        if (name.equals("cron") || name.equals("crond") || name.equals("atd") || name.equals("anacron")) return Optional.of("cron");
        if (name.startsWith("containerd-shim") || name.equals("runc")) return Optional.of("container runtime");
        if (name.equals("systemd")) return Optional.of("service manager (systemd)");
        return Optional.empty();
    }

    public static boolean isShell(String name) {
        return SHELLS.contains(name);
    }

    public static boolean isInterpreter(String name) {
        if (isShell(name)) return true;
        for (String prefix : INTERPRETER_PREFIXES) if (name.startsWith(prefix)) return true;
        return false;
    }

    /**
     * The script an interpreter runs (its first operand, resolved against the working directory), or empty for
     * {@code -c}/{@code -e} code, modules and interactive shells.
     */
    public static Optional<String> script(ProcessRecord p) {
        if (!isInterpreter(p.name()) || p.args().size() < 2) return Optional.empty();
        List<String> args = p.args();
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-c") || a.equals("-e") || a.equals("-m") || a.equals("-E") || a.equals("--eval")) return Optional.empty();
            if (a.equals("--")) {
                return i + 1 < args.size() ? Optional.of(resolve(p, args.get(i + 1))) : Optional.empty();
            }
            if (a.startsWith("-") || a.isEmpty()) continue;
            return Optional.of(resolve(p, a));
        }
        return Optional.empty();
    }

    private static String resolve(ProcessRecord p, String path) {
        if (path.startsWith("/") || p.workingDirectory() == null) return path;
        return Path.of(p.workingDirectory()).resolve(path).normalize().toString();
    }
}
