package dev.kiroku.sandbox.detonate;

import dev.kiroku.sandbox.AnalysisOptions;
import dev.kiroku.sandbox.BuiltInAnalyzer;
import dev.kiroku.sandbox.Sample;
import dev.kiroku.sandbox.statics.ArchiveLimits;
import dev.kiroku.sandbox.statics.KnownBadHashes;
import dev.kiroku.sandbox.statics.StaticAnalyzer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A JVM killed with -9 in the middle of a detonation leaves its sandbox behind (processes still
 * running in the cgroup, scratch mounts, cgroups, network namespace, work directory); the next start
 * removes all of it, and leaves alone the sandbox state of a JVM that is still alive. Needs root.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CrashCleanupTest {
    @TempDir
    Path dir;

    /** The child JVM: detonates a sample that runs for a minute (no sensor, to be quick). */
    public static void main(String[] args) throws Exception {
        Path workRoot = Path.of(args[0]);
        Detonator detonator = new Detonator(workRoot, new Detonator.Settings(Limits.defaults(Duration.ofSeconds(60)), false,
                Duration.ofSeconds(1)), BehaviourRules.builtIn());
        new BuiltInAnalyzer(new StaticAnalyzer(StaticAnalyzer.builtInChecks(KnownBadHashes.empty()), ArchiveLimits.defaults()),
                detonator, 1 << 20, InstantSource.system())
                .analyze(Sample.of(Path.of(args[1])), AnalysisOptions.defaults().withTimeLimit(Duration.ofSeconds(60)));
    }

    @Test
    void stateOfAKilledJvmIsRemovedAtTheNextStartAndLiveOnesAreKept() throws Exception {
        Path workRoot = Files.createDirectories(dir.resolve("runs"));
        Path sample = Files.writeString(dir.resolve("long.sh"), "#!/bin/sh\nsleep 300 &\nsleep 301\n");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CrashCleanupTest.class.getName(), workRoot.toString(), sample.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        String name = "kiroku-sbx-" + child.pid() + "-1";
        String liveName = "kiroku-sbx-" + ProcessHandle.current().pid() + "-9999";
        Path liveWork = Files.createDirectories(workRoot.resolve(liveName));
        List<Long> samplePids = new ArrayList<>();
        try {
            Commands.run("ip", "netns", "add", liveName);
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                samplePids.clear();
                samplePids.addAll(processesRunning("sleep 301"));
                return !samplePids.isEmpty();
            });
            assertThat(child.isAlive()).isTrue();
            child.destroyForcibly().waitFor(); // kill -9 in the middle of the detonation
            List<String> left = leftovers(name);
            assertThat(left).as("what the killed JVM left").anySatisfy(l -> assertThat(l).startsWith("/run/netns/"))
                    .anySatisfy(l -> assertThat(l).startsWith("/sys/fs/cgroup/")).anySatisfy(l -> assertThat(l).startsWith("mount "));
            assertThat(workRoot.resolve(name)).exists();
            assertThat(samplePids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());

            List<String> done = Leftovers.sweep(workRoot);

            assertThat(done).noneMatch(l -> l.startsWith("could not"));
            assertThat(done).anySatisfy(l -> assertThat(l).isEqualTo("deleted network namespace " + name))
                    .anySatisfy(l -> assertThat(l).startsWith("unmounted ").contains(name))
                    .anySatisfy(l -> assertThat(l).startsWith("removed cgroup ").endsWith(name))
                    .anySatisfy(l -> assertThat(l).isEqualTo("deleted work directory " + workRoot.resolve(name)));
            assertThat(leftovers(name)).isEmpty();
            assertThat(workRoot.resolve(name)).doesNotExist();
            await().atMost(Duration.ofSeconds(10)).until(() -> samplePids.stream().noneMatch(pid -> ProcessHandle.of(pid).isPresent()));
            // a live JVM's sandbox is not touched
            assertThat(Path.of("/run/netns", liveName)).exists();
            assertThat(liveWork).exists();
            assertThat(done).noneMatch(l -> l.contains(liveName));
        } finally {
            child.destroyForcibly();
            samplePids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            try {
                Commands.run("ip", "netns", "del", liveName);
            } catch (IOException ignored) {
                // already gone
            }
            Leftovers.sweep(workRoot);
        }
    }

    /** Host pids of processes whose command line is exactly {@code commandLine}. */
    private static List<Long> processesRunning(String commandLine) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.equals("/usr/bin/" + commandLine)
                || c.equals("/bin/" + commandLine)).orElse(false)).map(ProcessHandle::pid).toList();
    }

    /** Network namespaces, cgroups ("/sys/fs/cgroup/…") and mounts ("mount …") named {@code name}. */
    static List<String> leftovers(String name) throws IOException {
        List<String> found = new ArrayList<>();
        if (Files.exists(Path.of("/run/netns", name))) found.add("/run/netns/" + name);
        try (Stream<Path> walk = Files.walk(Path.of("/sys/fs/cgroup"), 8)) {
            walk.filter(p -> p.getFileName() != null && p.getFileName().toString().equals(name)).map(Path::toString).forEach(found::add);
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) if (line.contains("/" + name + "/")) found.add("mount " + line);
        return found;
    }
}
