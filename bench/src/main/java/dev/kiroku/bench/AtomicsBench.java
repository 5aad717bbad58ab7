package dev.kiroku.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpServer;
import dev.kiroku.sensor.linux.audit.AuditLock;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code AtomicsBench [--quick] [--json] [--atomics | --benign] [--work-dir DIR]}: runs reviewed Atomic
 * Red Team tests against the live product and reports which techniques Kiroku's own Linux rule pack
 * alerts on; then runs a benign developer workload and reports every alert it raises.
 *
 * <h2>Set-up</h2>
 * The product runs as a child JVM ({@code dev.kiroku.cli.Main demo}, class path of this JVM, data under
 * the work directory) with {@code --watch /,<scratch>}: fanotify marks the root filesystem (on this
 * machine /, /etc, /root, /var, /tmp and the repository are one ext4 filesystem, so the file rules for
 * /etc, ~/.ssh, /var/log, cron, systemd and profiles can fire) and the /dev/shm tmpfs holding the
 * scratch directory where the tests write. That is what the default (every local writable filesystem)
 * records here too, minus unrelated pseudo and tmpfs mounts that only add noise from other users of this
 * shared machine. The machine-wide {@link AuditLock} is held for the whole run (the child uses audit).
 *
 * <h2>Atomics</h2>
 * Only the allow-listed tests of {@link AtomicSelection} run (each with the reason it is safe), rewritten
 * into a scratch directory {@code /dev/shm/kiroku-atomics-*} (see there). One test at a time: the
 * prerequisites the review allowed, then the command as {@code setsid sh|bash -c <command>} (the
 * executor the YAML names; in {@code ip netns exec} of a namespace this benchmark created when the test
 * needs a network peer), stdin /dev/null, cwd and TMPDIR the scratch directory, 45 s timeout (a loaded machine makes venv creation slow); then every
 * process left in the test's session is killed (by pid, only processes whose session id is the test's),
 * and the cleanup command runs the same way. Namespaces are deleted in {@code finally}.
 *
 * <h2>Attribution</h2>
 * After the last test the benchmark waits until a marker exec is stored and the detection queue is
 * empty, then reads every alert since the phase began. An alert belongs to a test when the process
 * ancestry of its kept event (the event's {@code process.pid}/{@code process.parent.pid}, then the
 * parents' start events looked up by {@code process.entity_id}, up to 10 levels) contains the pid of the
 * test's {@code setsid} wrapper and its first occurrence lies in the test's window. Weaknesses: an alert
 * on a process whose parent's start event was never stored (e.g. lost, or a file event of a process the
 * agent saw only by pid) cannot be walked and is listed as unattributed; pid reuse inside a window would
 * mis-attribute (not seen at this rate); correlation alerts are attributed through the event that
 * completed them; alert suppression (same rule + process within 10 minutes) can hide a repeat, but each
 * test runs in new processes. Alerts in a test's window that do not descend from it are reported as
 * unattributed (other users' activity on this shared machine, or an attribution miss).
 *
 * <h2>Benign phase</h2>
 * For N minutes (quick 1, full 10) a loop of developer work, each step wrapped and attributed the same
 * way: copying the repository into a workspace under the home directory (as a developer's checkout; removed
 * afterwards), an offline Maven compile and a module's unit tests in that copy, {@code apt-cache policy}, {@code dpkg -l}, {@code apt-get -s install cowsay}, ls/grep/find,
 * {@code git log/status} (read-only, {@code GIT_OPTIONAL_LOCKS=0}) in /work/main, editing files in
 * scratch. Every attributed alert is a false positive (target at most 5).
 *
 * <p>Exit code: 0 every target met, 1 a target missed, 2 the benchmark could not run.
 */
public final class AtomicsBench {

    static final int OK = 0;
    static final int TARGET_MISSED = 1;
    static final int FAILED = 2;
    static final double TECHNIQUE_RATIO_TARGET = 0.8;
    static final int BENIGN_ALERTS_TARGET = 5;
    static final Duration TEST_TIMEOUT = Duration.ofSeconds(45);
    static final Path DEFAULT_ATOMICS = Path.of("/work/shared/datasets/atomic-red-team/atomics");
    static final String PATH_ENV = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    enum Phases { BOTH, ATOMICS, BENIGN }

    private AtomicsBench() {
    }

    public static void main(String[] args) {
        boolean quick = false;
        boolean json = false;
        Phases phases = Phases.BOTH;
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--json" -> json = true;
                case "--atomics" -> phases = Phases.ATOMICS;
                case "--benign" -> phases = Phases.BENIGN;
                case "--work-dir" -> workDir = Path.of(args[++i]);
                case "--list" -> {
                    System.exit(list(System.out));
                }
                default -> {
                    System.err.println("usage: AtomicsBench [--quick] [--json] [--atomics | --benign] [--work-dir DIR] | --list");
                    System.exit(FAILED);
                }
            }
        }
        System.exit(run(quick, json, System.out, workDir, phases));
    }

    /** Prints every selected test as it would run (scratch shown as /dev/shm/kiroku-atomics-X), without running anything. */
    static int list(PrintStream out) {
        List<String> notes = new ArrayList<>();
        try {
            List<AtomicTest> tests = AtomicTest.load(Path.of(System.getProperty("kiroku.atomics.dir", DEFAULT_ATOMICS.toString())),
                    AtomicSelection.SPECS, notes);
            int refused = 0;
            for (AtomicTest t : tests) {
                out.println("=== " + t.technique() + " " + t.guid() + " " + t.name() + " [" + t.executor() + ", " + t.spec().net()
                        + (t.spec().quick() ? ", quick" : "") + "]");
                out.println("    why: " + t.spec().why());
                try {
                    AtomicTest.Prepared p = t.prepare(Path.of("/dev/shm/kiroku-atomics-X"), "http://127.0.0.1:PORT");
                    p.prereqs().forEach(x -> out.println("    prereq: " + x.strip().replace("\n", "\n            ")));
                    out.println("    command: " + p.command().strip().replace("\n", "\n             "));
                    if (!p.cleanup().isBlank()) out.println("    cleanup: " + p.cleanup().strip().replace("\n", "\n             "));
                } catch (IllegalStateException e) {
                    refused++;
                    out.println("    REFUSED: " + e.getMessage());
                }
            }
            notes.forEach(n -> out.println("note: " + n));
            return refused == 0 ? OK : FAILED;
        } catch (IOException e) {
            out.println("cannot read the data set: " + e);
            return FAILED;
        }
    }

    /** Both phases: the atomics, then the benign workload. */
    public static int run(boolean quick, boolean json, PrintStream out, Path workDir) {
        return run(quick, json, out, workDir, Phases.BOTH);
    }

    /** One wrapped run: a test's command or a benign step. */
    record Run(String label, long pid, Instant start, Instant end, int exitCode, boolean timedOut, String outputTail) {
    }

    /** A selected test's outcome. */
    static final class TestOutcome {
        final AtomicTest test;
        Run run;
        String error;
        final List<JsonNode> alerts = new ArrayList<>();

        TestOutcome(AtomicTest test) {
            this.test = test;
        }
    }

    public static int run(boolean quick, boolean json, PrintStream out, Path workDir, Phases phases) {
        long t0 = System.nanoTime();
        PrintStream progress = new PrintStream(System.err, true) {
            @Override
            public void println(String line) {
                super.println(String.format(Locale.ROOT, "[%6.1f s] %s", (System.nanoTime() - t0) / 1e9, line));
            }
        };
        List<String> notes = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<TestOutcome> outcomes = new ArrayList<>();
        List<JsonNode> atomicsUnattributed = new ArrayList<>();
        List<Run> benignRuns = new ArrayList<>();
        List<JsonNode> benignAttributed = new ArrayList<>();
        List<JsonNode> benignUnattributed = new ArrayList<>();
        double benignMinutes = phases == Phases.ATOMICS ? 0 : (quick ? 1 : 10);
        Path scratch = null;
        Path workspace = null;
        Path data = null;
        Process demo = null;
        HttpServer loopback = null;
        Namespaces namespaces = new Namespaces(progress);
        String loadStart = ProcStats.loadAverage();
        try {
            if (!"root".equals(System.getProperty("user.name"))) throw new IOException("needs root (the agent and the tests)");
            Files.createDirectories(workDir);
            Path atomicsDir = Path.of(System.getProperty("kiroku.atomics.dir", DEFAULT_ATOMICS.toString()));
            List<AtomicTest> selected = phases == Phases.BENIGN ? List.of() : AtomicTest.load(atomicsDir, AtomicSelection.SPECS, notes);
            if (quick) selected = selected.stream().filter(t -> t.spec().quick()).toList();
            progress.println("atomics: " + selected.size() + " tests selected" + (quick ? " (quick subset)" : ""));

            scratch = Files.createTempDirectory(Path.of("/dev/shm"), "kiroku-atomics-");
            Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwx------"));
            writeFixtures(scratch);
            loopback = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            Path www = scratch.resolve("www");
            loopback.createContext("/", exchange -> {
                Path file = www.resolve(exchange.getRequestURI().getPath().replaceFirst("^/+", "")).normalize();
                byte[] body = file.startsWith(www) && Files.isRegularFile(file) ? Files.readAllBytes(file) : new byte[0];
                exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(body);
                }
            });
            loopback.start();
            String loopbackUrl = "http://127.0.0.1:" + loopback.getAddress().getPort();

            progress.println("waiting for the audit lock " + AuditLock.DEFAULT_PATH);
            try (AuditLock ignored = AuditLock.acquire(Duration.ofMinutes(15))) {
                data = workDir.resolve("atomics-data-" + System.currentTimeMillis());
                int port = freePort();
                Api api = new Api("http://127.0.0.1:" + port, data.resolve("server/credentials"));
                demo = startDemo(data, port, List.of(Path.of("/"), scratch), workDir);
                progress.println("demo started (pid " + demo.pid() + ", port " + port + ", data " + data + "); waiting until healthy");
                awaitHealthy(api, demo, Duration.ofMinutes(3));
                awaitMarkerStored(api, scratch, Duration.ofMinutes(3), progress);
                progress.println("demo healthy and recording");

                if (!selected.isEmpty()) {
                    Instant phaseStart = Instant.now();
                    for (AtomicTest test : selected) {
                        TestOutcome o = new TestOutcome(test);
                        outcomes.add(o);
                        try {
                            runTest(o, scratch, loopbackUrl, namespaces, workDir, progress);
                        } catch (IOException | RuntimeException e) {
                            o.error = e.getMessage();
                            progress.println("  " + test.guid() + ": " + e.getMessage());
                        }
                        Thread.sleep(1000);
                    }
                    drain(api, scratch, progress);
                    attributeAtomics(api, phaseStart, outcomes, atomicsUnattributed, progress);
                }
                if (phases != Phases.ATOMICS) {
                    Instant benignStart = Instant.now();
                    // a developer's workspace lives in their home directory, not in a temporary one: built in /dev/shm,
                    // the project's own protoc and clang steps are "executed from a temporary directory"
                    workspace = Files.createTempDirectory(Path.of(System.getProperty("user.home")), "kiroku-benign-workspace-");
                    benign(scratch, workspace, Duration.ofSeconds((long) (benignMinutes * 60)), workDir, benignRuns, progress);
                    try {
                        drain(api, scratch, progress);
                    } catch (IOException e) {
                        // e.g. the journal cap dropped events under the build's file-event load: attribute what was stored
                        errors.add("benign phase: the store did not catch up (" + e.getMessage() + "); alerts counted from what was stored");
                    }
                    attributeBenign(api, benignStart, benignRuns, benignAttributed, benignUnattributed);
                }
            } finally {
                if (demo != null) stopDemo(demo, progress);
            }
        } catch (IOException | RuntimeException e) {
            errors.add(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errors.add("interrupted");
        } finally {
            if (loopback != null) loopback.stop(0);
            namespaces.deleteAll();
            if (scratch != null) CaptureBench.deleteTree(scratch);
            if (workspace != null) CaptureBench.deleteTree(workspace);
            if (data != null && !Boolean.getBoolean("kiroku.bench.keep")) CaptureBench.deleteTree(data);
        }
        Map<String, Object> result = result(quick, phases, outcomes, atomicsUnattributed, benignMinutes, benignRuns,
                benignAttributed, benignUnattributed, notes, errors, loadStart, (System.nanoTime() - t0) / 1e9, data);
        if (json) {
            try {
                out.println(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(result));
            } catch (IOException e) {
                out.println("{\"errors\":[\"cannot write JSON\"]}");
                return FAILED;
            }
        } else {
            printHuman(out, result, outcomes, benignAttributed, benignUnattributed, atomicsUnattributed);
        }
        out.flush();
        if (!errors.isEmpty()) return FAILED;
        return ((List<?>) result.get("targets_missed")).isEmpty() ? OK : TARGET_MISSED;
    }

    // ------------------------------------------------------------------ fixtures

    /** Files the rewritten tests need: the data set carries only YAML, so harmless stand-ins are written here. */
    private static void writeFixtures(Path s) throws IOException {
        String hello = "#include <stdio.h>\nint main(void){puts(\"kiroku atomics: hello\");return 0;}\n";
        write(s.resolve("atomics/T1027.004/src/T1027-004-test.c"), hello);
        write(s.resolve("atomics/T1548.001/src/hello.c"), hello);
        write(s.resolve("atomics/T1548.001/src/cap.c"),
                "#include <stdio.h>\n#include <unistd.h>\nint main(void){printf(\"uid %d\\n\",(int)getuid());return 0;}\n");
        write(s.resolve("atomics/T1574.006/src/Linux/T1574.006.c"),
                "__attribute__((constructor)) static void kiroku_atomics_init(void){}\n");
        write(s.resolve("atomics/T1546.005/src/echo-art-fish.sh"), "echo 'art fish' > " + s + "/art-fish.txt\n");
        write(s.resolve("atomics/T1048.002/src/artifact"), "kiroku atomics artifact\n");
        write(s.resolve("www/echo-art-fish.sh"), "echo 'art fish' > " + s + "/art-fish.txt\n");
        write(s.resolve("www/pipe-to-shell.sh"), "echo 'pipe to shell' > " + s + "/art.txt\n");
        write(s.resolve("home/.ssh/id_rsa"), "-----BEGIN FAKE KEY (kiroku atomics fixture, not a key)-----\n");
        write(s.resolve("home/victim-gzip.txt"), "kiroku atomics fixture\n");
        write(s.resolve("AtomicRedTeam/atomics/T1222.002/T1222.002.yaml"), "fixture: true\n");
        write(s.resolve("var/spool/cron/root"), "# fixture\n");
        Files.createDirectories(s.resolve("logs"));
    }

    private static void write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    // ------------------------------------------------------------------ running

    private static void runTest(TestOutcome o, Path scratch, String loopbackUrl, Namespaces namespaces, Path workDir,
                                PrintStream progress) throws IOException, InterruptedException {
        AtomicTest t = o.test;
        AtomicTest.Prepared p = t.prepare(scratch, loopbackUrl);
        String shell = t.executor().equals("bash") ? "/bin/bash" : "/bin/sh";
        String ns = null;
        try {
            if (t.spec().net() == AtomicSelection.Net.NETNS) ns = namespaces.create();
            for (String prereq : p.prereqs()) {
                Run r = wrapped("prereq " + t.guid(), ns, shell, prereq, scratch, TEST_TIMEOUT, workDir);
                if (r.exitCode() != 0) progress.println("  prereq of " + t.guid() + " exited " + r.exitCode());
            }
            o.run = wrapped(t.technique() + " " + t.guid(), ns, shell, p.command(), scratch, TEST_TIMEOUT, workDir);
            progress.println(String.format(Locale.ROOT, "  %-10s %s %-60.60s exit %d%s (%.1f s)", t.technique(), t.guid().substring(0, 8),
                    t.name(), o.run.exitCode(), o.run.timedOut() ? " TIMEOUT" : "", Duration.between(o.run.start(), o.run.end()).toMillis() / 1e3));
            if (!p.cleanup().isBlank()) wrapped("cleanup " + t.guid(), ns, shell, p.cleanup(), scratch, TEST_TIMEOUT, workDir);
        } finally {
            if (ns != null) namespaces.delete(ns);
        }
    }

    /**
     * Runs {@code shell -c script} in a new session ({@code setsid}, optionally inside {@code ip netns exec ns}),
     * waits up to {@code timeout}, then kills whatever is left in that session.
     */
    static Run wrapped(String label, String ns, String shell, String script, Path cwd, Duration timeout, Path workDir)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("setsid"));
        if (ns != null) argv.addAll(List.of("ip", "netns", "exec", ns));
        argv.addAll(List.of(shell, "-c", script));
        ProcessBuilder b = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path log = Files.createTempFile(workDir, "atomics-run-", ".log");
        b.redirectOutput(log.toFile());
        Map<String, String> env = b.environment();
        env.clear();
        env.put("PATH", PATH_ENV);
        env.put("HOME", System.getProperty("user.home"));
        env.put("USER", "root");
        env.put("LOGNAME", "root");
        env.put("SHELL", "/bin/bash");
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "dumb");
        env.put("TMPDIR", cwd.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Instant start = Instant.now();
        Process process = b.start();
        boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Instant end = Instant.now();
        killSession(process.pid());
        if (!done) process.waitFor(5, TimeUnit.SECONDS);
        int exit = done ? process.exitValue() : -1;
        String text;
        try {
            text = Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            text = "";
        } finally {
            Files.deleteIfExists(log);
        }
        String tail = text.length() > 600 ? text.substring(text.length() - 600) : text;
        return new Run(label, process.pid(), start, end, exit, !done, tail);
    }

    /** Kills every process whose session id is {@code sid} (only processes a wrapped run started). */
    static void killSession(long sid) {
        for (int round = 0; round < 20; round++) {
            List<Long> members = new ArrayList<>();
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path p : procs.toList()) {
                    String name = p.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) continue;
                    try {
                        String stat = Files.readString(p.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        // after the command: state ppid pgrp session ...
                        if (Long.parseLong(f[3]) == sid && !f[0].equals("Z")) members.add(Long.parseLong(name));
                    } catch (IOException | RuntimeException ignored) {
                        // the process ended meanwhile
                    }
                }
            } catch (IOException e) {
                return;
            }
            if (members.isEmpty()) return;
            members.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Network namespaces this benchmark created; each is deleted after its test and all again at the end. */
    static final class Namespaces {
        private final Set<String> live = new LinkedHashSet<>();
        private final PrintStream progress;
        private int next;

        Namespaces(PrintStream progress) {
            this.progress = progress;
        }

        String create() throws IOException {
            String name = "kiroku-atomics-" + ProcessHandle.current().pid() + "-" + (next++);
            Commands.Result r = Commands.run(List.of("ip", "netns", "add", name), Duration.ofSeconds(20));
            if (!r.ok()) throw new IOException("ip netns add " + name + ": " + r.output().trim());
            live.add(name);
            Commands.Result lo = Commands.run(List.of("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"), Duration.ofSeconds(20));
            if (!lo.ok()) throw new IOException("lo up in " + name + ": " + lo.output().trim());
            return name;
        }

        void delete(String name) {
            try {
                Commands.Result r = Commands.run(List.of("ip", "netns", "del", name), Duration.ofSeconds(20));
                if (r.ok()) live.remove(name);
                else progress.println("ip netns del " + name + " failed: " + r.output().trim());
            } catch (IOException e) {
                progress.println("ip netns del " + name + " failed: " + e.getMessage());
            }
        }

        void deleteAll() {
            new ArrayList<>(live).forEach(this::delete);
        }
    }

    // ------------------------------------------------------------------ benign workload

    /** @param workspace where the repository is copied and built (the other steps edit files in the scratch directory) */
    private static void benign(Path s, Path workspace, Duration length, Path workDir, List<Run> runs, PrintStream progress)
            throws IOException, InterruptedException {
        String src = workspace + "/kiroku-src";
        String repo = "/work/main";
        List<String[]> once = List.<String[]>of(new String[]{"copy repository",
                "mkdir -p " + src + " && tar -C " + repo + " --exclude=./.git --exclude='./*/target' --exclude=./target -cf - . | tar -C " + src + " -xf -"});
        List<String[]> loop = List.of(
                new String[]{"ls", "ls -la " + repo + " && ls " + repo + "/*/src/main/java | head -40 && wc -l " + repo + "/README.md && du -sh " + src},
                new String[]{"grep", "grep -rn --include=*.java 'class ' " + repo + "/event/src/main/java | head -40; grep -rl 'TODO' " + repo + "/docs | head; grep -c . " + repo + "/pom.xml"},
                new String[]{"find", "find " + repo + " -name '*.md' -not -path '*/target/*' | head -20; find " + s + " -type f | wc -l"},
                new String[]{"git", "cd " + repo + " && export GIT_OPTIONAL_LOCKS=0 && git log --oneline -15 && git status --short | head -20 && git diff --stat | tail -3 && git show --stat HEAD | head -20"},
                new String[]{"packages", "apt-cache policy bash coreutils openssl | head -30; dpkg -l | head -40; dpkg -l | wc -l; apt-get -s install cowsay | tail -5"},
                new String[]{"edit", "cp " + repo + "/README.md " + s + "/notes.md && sed -i 's/Kiroku/KIROKU/g' " + s + "/notes.md && printf '\\n- checked %s\\n' \"$(date)\" >> "
                        + s + "/notes.md && mkdir -p " + s + "/edit && for i in 1 2 3 4 5; do echo line$i > " + s + "/edit/f$i.txt; mv " + s + "/edit/f$i.txt "
                        + s + "/edit/g$i.txt; done && python3 -c \"import pathlib;p=pathlib.Path('" + s + "/notes.md');p.write_text(p.read_text().upper())\" && diff -u "
                        + repo + "/README.md " + s + "/notes.md | head -5; rm -f " + s + "/edit/g*.txt; vi --version 2>/dev/null | head -1; true"},
                new String[]{"maven compile", "cd " + src + " && ./mvnw -o -q -DskipTests compile"},
                new String[]{"unit tests", "cd " + src + " && ./mvnw -o -q -pl event test"});
        Instant deadline = Instant.now().plus(length);
        List<String[]> order = new ArrayList<>(once);
        int i = 0;
        while (Instant.now().isBefore(deadline)) {
            String[] step = !order.isEmpty() ? order.removeFirst() : loop.get(i++ % loop.size());
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) break;
            Run r = wrapped("benign " + step[0], null, "/bin/bash", step[1], s, left.compareTo(Duration.ofMinutes(8)) > 0 ? Duration.ofMinutes(8) : left, workDir);
            runs.add(r);
            progress.println(String.format(Locale.ROOT, "  benign %-16s exit %d%s (%.1f s)", step[0], r.exitCode(), r.timedOut() ? " (stopped at the deadline)" : "",
                    Duration.between(r.start(), r.end()).toMillis() / 1e3));
        }
    }

    // ------------------------------------------------------------------ the product

    private static Process startDemo(Path data, int port, List<Path> watch, Path workDir) throws IOException {
        Files.createDirectories(data);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx768m",
                "-cp", System.getProperty("java.class.path"),
                "dev.kiroku.cli.Main", "demo", "--data", data.toString(), "--port", Integer.toString(port),
                "--plain-http", // the bench reads results over loopback REST; detection is what it measures
                "--watch", String.join(",", watch.stream().map(Path::toString).toList())));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(workDir.resolve(data.getFileName() + "-demo.log").toFile()).start();
    }

    private static void stopDemo(Process demo, PrintStream progress) {
        demo.destroy();
        try {
            if (!demo.waitFor(90, TimeUnit.SECONDS)) {
                progress.println("demo did not stop within 90 s; killing pid " + demo.pid());
                demo.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            demo.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        progress.println("demo stopped (exit " + (demo.isAlive() ? "?" : demo.exitValue()) + ")");
    }

    private static void awaitHealthy(Api api, Process demo, Duration max) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(max);
        while (Instant.now().isBefore(deadline)) {
            if (!demo.isAlive()) throw new IOException("the demo exited with " + demo.exitValue() + " before it was healthy");
            if (api.status("/api/v1/health") == 200) return;
            Thread.sleep(500);
        }
        throw new IOException("the demo was not healthy within " + max.toSeconds() + " s");
    }

    /** Runs {@code /bin/true <marker>} until the store holds its exec event: the pipeline is recording and caught up. */
    private static void awaitMarkerStored(Api api, Path scratch, Duration max, PrintStream progress) throws IOException, InterruptedException {
        String marker = "kiroku-atomics-marker-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Instant deadline = Instant.now().plus(max);
        Instant nextExec = Instant.EPOCH;
        while (Instant.now().isBefore(deadline)) {
            if (Instant.now().isAfter(nextExec)) {
                Commands.run(List.of("/bin/true", marker), Duration.ofSeconds(10));
                nextExec = Instant.now().plusSeconds(5);
            }
            if (api.count("process.args:\"" + marker + "\"") > 0) return;
            Thread.sleep(500);
        }
        throw new IOException("marker exec not stored within " + max.toSeconds() + " s");
    }

    private static void drain(Api api, Path scratch, PrintStream progress) throws IOException, InterruptedException {
        progress.println("waiting for the store and detection to catch up");
        awaitMarkerStored(api, scratch, Duration.ofMinutes(5), progress);
        int idle = 0;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (idle < 3 && Instant.now().isBefore(deadline)) {
            JsonNode st = api.get("/api/v1/detection/status");
            idle = st.path("queued_batches").asInt(1) == 0 ? idle + 1 : 0;
            Thread.sleep(1000);
        }
        Thread.sleep(3000);
    }

    // ------------------------------------------------------------------ attribution

    private static List<JsonNode> alertsSince(Api api, Instant from) throws IOException {
        JsonNode r = api.get("/api/v1/alerts?from=" + enc(from.minusSeconds(5).toString()) + "&limit=10000");
        List<JsonNode> list = new ArrayList<>();
        r.path("alerts").forEach(list::add);
        return list;
    }

    /** The pids on the ancestry of an alert's kept event: its process, its parent, and up from the parents' start events. */
    static Set<Long> ancestry(Api api, JsonNode alert, Map<String, JsonNode> cache) {
        Set<Long> pids = new LinkedHashSet<>();
        JsonNode ev = alert.path("events").path(0);
        if (ev.isMissingNode()) return pids;
        addPid(pids, ev.path("process.pid"));
        addPid(pids, ev.path("process.parent.pid"));
        String parent = ev.path("process.parent.entity_id").asText(null);
        for (int depth = 0; depth < 10 && parent != null && !parent.isEmpty(); depth++) {
            JsonNode start = cache.computeIfAbsent(parent, id -> {
                try {
                    JsonNode r = api.get("/api/v1/events?limit=20&q=" + enc("process.entity_id:\"" + id + "\" AND event.category:process"));
                    for (JsonNode e : r.path("events")) {
                        if (e.hasNonNull("process.parent.pid") || e.hasNonNull("process.parent.entity_id")) return e;
                    }
                } catch (IOException ignored) {
                    // not found: the walk stops
                }
                return null;
            });
            if (start == null) break;
            addPid(pids, start.path("process.pid"));
            addPid(pids, start.path("process.parent.pid"));
            String up = start.path("process.parent.entity_id").asText(null);
            if (up == null || up.equals(parent)) break;
            parent = up;
        }
        return pids;
    }

    private static void addPid(Set<Long> pids, JsonNode n) {
        if (n.isNumber() || (n.isTextual() && n.asText().matches("\\d+"))) pids.add(n.asLong());
    }

    private static Instant firstSeen(JsonNode alert) {
        try {
            return Instant.parse(alert.path("first_seen").asText());
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    private static boolean within(Instant t, Run r) {
        return !t.isBefore(r.start().minusSeconds(2)) && !t.isAfter(r.end().plusSeconds(10));
    }

    private static void attributeAtomics(Api api, Instant phaseStart, List<TestOutcome> outcomes, List<JsonNode> unattributed,
                                         PrintStream progress) throws IOException {
        List<JsonNode> alerts = alertsSince(api, phaseStart);
        progress.println("attributing " + alerts.size() + " alerts since the atomics began");
        Map<String, JsonNode> cache = new HashMap<>();
        Instant last = outcomes.stream().filter(o -> o.run != null).map(o -> o.run.end()).max(Instant::compareTo).orElse(phaseStart);
        for (JsonNode alert : alerts) {
            Instant seen = firstSeen(alert);
            if (seen.isBefore(phaseStart.minusSeconds(2)) || seen.isAfter(last.plusSeconds(10))) continue;
            Set<Long> pids = ancestry(api, alert, cache);
            TestOutcome owner = null;
            for (TestOutcome o : outcomes) {
                if (o.run != null && pids.contains(o.run.pid()) && within(seen, o.run)) owner = o;
            }
            if (owner != null) owner.alerts.add(alert);
            else unattributed.add(alert);
        }
    }

    private static void attributeBenign(Api api, Instant start, List<Run> runs, List<JsonNode> attributed, List<JsonNode> unattributed)
            throws IOException {
        Map<String, JsonNode> cache = new HashMap<>();
        Instant last = runs.stream().map(Run::end).max(Instant::compareTo).orElse(start);
        for (JsonNode alert : alertsSince(api, start)) {
            Instant seen = firstSeen(alert);
            if (seen.isBefore(start.minusSeconds(2)) || seen.isAfter(last.plusSeconds(10))) continue;
            Set<Long> pids = ancestry(api, alert, cache);
            boolean ours = runs.stream().anyMatch(r -> pids.contains(r.pid()) && within(seen, r));
            (ours ? attributed : unattributed).add(alert);
        }
    }

    // ------------------------------------------------------------------ report

    private static Map<String, Object> alertSummary(JsonNode a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule_id", a.path("rule").path("id").asText());
        m.put("title", a.path("rule").path("title").asText());
        m.put("level", a.path("rule").path("level").asText());
        m.put("kind", a.path("kind").asText());
        List<String> techniques = new ArrayList<>();
        a.path("rule").path("techniques").forEach(t -> techniques.add(t.asText()));
        m.put("techniques", techniques);
        JsonNode ev = a.path("events").path(0);
        String cl = ev.path("process.command_line").asText(ev.path("file.path").asText(""));
        m.put("first_seen", a.path("first_seen").asText());
        m.put("evidence", cl.length() > 160 ? cl.substring(0, 160) + "…" : cl);
        return m;
    }

    private static Map<String, Object> result(boolean quick, Phases phases, List<TestOutcome> outcomes, List<JsonNode> atomicsUnattributed,
                                              double benignMinutes, List<Run> benignRuns, List<JsonNode> benignAttributed,
                                              List<JsonNode> benignUnattributed, List<String> notes, List<String> errors,
                                              String loadStart, double seconds, Path data) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("benchmark", "atomics");
        r.put("quick", quick);
        r.put("phases", phases.name().toLowerCase(Locale.ROOT));
        Map<String, List<TestOutcome>> byTechnique = new TreeMap<>();
        for (TestOutcome o : outcomes) if (o.run != null) byTechnique.computeIfAbsent(o.test.technique(), k -> new ArrayList<>()).add(o);
        List<Map<String, Object>> perTechnique = new ArrayList<>();
        int alertedTechniques = 0;
        int testsRun = 0;
        int testsAlerted = 0;
        for (Map.Entry<String, List<TestOutcome>> e : byTechnique.entrySet()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("technique", e.getKey());
            int alerted = 0;
            boolean techniqueMatch = false;
            Map<String, String> rules = new TreeMap<>();
            List<Map<String, Object>> tests = new ArrayList<>();
            for (TestOutcome o : e.getValue()) {
                testsRun++;
                if (!o.alerts.isEmpty()) alerted++;
                Map<String, Object> tm = new LinkedHashMap<>();
                tm.put("guid", o.test.guid());
                tm.put("name", o.test.name());
                tm.put("executor", o.test.executor());
                tm.put("network", o.test.spec().net().name().toLowerCase(Locale.ROOT));
                tm.put("exit_code", o.run.exitCode());
                tm.put("timed_out", o.run.timedOut());
                tm.put("start", o.run.start().toString());
                tm.put("end", o.run.end().toString());
                List<Map<String, Object>> al = new ArrayList<>();
                for (JsonNode a : o.alerts) {
                    Map<String, Object> s = alertSummary(a);
                    al.add(s);
                    rules.put((String) s.get("rule_id"), (String) s.get("title"));
                    for (Object tech : (List<?>) s.get("techniques")) {
                        String tt = String.valueOf(tech).toUpperCase(Locale.ROOT);
                        if (tt.equals(o.test.technique()) || tt.startsWith(o.test.parentTechnique())) techniqueMatch = true;
                    }
                }
                tm.put("alerts", al);
                tm.put("output_tail", o.run.outputTail());
                tests.add(tm);
            }
            testsAlerted += alerted;
            if (alerted > 0) alertedTechniques++;
            t.put("tests_run", e.getValue().size());
            t.put("tests_alerted", alerted);
            t.put("alerted", alerted > 0);
            t.put("alert_tagged_with_technique", techniqueMatch);
            List<Map<String, String>> ruleList = new ArrayList<>();
            rules.forEach((id, title) -> ruleList.add(Map.of("id", id, "title", title)));
            t.put("rules", ruleList);
            t.put("tests", tests);
            perTechnique.add(t);
        }
        List<String> missed = new ArrayList<>();
        r.put("techniques_run", byTechnique.size());
        r.put("techniques_alerted", alertedTechniques);
        double ratio = byTechnique.isEmpty() ? 0 : (double) alertedTechniques / byTechnique.size();
        r.put("technique_alert_ratio", Math.round(ratio * 1000) / 1000.0);
        r.put("tests_run", testsRun);
        r.put("tests_alerted", testsAlerted);
        r.put("tests_failed_to_start", outcomes.stream().filter(o -> o.run == null).map(o -> o.test.guid() + ": " + o.error).toList());
        r.put("per_technique", perTechnique);
        r.put("atomics_unattributed_alerts", atomicsUnattributed.stream().map(AtomicsBench::alertSummary).toList());
        r.put("benign_minutes", benignMinutes);
        r.put("benign_steps", benignRuns.size());
        r.put("benign_alerts", benignAttributed.size());
        Map<String, Integer> benignRules = new TreeMap<>();
        for (JsonNode a : benignAttributed) benignRules.merge(a.path("rule").path("id").asText() + " " + a.path("rule").path("title").asText(), 1, Integer::sum);
        r.put("benign_alert_rules", benignRules);
        r.put("benign_alert_details", benignAttributed.stream().map(AtomicsBench::alertSummary).toList());
        r.put("benign_unattributed_alerts_in_window", benignUnattributed.stream().map(AtomicsBench::alertSummary).toList());
        if (phases != Phases.BENIGN && ratio < TECHNIQUE_RATIO_TARGET) missed.add("technique alert ratio below " + TECHNIQUE_RATIO_TARGET);
        if (phases != Phases.ATOMICS && benignAttributed.size() > BENIGN_ALERTS_TARGET) missed.add("benign alerts above " + BENIGN_ALERTS_TARGET);
        r.put("targets", Map.of("technique_alert_ratio_min", TECHNIQUE_RATIO_TARGET, "benign_alerts_max", BENIGN_ALERTS_TARGET));
        r.put("targets_missed", missed);
        r.put("attribution", "alert's kept event descends (process ancestry via process.parent.entity_id start events, 10 levels) "
                + "from the test's setsid wrapper pid and was first seen within the test's window (-2 s, +10 s)");
        r.put("load_average_start", loadStart);
        r.put("load_average_end", ProcStats.loadAverage());
        r.put("duration_s", Math.round(seconds * 10) / 10.0);
        r.put("data_dir_kept", Boolean.getBoolean("kiroku.bench.keep") && data != null ? data.toString() : null);
        r.put("notes", notes);
        r.put("errors", errors);
        return r;
    }

    @SuppressWarnings("unchecked")
    private static void printHuman(PrintStream out, Map<String, Object> r, List<TestOutcome> outcomes, List<JsonNode> benignAttributed,
                                   List<JsonNode> benignUnattributed, List<JsonNode> atomicsUnattributed) {
        out.println("kiroku bench atomics" + (Boolean.TRUE.equals(r.get("quick")) ? " --quick" : "") + "   (load " + r.get("load_average_start")
                + " -> " + r.get("load_average_end") + ", " + r.get("duration_s") + " s)");
        for (Map<String, Object> t : (List<Map<String, Object>>) r.get("per_technique")) {
            List<Map<String, String>> rules = (List<Map<String, String>>) t.get("rules");
            out.printf(Locale.ROOT, "  %-10s %d/%d tests alerted  %s%n", t.get("technique"), (Integer) t.get("tests_alerted"), (Integer) t.get("tests_run"),
                    rules.isEmpty() ? "-- no alert" : rules.stream().map(m -> m.get("title")).distinct().toList());
            for (Map<String, Object> test : (List<Map<String, Object>>) t.get("tests")) {
                List<?> al = (List<?>) test.get("alerts");
                out.printf(Locale.ROOT, "      %s %-58.58s exit %s%s  alerts %d%n", ((String) test.get("guid")).substring(0, 8), test.get("name"),
                        test.get("exit_code"), Boolean.TRUE.equals(test.get("timed_out")) ? " (timeout)" : "", al.size());
            }
        }
        out.printf(Locale.ROOT, "  techniques alerted: %s / %s = %.1f %%   tests alerted: %s / %s%n", r.get("techniques_alerted"), r.get("techniques_run"),
                100 * (Double) r.get("technique_alert_ratio"), r.get("tests_alerted"), r.get("tests_run"));
        if (!atomicsUnattributed.isEmpty()) {
            out.println("  alerts during the atomics not descending from a test (" + atomicsUnattributed.size() + "):");
            atomicsUnattributed.forEach(a -> out.println("      " + alertSummary(a)));
        }
        out.println("  benign workload: " + r.get("benign_minutes") + " min, " + r.get("benign_steps") + " steps, " + r.get("benign_alerts")
                + " alerts " + r.get("benign_alert_rules"));
        benignAttributed.forEach(a -> out.println("      " + alertSummary(a)));
        if (!benignUnattributed.isEmpty()) {
            out.println("  alerts during the benign window not descending from it (" + benignUnattributed.size() + "):");
            benignUnattributed.forEach(a -> out.println("      " + alertSummary(a)));
        }
        for (Object f : (List<?>) r.get("tests_failed_to_start")) out.println("  not run: " + f);
        for (Object n : (List<?>) r.get("notes")) out.println("  note: " + n);
        for (Object e : (List<?>) r.get("errors")) out.println("  ERROR: " + e);
        List<?> missed = (List<?>) r.get("targets_missed");
        out.println(missed.isEmpty() ? "  targets: all met" : "  targets missed: " + missed);
    }

    // ------------------------------------------------------------------ HTTP

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The product's REST API. */
    static final class Api {
        private final String base;
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final ObjectMapper mapper = new ObjectMapper();

        private final Path credentials;

        /** @param credentials the server's user:password file (requests are authenticated with it) */
        Api(String base, Path credentials) {
            this.base = base;
            this.credentials = credentials;
        }

        private HttpRequest.Builder request(String path) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
            String authorization = dev.kiroku.server.auth.CredentialsFile.authorization(credentials);
            return authorization == null ? builder : builder.header("Authorization", authorization);
        }

        int status(String path) {
            try {
                return client.send(request(path).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        JsonNode get(String path) throws IOException {
            try {
                HttpResponse<String> r = client.send(request(path).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body());
                return mapper.readTree(r.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        long count(String query) throws IOException {
            return get("/api/v1/events/count?q=" + enc(query)).path("count").asLong();
        }
    }
}
