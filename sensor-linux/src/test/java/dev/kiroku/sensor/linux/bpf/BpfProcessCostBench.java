package dev.kiroku.sensor.linux.bpf;

import dev.kiroku.sensor.linux.proc.ExitNotice;
import dev.kiroku.sensor.linux.proc.ForkNotice;
import dev.kiroku.sensor.linux.proc.ProcConnectorSource;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reader cost of the BPF process sensor against the proc connector's, over the exec storm of {@code bench
 * capture} ({@code /bin/true} run N times by one bash), both sources reading the same storm; and what the programs
 * cost the exec'ing processes (the storm's own CPU with and without them attached). Not a test: run by hand as root,
 * {@code java -cp sensor-linux/target/test-classes:sensor-linux/target/classes:event/target/classes
 * dev.kiroku.sensor.linux.bpf.BpfProcessCostBench [execs] [rounds]}.
 */
public final class BpfProcessCostBench {
    public static void main(String[] args) throws Exception {
        int execs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        storm(500); // warm the shell and the page cache
        for (int round = 0; round < rounds; round++) {
            System.out.printf("round %d load %s%n", round, Files.readString(Path.of("/proc/loadavg")).trim());
            double[] bare = storm(execs);
            System.out.printf("  storm without sources: %.2f s wall, %.0f us CPU/exec%n", bare[0], bare[1] * 1e6 / execs);
            AtomicLong bpfForks = new AtomicLong(), bpfExecs = new AtomicLong(), bpfExits = new AtomicLong();
            AtomicLong procForks = new AtomicLong(), procExits = new AtomicLong();
            try (BpfProcessSource bpf = new BpfProcessSource(); ProcConnectorSource proc = ProcConnectorSource.forkAndExit()) {
                bpf.start(r -> (switch (r.kind()) {
                    case FORK -> bpfForks;
                    case EXEC -> bpfExecs;
                    case EXIT -> bpfExits;
                }).incrementAndGet());
                proc.start(n -> {
                    if (n instanceof ForkNotice) procForks.incrementAndGet();
                    else if (n instanceof ExitNotice) procExits.incrementAndGet();
                });
                Thread.sleep(500);
                long b0 = cpu(threads, "kiroku-bpf-process"), p0 = cpu(threads, "kiroku-proc-connector");
                double[] both = storm(execs);
                Thread.sleep(1500);
                long b1 = cpu(threads, "kiroku-bpf-process"), p1 = cpu(threads, "kiroku-proc-connector");
                System.out.printf("  storm with both:       %.2f s wall, %.0f us CPU/exec%n", both[0], both[1] * 1e6 / execs);
                System.out.printf("  bpf reader  %.1f us/exec (forks %d execs %d exits %d, dropped %d)%n",
                        (b1 - b0) / 1e3 / execs, bpfForks.get(), bpfExecs.get(), bpfExits.get(), bpf.status().dropped());
                System.out.printf("  proc reader %.1f us/exec (forks %d exits %d, overruns %d)%n",
                        (p1 - p0) / 1e3 / execs, procForks.get(), procExits.get(), proc.status().overruns());
            }
            try (BpfProcessSource bpf = new BpfProcessSource()) {
                bpf.start(r -> { });
                double[] attached = storm(execs);
                System.out.printf("  storm with bpf only:   %.2f s wall, %.0f us CPU/exec%n", attached[0], attached[1] * 1e6 / execs);
            }
        }
    }

    private static long cpu(ThreadMXBean threads, String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name))
                .mapToLong(t -> threads.getThreadCpuTime(t.threadId())).sum();
    }

    /** Runs the storm under /usr/bin/time; returns {wall seconds, user+sys seconds of the storm's processes}. */
    private static double[] storm(int n) throws Exception {
        Path out = Files.createTempFile("kiroku-bpf-storm-", ".time");
        try {
            Process p = new ProcessBuilder("/usr/bin/time", "-f", "%e %U %S", "-o", out.toString(), "/bin/bash", "-c",
                    "n=$1; for ((i=0; i<n; i++)); do /bin/true kiroku-bpf-bench \"$i\"; done", "storm", Integer.toString(n))
                    .inheritIO().start();
            if (p.waitFor() != 0) throw new IllegalStateException("storm failed");
            String[] f = Files.readString(out).trim().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2])};
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
