package dev.kiroku.agent.scanning;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.Payload;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.YaraDetection;
import dev.kiroku.response.execblock.ExecInspector;
import dev.kiroku.response.execblock.ExecutedFile;
import dev.kiroku.yara.api.StringMatch;
import dev.kiroku.yara.api.YaraMatch;
import dev.kiroku.yara.compile.CompiledRules;
import dev.kiroku.yara.compile.RuleSetCompiler;
import dev.kiroku.yara.scan.ScanBudget;
import dev.kiroku.yara.scan.YaraScanner;
import dev.kiroku.yara.api.ScanOptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * YARA scans by policy ({@link ScanPolicy}): files closed after being written under the policy's paths are queued for
 * a background worker that scans within the policy's I/O and CPU budget (a full queue drops the file and counts it,
 * the recording thread never waits), and, as the exec blocker's {@link ExecInspector}, files about to be executed are
 * scanned before they run (block) or queued (alert). A content is scanned once per set of rules: verdicts are cached
 * by SHA-256. Every match becomes a {@link YaraDetection} event of the agent, which the server raises as an alert.
 */
public final class PolicyScans implements ExecInspector, AutoCloseable {
    /** Files waiting for the background worker; more are dropped and counted. */
    static final int QUEUE_CAPACITY = 256;
    private static final int VERDICTS_CACHED = 16_384;
    /** Matched strings kept per detection event. */
    private static final int STRINGS_PER_DETECTION = 32;
    private static final int LIBYARA_TIMEOUT_SECONDS = 10;

    /** Where the agent records what it found: an event about a process, built on the agent's enrichment thread. */
    @FunctionalInterface
    public interface Findings {
        void record(Instant at, int pid, String executable, Function<ProcessInfo, Payload> payload);
    }

    /** Counts since start; {@code dropped} are files not scanned because the queue was full (over budget). */
    public record Stats(long queued, long dropped, long scanned, long cachedVerdicts, long matched, long skipped,
                        long notExecutable, long execsRefused) {
    }

    private final Findings findings;
    private final RuleSetCompiler compiler = new RuleSetCompiler();
    private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread worker;
    private volatile Rules rules = Rules.NONE;
    private volatile boolean running = true;
    private final LongAdder queued = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder scanned = new LongAdder();
    private final LongAdder cached = new LongAdder();
    private final LongAdder matched = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder notExecutable = new LongAdder();
    private final LongAdder refused = new LongAdder();

    public PolicyScans(Findings findings) {
        this.findings = findings;
        this.worker = Thread.ofPlatform().name("kiroku-yara-policy").daemon().start(this::work);
    }

    /**
     * Takes a new policy: compiles its rules (each rule set in its own namespace), and from now on scans by it.
     *
     * @return what is scanned now, and every rule set that was refused, with the reason
     * @throws IllegalArgumentException when the policy scans something but none of its rule sets compiles
     */
    public synchronized String apply(ScanPolicy policy) {
        if (!policy.enabled()) {
            replace(Rules.NONE);
            return "YARA policy scans off";
        }
        CompiledRules compiled = compiler.compileSources(policy.rules());
        List<String> refusedSets = compiled.refused().stream().map(v -> v.file() + ": " + v.reason()).toList();
        if (compiled.ruleCount() == 0) {
            compiled.close();
            throw new IllegalArgumentException("yara.rules: no rule compiles" + (refusedSets.isEmpty() ? "" : ": " + String.join("; ", refusedSets)));
        }
        List<PathMatcher> matchers = policy.onWrite().stream().map(ScanPolicy::matcher).toList();
        replace(new Rules(policy, compiled, matchers, new ContentVerdicts(VERDICTS_CACHED), ScanBudget.of(policy.bytesPerSecond(), policy.dutyCycle())));
        return "YARA policy: " + compiled.ruleCount() + " rules from " + compiled.compiledFiles() + " rule set(s)"
                + (policy.onWrite().isEmpty() ? "" : ", scanning " + policy.onWriteFiles().name().toLowerCase() + " written under " + policy.onWrite())
                + ", before execution " + policy.beforeExec().name().toLowerCase()
                + (refusedSets.isEmpty() ? "" : "; refused: " + String.join("; ", refusedSets));
    }

    private void replace(Rules next) {
        Rules previous = rules;
        rules = next;
        previous.retire();
    }

    /** The policy being applied. */
    public ScanPolicy policy() {
        return rules.policy;
    }

    public Stats stats() {
        return new Stats(queued.sum(), dropped.sum(), scanned.sum(), cached.sum(), matched.sum(), skipped.sum(), notExecutable.sum(),
                refused.sum());
    }

    /** Files not scanned because the queue was full: the agent reports them as losses. */
    public long dropped() {
        return dropped.sum();
    }

    // ---- on write ------------------------------------------------------------------------------

    /**
     * Looks at an event the agent recorded (on its recording thread: cheap, never blocks): a file closed after being
     * written, renamed into place or whose attributes changed, under the policy's paths, is queued for a scan.
     */
    public void onRecorded(Event event) {
        if (!(event.payload() instanceof FileChange change) || change.directory()) return;
        Rules current = rules;
        if (current.writeMatchers.isEmpty()) return;
        switch (change.action()) {
            case MODIFY, RENAME, ATTRIBUTES -> { }
            default -> {
                return;
            }
        }
        Path path = Path.of(change.path());
        if (current.writeMatchers.stream().noneMatch(m -> m.matches(path))) return;
        ProcessInfo process = change.process();
        offer(new Job(path, YaraDetection.Trigger.WRITE, process == null ? -1 : process.pid(),
                process == null ? null : process.executable(), null));
    }

    private void offer(Job job) {
        if (queue.offer(job)) {
            queued.increment();
        } else {
            dropped.increment();
        }
    }

    private void work() {
        while (running) {
            Job job;
            try {
                job = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job == null) continue;
            Rules current = rules;
            if (!current.acquire()) continue;
            try {
                scanQueued(current, job);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                skipped.increment();
                System.err.println("kiroku agent: YARA policy scan of " + job.path() + " failed: " + e);
            } finally {
                current.release();
            }
        }
    }

    /** Scans one queued file within the budget; executables only, when the policy says so, judged by mode or content. */
    private void scanQueued(Rules current, Job job) throws InterruptedException {
        ScanPolicy policy = current.policy;
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(job.path(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            skipped.increment();
            return;
        }
        if (!attributes.isRegularFile() || attributes.size() > policy.maxBytes()) {
            skipped.increment();
            return;
        }
        if (job.trigger() == YaraDetection.Trigger.WRITE && policy.onWriteFiles() == ScanPolicy.Files.EXECUTABLES
                && !executable(job.path(), attributes.permissions())) {
            notExecutable.increment();
            return;
        }
        current.budget.beforeReading(attributes.size());
        long started = System.nanoTime();
        byte[] content;
        try {
            content = Files.readAllBytes(job.path());
        } catch (IOException e) {
            skipped.increment();
            return;
        }
        String sha256 = sha256(content);
        List<YaraMatch> matches = verdict(current, job.path(), sha256, content);
        current.budget.afterWork(System.nanoTime() - started);
        if (!matches.isEmpty()) record(matches, job.trigger(), false, job.path().toString(), sha256, job.pid(), job.executable());
    }

    private static boolean executable(Path file, Set<PosixFilePermission> permissions) {
        if (permissions.contains(PosixFilePermission.OWNER_EXECUTE) || permissions.contains(PosixFilePermission.GROUP_EXECUTE)
                || permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            return true;
        }
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, head.length);
            return ExecutableContent.isExecutable(0, head, n);
        } catch (IOException e) {
            return false;
        }
    }

    // ---- before execution ----------------------------------------------------------------------

    @Override
    public boolean active() {
        return rules.policy.beforeExec() != ScanPolicy.ExecMode.OFF;
    }

    /**
     * Block mode: the file's content (read through the exec's descriptor) is scanned now unless its verdict is cached;
     * a match refuses the execution. Alert mode: an unknown content is queued for the background worker and the
     * execution goes on. Files over the size limit are allowed unscanned.
     */
    @Override
    public Verdict inspect(ExecutedFile file) {
        Rules current = rules;
        ScanPolicy.ExecMode mode = current.policy.beforeExec();
        if (mode == ScanPolicy.ExecMode.OFF || !current.acquire()) return Verdict.ALLOW;
        try {
            String path = file.path() == null ? null : file.path().replace(" (deleted)", "");
            List<YaraMatch> matches = current.verdicts.get(file.sha256());
            if (matches == null) {
                if (mode == ScanPolicy.ExecMode.ALERT) {
                    if (path != null) offer(new Job(Path.of(path), YaraDetection.Trigger.EXEC, file.pid(), null, file.sha256()));
                    return Verdict.ALLOW;
                }
                if (file.size() > current.policy.maxBytes()) {
                    skipped.increment();
                    return Verdict.ALLOW;
                }
                byte[] content;
                try {
                    content = file.read(current.policy.maxBytes());
                } catch (IOException e) {
                    skipped.increment();
                    return Verdict.ALLOW;
                }
                matches = verdict(current, Path.of(path == null ? "/unknown" : path), file.sha256(), content);
            } else {
                cached.increment();
            }
            if (matches.isEmpty()) return Verdict.ALLOW;
            List<YaraMatch> found = matches;
            if (mode == ScanPolicy.ExecMode.ALERT) {
                record(found, YaraDetection.Trigger.EXEC, false, path, file.sha256(), file.pid(), null);
                return Verdict.ALLOW;
            }
            YaraMatch first = found.getFirst();
            return Verdict.deny("YARA rule " + first.rule() + " (" + first.namespace() + ")", refusedNow -> {
                if (refusedNow) refused.increment();
                record(found, YaraDetection.Trigger.EXEC, refusedNow, path, file.sha256(), file.pid(), null);
            });
        } finally {
            current.release();
        }
    }

    // ---- shared --------------------------------------------------------------------------------

    /** The cached verdict of a content, or a new scan of it (cached). */
    private List<YaraMatch> verdict(Rules current, Path file, String sha256, byte[] content) {
        List<YaraMatch> known = current.verdicts.get(sha256);
        if (known != null) {
            cached.increment();
            return known;
        }
        List<YaraMatch> matches;
        try (YaraScanner scanner = new YaraScanner(current.compiled, ScanOptions.defaults().withTimeout(LIBYARA_TIMEOUT_SECONDS),
                ScanBudget.unlimited())) {
            matches = scanner.scanContent(file, content);
        }
        scanned.increment();
        current.verdicts.put(sha256, matches);
        return matches;
    }

    private void record(List<YaraMatch> matches, YaraDetection.Trigger trigger, boolean blocked, String path, String sha256, int pid,
                        String executable) {
        for (YaraMatch match : matches) {
            matched.increment();
            List<YaraDetection.StringHit> hits = new ArrayList<>();
            for (StringMatch s : match.strings()) {
                if (hits.size() == STRINGS_PER_DETECTION) break;
                hits.add(new YaraDetection.StringHit(s.identifier(), s.offset(), s.length(), s.preview()));
            }
            findings.record(Instant.now(), pid, executable, process -> new YaraDetection(trigger, blocked, path, sha256, match.rule(),
                    match.namespace(), match.tags(), hits, process));
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        worker.interrupt();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        replace(Rules.NONE);
    }

    /** One file waiting for the background worker. */
    private record Job(Path path, YaraDetection.Trigger trigger, int pid, String executable, String sha256) {
    }

    /**
     * The compiled rules of one policy with their verdict cache and budget. Scans pin it; a replaced policy's native
     * rules are freed when its last scan ends.
     */
    private static final class Rules {
        static final Rules NONE = new Rules(ScanPolicy.OFF, null, List.of(), new ContentVerdicts(1), ScanBudget.unlimited());

        final ScanPolicy policy;
        final CompiledRules compiled;
        final List<PathMatcher> writeMatchers;
        final ContentVerdicts verdicts;
        final ScanBudget budget;
        private int pins;
        private boolean retired;

        Rules(ScanPolicy policy, CompiledRules compiled, List<PathMatcher> writeMatchers, ContentVerdicts verdicts, ScanBudget budget) {
            this.policy = policy;
            this.compiled = compiled;
            this.writeMatchers = writeMatchers;
            this.verdicts = verdicts;
            this.budget = budget;
        }

        synchronized boolean acquire() {
            if (retired || compiled == null) return false;
            pins++;
            return true;
        }

        void release() {
            boolean free;
            synchronized (this) {
                pins--;
                free = retired && pins == 0;
            }
            if (free) compiled.close();
        }

        void retire() {
            boolean free;
            synchronized (this) {
                if (retired) return;
                retired = true;
                free = pins == 0 && compiled != null;
            }
            if (free) compiled.close();
        }
    }
}
