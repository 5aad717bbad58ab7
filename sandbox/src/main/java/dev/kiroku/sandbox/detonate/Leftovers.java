package dev.kiroku.sandbox.detonate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Removes what detonations of a JVM that died (kill -9, power cut in the middle of a run) left on
 * the host: the sandbox's processes (killed through their cgroup), scratch mounts, cgroups, network
 * namespaces and work directories. Everything a detonation creates is named
 * {@code kiroku-sbx-<owner pid>-<n>}; a leftover is removed only when its owner is gone: no process
 * with that pid, or one that started after the leftover was created (the pid was reused). Runs of
 * live JVMs (another analyser on this machine) are never touched.
 */
public final class Leftovers {
    private static final Pattern NAME = Pattern.compile("kiroku-sbx-(\\d+)-\\d+");
    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");
    private static final int CGROUP_DEPTH = 8;

    private Leftovers() {
    }

    /**
     * Sweeps the machine (cgroups, network namespaces, mounts) and {@code workRoot} (scratch
     * directories). Each step is tried whatever the others did.
     *
     * @return one line per thing removed, and per thing that could not be removed (with why)
     */
    public static List<String> sweep(Path workRoot) {
        List<String> done = new ArrayList<>();
        List<Path> cgroups = orphanCgroups();
        for (Path cgroup : cgroups) killProcesses(cgroup, done);
        unmountOrphans(done);
        for (Path cgroup : cgroups.reversed()) removeCgroup(cgroup, done);
        deleteOrphanNamespaces(done);
        deleteOrphanWorkDirectories(workRoot, done);
        return done;
    }

    /** Whether the JVM named in a {@code kiroku-sbx-<pid>-<n>} name is gone; empty if the name is not a sandbox's. */
    static Optional<Boolean> ownerGone(String name, Instant createdAt) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) return Optional.empty();
        long pid = Long.parseLong(m.group(1));
        if (pid == ProcessHandle.current().pid()) return Optional.of(false);
        Optional<ProcessHandle> owner = ProcessHandle.of(pid);
        if (owner.isEmpty()) return Optional.of(true);
        Optional<Instant> started = owner.get().info().startInstant();
        return Optional.of(createdAt != null && started.isPresent() && started.get().isAfter(createdAt.plusSeconds(1)));
    }

    private static boolean orphan(Path path) {
        return ownerGone(path.getFileName().toString(), createdAt(path)).orElse(false);
    }

    private static Instant createdAt(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).lastModifiedTime().toInstant();
        } catch (IOException e) {
            return null;
        }
    }

    /** Sandbox cgroup directories of dead owners in every hierarchy, parents before children. */
    private static List<Path> orphanCgroups() {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(CGROUPS)) return found;
        try (Stream<Path> walk = Files.walk(CGROUPS, CGROUP_DEPTH)) {
            walk.filter(p -> p.getFileName() != null && p.getFileName().toString().startsWith("kiroku-sbx-"))
                    .filter(Files::isDirectory).filter(Leftovers::orphan).sorted().forEach(found::add);
        } catch (IOException | RuntimeException e) {
            // a cgroup vanishing while the tree is walked; what was found is still swept
        }
        return found;
    }

    private static void killProcesses(Path cgroup, List<String> done) {
        Path kill = cgroup.resolve("cgroup.kill");
        try {
            if (Files.exists(kill)) Files.writeString(kill, "1");
            for (String pid : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
                if (!pid.isBlank()) ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (IOException | RuntimeException e) {
            done.add("could not kill the processes of " + cgroup + ": " + e.getMessage());
        }
    }

    private static void removeCgroup(Path cgroup, List<String> done) {
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                Files.deleteIfExists(cgroup);
                done.add("removed cgroup " + cgroup);
                return;
            } catch (IOException e) {
                if (attempt == 99) done.add("could not remove cgroup " + cgroup + ": " + e.getMessage());
                sleep();
            }
        }
    }

    /** Mounts below a sandbox work directory of a dead owner, deepest first. */
    private static void unmountOrphans(List<String> done) {
        List<String> targets = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] fields = line.split(" ");
                if (fields.length < 2) continue;
                String target = fields[1].replace("\\040", " ");
                for (Path p = Path.of(target); p != null && p.getFileName() != null; p = p.getParent()) {
                    if (p.getFileName().toString().startsWith("kiroku-sbx-") && orphan(p)) {
                        targets.add(target);
                        break;
                    }
                }
            }
        } catch (IOException e) {
            done.add("could not read /proc/self/mounts: " + e.getMessage());
        }
        targets.sort(Comparator.comparingInt(String::length).reversed());
        for (String target : targets) {
            try {
                Commands.run("umount", "-l", target);
                done.add("unmounted " + target);
            } catch (IOException e) {
                done.add("could not unmount " + target + ": " + e.getMessage());
            }
        }
    }

    private static void deleteOrphanNamespaces(List<String> done) {
        Path netns = Path.of("/run/netns");
        if (!Files.isDirectory(netns)) return;
        try (Stream<Path> list = Files.list(netns)) {
            for (Path ns : list.filter(Leftovers::orphan).toList()) {
                try {
                    Commands.run("ip", "netns", "del", ns.getFileName().toString());
                    done.add("deleted network namespace " + ns.getFileName());
                } catch (IOException e) {
                    done.add("could not delete network namespace " + ns.getFileName() + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            done.add("could not list " + netns + ": " + e.getMessage());
        }
    }

    private static void deleteOrphanWorkDirectories(Path workRoot, List<String> done) {
        if (!Files.isDirectory(workRoot)) return;
        try (Stream<Path> list = Files.list(workRoot)) {
            for (Path dir : list.filter(Files::isDirectory).filter(Leftovers::orphan).toList()) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                    done.add("deleted work directory " + dir);
                } catch (IOException | RuntimeException e) {
                    done.add("could not delete work directory " + dir + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            done.add("could not list " + workRoot + ": " + e.getMessage());
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
