package dev.kiroku.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The workloads, each run by ONE separate process (bash or perl) so that the benchmark JVM, whose
 * CPU time is the agent's cost, forks none of the processes, connections or files it measures.
 */
final class Storms {

    private Storms() {
    }

    /**
     * @param requested how many operations the storm was asked to do
     * @param failed    how many the storm process itself reported as failed (connects)
     * @param nanos     wall time from launch to exit of the storm process
     */
    record Result(int requested, int failed, long nanos, int exitCode, String output) {
        double perSecond() {
            return nanos <= 0 ? 0 : requested * 1e9 / nanos;
        }
    }

    /** {@code /bin/true <marker> <i>} for i in [0, n): bash forks and execs each one. */
    static Result exec(String marker, int n, Duration timeout) throws IOException {
        return run(List.of("/bin/bash", "-c",
                "m=$1; n=$2; for ((i=0; i<n; i++)); do /bin/true \"$m\" \"$i\"; done",
                "kiroku-bench-exec", marker, Integer.toString(n)), n, timeout);
    }

    /**
     * n TCP connections to 127.0.0.1:port with bash's /dev/tcp (socket + blocking connect, then
     * close), in one bash process; prints how many failed.
     */
    static Result connect(int port, int n, Duration timeout) throws IOException {
        return run(List.of("/bin/bash", "-c",
                "p=$1; n=$2; f=0; for ((i=0; i<n; i++)); do "
                        + "if { exec 3<>/dev/tcp/127.0.0.1/$p; } 2>/dev/null; then exec 3<&-; else f=$((f+1)); fi; "
                        + "done; echo $f",
                "kiroku-bench-connect", Integer.toString(port), Integer.toString(n)), n, timeout);
    }

    /** Creates (open O_CREAT|O_WRONLY, close) and deletes {@code dir/f<i>} for i in [0, n), in one perl process. */
    static Result files(Path dir, int n, Duration timeout) throws IOException {
        return run(List.of("/usr/bin/perl", "-e",
                "my ($d, $n) = @ARGV; my $f = 0;"
                        + " for my $i (0 .. $n - 1) { my $p = \"$d/f$i\";"
                        + " if (open(my $h, '>', $p)) { close($h); unlink($p) or $f++; } else { $f++; } }"
                        + " print \"$f\\n\";",
                dir.toString(), Integer.toString(n)), n, timeout);
    }

    private static Result run(List<String> command, int n, Duration timeout) throws IOException {
        List<String> cmd = new ArrayList<>(command);
        Path log = Files.createTempFile("kiroku-bench-storm-", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            long start = System.nanoTime();
            Process process = builder.start();
            process.getOutputStream().close();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                    throw new IOException("storm " + cmd.get(0) + " did not finish within " + timeout.toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted during the storm", e);
            }
            long nanos = System.nanoTime() - start;
            String text = Files.readString(log, StandardCharsets.UTF_8).trim();
            int failed = 0;
            String last = text.isEmpty() ? "" : text.substring(text.lastIndexOf('\n') + 1).trim();
            if (last.matches("\\d+")) failed = Integer.parseInt(last);
            return new Result(n, failed, nanos, process.exitValue(), text.length() > 2000 ? text.substring(0, 2000) : text);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
