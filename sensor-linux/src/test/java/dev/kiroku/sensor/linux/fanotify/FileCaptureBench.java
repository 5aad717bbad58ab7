package dev.kiroku.sensor.linux.fanotify;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Capture ratio of a burst: 20,000 files created, then deleted, in a temp dir, by the JVM and by
 * a shell. Not part of the normal run: {@code -Dkiroku.bench=true}. Prints one line per setting.
 */
@EnabledIfSystemProperty(named = "kiroku.bench", matches = "true")
class FileCaptureBench {

    static final int FILES = 20_000;

    @TempDir
    Path tmp;

    @Test
    void burstCaptureRatio() throws Exception {
        for (String writer : new String[] {"jvm", "shell"}) {
            Path dir = Files.createDirectory(tmp.resolve(writer + "-baseline")).toRealPath();
            long t0 = System.nanoTime();
            burst(writer, dir);
            System.out.printf("BENCH writer=%s no fanotify group: burst=%dms%n", writer, (System.nanoTime() - t0) / 1_000_000);
        }
        for (boolean unlimited : new boolean[] {false, true}) {
            for (String writer : new String[] {"jvm", "shell"}) {
                run(unlimited, writer);
            }
        }
    }

    private void run(boolean unlimited, String writer) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve(writer + (unlimited ? "-unlimited" : "-bounded"))).toRealPath();
        ConcurrentLinkedQueue<FileActivity> seen = new ConcurrentLinkedQueue<>();
        FanotifyFileSource source = new FanotifyFileSource(
                FanotifySettings.filesystemsOf(dir).withUnlimitedQueue(unlimited), InstantSource.system());
        try {
            source.start(seen::add);
        } catch (FanotifyException e) {
            Assumptions.abort(e.getMessage());
        }
        long t0 = System.nanoTime();
        try {
            burst(writer, dir);
            long burstMillis = (System.nanoTime() - t0) / 1_000_000;
            Path done = Files.createFile(dir.resolve("done"));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (seen.stream().noneMatch(a -> a instanceof FileNotice n && n.path().equals(done.toString()))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Set<String> created = new HashSet<>();
            Set<String> deleted = new HashSet<>();
            long unresolved = 0;
            String prefix = dir + "/f";
            for (FileActivity a : seen) {
                if (a instanceof FileNotice n && n.path().startsWith(prefix)) {
                    if (!n.pathResolved()) {
                        unresolved++;
                    }
                    switch (n.kind()) {
                        case CREATE -> created.add(n.path());
                        case DELETE -> deleted.add(n.path());
                        case MODIFY, ATTRIB, RENAME -> { }
                    }
                }
            }
            seen.stream().filter(a -> a instanceof FileNotice n && !n.pathResolved()).limit(5)
                    .forEach(a -> System.out.println("BENCH sample unresolved elsewhere: " + a));
            long losses = seen.stream().filter(a -> a instanceof FileLoss).count();
            FanotifyStatus status = source.status();
            System.out.printf("BENCH writer=%s queue=%s files=%d burst=%dms creates=%d/%d (%.2f%%) deletes=%d/%d (%.2f%%)"
                            + " unresolvedInDir=%d overflowNotices=%d allEvents=%d allUnresolved=%d%n",
                    writer, unlimited ? "unlimited" : "bounded", FILES, burstMillis,
                    created.size(), FILES, 100.0 * created.size() / FILES,
                    deleted.size(), FILES, 100.0 * deleted.size() / FILES,
                    unresolved, losses, status.events(), status.unresolvedPaths());
        } finally {
            source.stop();
        }
    }

    private static void burst(String writer, Path dir) throws IOException, InterruptedException {
        if (writer.equals("jvm")) {
            for (int i = 0; i < FILES; i++) {
                Files.createFile(dir.resolve("f" + i));
            }
            for (int i = 0; i < FILES; i++) {
                Files.delete(dir.resolve("f" + i));
            }
        } else {
            sh("seq -f f%.0f 0 " + (FILES - 1) + " | xargs touch && seq -f f%.0f 0 " + (FILES - 1) + " | xargs rm", dir);
        }
    }

    private static void sh(String script, Path cwd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/bash", "-c", script).directory(cwd.toFile()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("failed: " + script);
        }
    }
}
