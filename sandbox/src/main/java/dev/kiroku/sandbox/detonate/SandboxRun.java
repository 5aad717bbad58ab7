package dev.kiroku.sandbox.detonate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts one sample inside the namespaces and waits for it. The launcher joins the cgroups, enters
 * the sink's network namespace and unshares mount, pid, ipc and uts namespaces; the setup script
 * (pid 1 there) mounts the overlay (host root read-only below, scratch tmpfs above), a fresh /proc
 * with the kernel's dangerous files masked, a minimal /dev and an empty /tmp; hides /work, /root and
 * /home; pivots into it; and runs the sample in a further user namespace (root inside, no capability
 * over anything outside it). It then keeps the namespace while anything the sample started lives.
 */
final class SandboxRun {
    /** Outcome: exit code of the sample's first process (-1 unknown), whether the time limit ended it. */
    record Outcome(int exitCode, boolean timedOut, long hostPid, Duration duration) {
    }

    private SandboxRun() {
    }

    /**
     * @param command the sample's command line as seen inside ("/sandbox/x.sh")
     */
    static Outcome run(Path workDir, ScratchLayer scratch, SandboxCgroup cgroup, SinkNetwork network, List<String> command,
                       Duration timeLimit) throws IOException, InterruptedException {
        Path setup = workDir.resolve("setup.sh");
        Files.writeString(setup, setupScript(scratch));
        Path launch = workDir.resolve("launch.sh");
        Files.writeString(launch, "#!/bin/sh\n"
                + cgroup.procsFiles().stream().map(f -> "echo $$ > " + quote(f.toString())).collect(Collectors.joining("\n")) + "\n"
                + "exec nsenter --net=" + quote(network.path().toString())
                + " unshare --mount --pid --ipc --uts --fork --kill-child --propagation private -- /bin/sh " + quote(setup.toString())
                + command.stream().map(SandboxRun::quote).collect(Collectors.joining(" ", " ", "")) + "\n");
        long started = System.nanoTime();
        Process process = new ProcessBuilder("/bin/sh", launch.toString())
                .redirectOutput(workDir.resolve("launch.out").toFile()).redirectErrorStream(true).start();
        boolean finished = process.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            cgroup.kill();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - started);
        String exit = scratch.kirokuFile("exit", 16).strip();
        int code = exit.matches("-?\\d+") ? Integer.parseInt(exit) : -1;
        return new Outcome(code, !finished, process.pid(), duration);
    }

    /** Text the launcher itself printed (mount or namespace failures), for the report. */
    static String launcherOutput(Path workDir) {
        try {
            String text = Files.readString(workDir.resolve("launch.out"));
            return text.length() > 2000 ? text.substring(0, 2000) : text;
        } catch (IOException e) {
            return "";
        }
    }

    private static String setupScript(ScratchLayer s) {
        String root = quote(s.root().toString());
        return String.join("\n",
                "set -e",
                "mount --make-rprivate /",
                "mount -t overlay kiroku-sandbox -o lowerdir=/,upperdir=" + quote(s.upper().toString()) + ",workdir=" + quote(s.work().toString()) + " " + root,
                "R=" + root,
                "mount -t proc -o nosuid,nodev,noexec proc \"$R/proc\"",
                // what container runtimes mask: the kernel's knobs stay read-only or empty
                "for p in sys sysrq-trigger irq bus fs; do [ -e \"$R/proc/$p\" ] && mount --bind -o ro \"$R/proc/$p\" \"$R/proc/$p\" && mount -o remount,bind,ro \"$R/proc/$p\"; done",
                "for p in kcore keys timer_list sched_debug; do [ -e \"$R/proc/$p\" ] && mount --bind /dev/null \"$R/proc/$p\"; done",
                "mount -t tmpfs -o size=1m,mode=755,nosuid tmpfs \"$R/dev\"",
                "for d in null zero random urandom tty full; do touch \"$R/dev/$d\"; mount --bind /dev/$d \"$R/dev/$d\"; done",
                "ln -s /proc/self/fd \"$R/dev/fd\"; ln -s /proc/self/fd/0 \"$R/dev/stdin\"; ln -s /proc/self/fd/1 \"$R/dev/stdout\"; ln -s /proc/self/fd/2 \"$R/dev/stderr\"",
                ScratchLayer.PRIVATE_DIRECTORIES.stream().map(d -> "mkdir -p \"$R/" + d + "\"; mount --bind " + quote(s.privateDirectory(d).toString()) + " \"$R/" + d + "\"")
                        .collect(Collectors.joining("\n")),
                "mkdir -p \"$R/" + ScratchLayer.KIROKU_DIR + "\"; mount --bind " + quote(s.bookkeeping().toString()) + " \"$R/" + ScratchLayer.KIROKU_DIR + "\"",
                "cd \"$R\"",
                "mkdir -p .oldroot",
                "pivot_root . .oldroot",
                "umount -l /.oldroot",
                "rmdir /.oldroot",
                "hostname sandbox",
                "cd /sandbox",
                "set +e",
                "unshare --user --map-root-user -- env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root USER=root "
                        + "\"$@\" </dev/null >/" + ScratchLayer.KIROKU_DIR + "/output 2>&1 &",
                "wait $!",
                "echo $? > /" + ScratchLayer.KIROKU_DIR + "/exit",
                // the namespace ends with pid 1: keep it while the sample's other processes run (the time limit still applies)
                "while kill -0 -1 2>/dev/null; do sleep 0.2; done",
                "");
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
