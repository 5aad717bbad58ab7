package dev.kiroku.sandbox.queue;

import dev.kiroku.sandbox.AnalysisOptions;
import dev.kiroku.sandbox.Analyzer;
import dev.kiroku.sandbox.Reason;
import dev.kiroku.sandbox.Report;
import dev.kiroku.sandbox.Sample;
import dev.kiroku.sandbox.Verdict;
import dev.kiroku.sandbox.VerdictListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Submissions in, reports out. Samples are copied into the data directory and identified by
 * SHA-256: a hash already reported or already waiting is not analysed again. One worker takes
 * samples in order; each analysis runs under a deadline, and one that misses it is abandoned
 * (interrupted) with a report saying so, so a stuck sample never stalls the queue. Finished
 * reports go to the {@link ReportStore}; high and medium verdicts go to the {@link VerdictListener}s.
 */
public final class AnalysisQueue implements AutoCloseable {
    /** What an analysis may take beyond the sample's time limit (audit lock wait, set-up, agent start and stop). */
    public static final Duration DEFAULT_ALLOWANCE = Duration.ofMinutes(5);

    private final Analyzer analyzer;
    private final ReportStore store;
    private final Path samples;
    private final Duration deadline;
    private final InstantSource clock;
    private final Map<String, Submission> submissions = new ConcurrentHashMap<>();
    private final BlockingQueue<Job> waiting = new LinkedBlockingQueue<>();
    private final List<VerdictListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService analyses = Executors.newCachedThreadPool(Thread.ofPlatform().name("kiroku-analysis-", 0).daemon().factory());
    private final Thread worker;
    private volatile boolean closed;

    private record Job(Sample sample, AnalysisOptions options) {
    }

    /**
     * @param deadline longest one analysis may take (beyond the sample's own time limit: lock waits, set-up)
     */
    public AnalysisQueue(Analyzer analyzer, ReportStore store, Path dataDirectory, Duration deadline, InstantSource clock) throws IOException {
        this.analyzer = analyzer;
        this.store = store;
        this.samples = dataDirectory.resolve("samples");
        this.deadline = deadline;
        this.clock = clock;
        Files.createDirectories(samples);
        worker = Thread.ofPlatform().name("kiroku-analysis-queue").daemon().start(this::work);
    }

    public void addListener(VerdictListener listener) {
        listeners.add(listener);
    }

    public ReportStore store() {
        return store;
    }

    /**
     * Queues a file (copied first, so the caller may delete it). Returns the existing submission
     * when the hash was already submitted, unless {@code again} asks for a fresh analysis.
     */
    public Submission submit(Path file, String name, AnalysisOptions options, boolean again) throws IOException {
        if (closed) throw new IllegalStateException("the analysis queue is closed");
        Sample sample = Sample.of(file, name);
        synchronized (this) {
            Submission known = submissions.get(sample.sha256());
            boolean pending = known != null && (known.state() == Submission.State.QUEUED || known.state() == Submission.State.RUNNING);
            if (pending || (!again && store.contains(sample.sha256()))) {
                return known != null ? known : new Submission(sample.sha256(), name, Submission.State.DONE, clock.instant(), "");
            }
            Path kept = samples.resolve(sample.sha256());
            if (!Files.exists(kept)) Files.copy(file, kept, StandardCopyOption.REPLACE_EXISTING);
            Sample stored = new Sample(kept, name, sample.sha256(), sample.size());
            Submission submission = new Submission(sample.sha256(), name, Submission.State.QUEUED, clock.instant(), "");
            submissions.put(sample.sha256(), submission);
            waiting.add(new Job(stored, options));
            return submission;
        }
    }

    /** The submission of a hash: in this run's queue, or DONE when only its stored report is known. */
    public Optional<Submission> status(String sha256) {
        Submission s = submissions.get(sha256);
        if (s != null) return Optional.of(s);
        return store.search(new ReportStore.Query(null, 0, sha256, 1)).stream().filter(r -> r.sha256().equals(sha256)).findFirst()
                .map(r -> new Submission(r.sha256(), r.name(), Submission.State.DONE, r.finished(), ""));
    }

    /** Waits until the hash's report is stored (or the wait ends); empty when it is not there by then. */
    public Optional<Report> awaitReport(String sha256, Duration wait) throws IOException, InterruptedException {
        long end = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < end) {
            Submission s = submissions.get(sha256);
            if ((s == null || s.state() == Submission.State.DONE || s.state() == Submission.State.FAILED) && store.contains(sha256))
                return store.find(sha256);
            Thread.sleep(50);
        }
        return Optional.empty();
    }

    public int waiting() {
        return waiting.size();
    }

    private void work() {
        while (!closed) {
            Job job;
            try {
                job = waiting.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job != null) run(job);
        }
    }

    private void run(Job job) {
        String sha = job.sample().sha256();
        submissions.computeIfPresent(sha, (k, s) -> s.with(Submission.State.RUNNING, ""));
        Future<Report> future = analyses.submit(() -> analyzer.analyze(job.sample(), job.options()));
        Duration limit = deadline.plus(job.options().timeLimit());
        Report report;
        try {
            report = future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            report = failed(job.sample(), "analysis.stuck", "analysis did not finish within " + limit.toSeconds() + " s and was abandoned");
        } catch (ExecutionException e) {
            report = failed(job.sample(), "analysis.failed", "analysis failed: " + e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            return;
        }
        try {
            store.save(report);
            submissions.computeIfPresent(sha, (k, s) -> s.with(Submission.State.DONE, ""));
        } catch (IOException e) {
            submissions.computeIfPresent(sha, (k, s) -> s.with(Submission.State.FAILED, "report could not be stored: " + e.getMessage()));
            return;
        }
        if (report.verdict() == Verdict.HIGH || report.verdict() == Verdict.MEDIUM) notifyListeners(report);
    }

    private Report failed(Sample sample, String code, String summary) {
        return Report.scored(sample, analyzer.name(), clock.instant(), List.of(Reason.note(code, summary, sample.name())), null, null);
    }

    private void notifyListeners(Report report) {
        for (VerdictListener listener : listeners) {
            try {
                listener.onVerdict(report);
            } catch (RuntimeException e) {
                System.err.println("kiroku sandbox: verdict listener " + listener + " failed for " + report.sha256() + ": " + e);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        worker.interrupt();
        worker.join(5000);
        analyses.shutdownNow();
        // an abandoned analysis is interrupted; wait for its clean-up (mounts, cgroups, namespaces) to finish
        if (!analyses.awaitTermination(2, TimeUnit.MINUTES))
            System.err.println("kiroku sandbox: an abandoned analysis is still cleaning up after 2 minutes");
    }
}
