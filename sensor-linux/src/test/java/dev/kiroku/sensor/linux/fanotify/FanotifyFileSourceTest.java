package dev.kiroku.sensor.linux.fanotify;

import dev.kiroku.sensor.linux.fanotify.FileNotice.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live tests against the kernel: they mark only the filesystem of their own temporary directory,
 * look only at notices under it, and always stop the source (removing the mark, closing the
 * group). Skipped when fanotify is not available or not permitted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FanotifyFileSourceTest {

    @TempDir
    Path tmp;

    private FanotifyFileSource source;
    private final ConcurrentLinkedQueue<FileActivity> seen = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stopSource() {
        if (source != null) {
            source.stop();
        }
    }

    private Path dir() throws IOException {
        return tmp.toRealPath();
    }

    private void start(FanotifySettings settings) throws IOException {
        source = new FanotifyFileSource(settings, InstantSource.system());
        try {
            source.start(seen::add);
        } catch (FanotifyException e) {
            source = null;
            Assumptions.abort("fanotify not usable here: " + e.getMessage());
        }
    }

    private List<FileNotice> noticesUnder(Path root) {
        String prefix = root + "/";
        return seen.stream().filter(a -> a instanceof FileNotice).map(a -> (FileNotice) a)
                .filter(n -> n.path().startsWith(prefix) || (n.oldPath() != null && n.oldPath().startsWith(prefix)))
                .toList();
    }

    private FileNotice await(Predicate<FileNotice> what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (FileActivity a : seen) {
                if (a instanceof FileNotice n && what.test(n)) {
                    return n;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not seen within 30 s; status " + source.status());
    }

    private static void sh(String script, Path cwd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/bash", "-c", script).directory(cwd.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("%s -> %s", script, out).isZero();
    }

    private record Seen(Kind kind, String path, String oldPath, boolean directory) {
        static Seen of(FileNotice n) {
            return new Seen(n.kind(), n.path(), n.oldPath(), n.directory());
        }
    }

    @Test
    void reportsCreatesDeletesRenamesAttribModifyAndDirectoriesWithExactPaths() throws Exception {
        start(FanotifySettings.filesystemsOf(tmp));
        Path root = dir();
        Path a = Files.createDirectory(root.resolve("a"));
        Path b = Files.createDirectory(root.resolve("b"));
        List<Seen> expected = new ArrayList<>();
        expected.add(new Seen(Kind.CREATE, a.toString(), null, true));
        expected.add(new Seen(Kind.CREATE, b.toString(), null, true));

        for (int i = 0; i < 1000; i++) {
            Path f = Files.createFile(a.resolve("f" + i));
            expected.add(new Seen(Kind.CREATE, f.toString(), null, false));
            expected.add(new Seen(Kind.MODIFY, f.toString(), null, false)); // createFile opens for writing
        }
        for (int i = 0; i < 1000; i++) {
            Path f = a.resolve("f" + i);
            Files.delete(f);
            expected.add(new Seen(Kind.DELETE, f.toString(), null, false));
        }

        // rename across directories
        Path x = Files.createFile(a.resolve("x.txt"));
        expected.add(new Seen(Kind.CREATE, x.toString(), null, false));
        expected.add(new Seen(Kind.MODIFY, x.toString(), null, false));
        Path y = b.resolve("y.txt");
        Files.move(x, y);
        expected.add(new Seen(Kind.RENAME, y.toString(), x.toString(), false));

        // chmod -> ATTRIB, after the create was read so the two cannot merge
        Path m = Files.createFile(a.resolve("m.txt"));
        expected.add(new Seen(Kind.CREATE, m.toString(), null, false));
        expected.add(new Seen(Kind.MODIFY, m.toString(), null, false));
        await(n -> n.path().equals(m.toString()) && n.kind() == Kind.MODIFY);
        Files.setPosixFilePermissions(m, PosixFilePermissions.fromString("rw-------"));
        expected.add(new Seen(Kind.ATTRIB, m.toString(), null, false));

        // write + close of an existing file -> MODIFY
        Path w = Files.createFile(a.resolve("w.txt"));
        expected.add(new Seen(Kind.CREATE, w.toString(), null, false));
        expected.add(new Seen(Kind.MODIFY, w.toString(), null, false));
        await(n -> n.path().equals(w.toString()) && n.kind() == Kind.MODIFY);
        Files.writeString(w, "hello");
        expected.add(new Seen(Kind.MODIFY, w.toString(), null, false));

        // mkdir / rmdir
        Path d = Files.createDirectory(a.resolve("d"));
        Files.delete(d);
        expected.add(new Seen(Kind.CREATE, d.toString(), null, true));
        expected.add(new Seen(Kind.DELETE, d.toString(), null, true));

        // a directory renamed with a subdirectory: later events below it carry the new path
        Path sub = Files.createDirectory(a.resolve("sub"));
        Path inner = Files.createDirectory(sub.resolve("inner"));
        expected.add(new Seen(Kind.CREATE, sub.toString(), null, true));
        expected.add(new Seen(Kind.CREATE, inner.toString(), null, true));
        Path sub2 = b.resolve("sub2");
        Files.move(sub, sub2);
        expected.add(new Seen(Kind.RENAME, sub2.toString(), sub.toString(), true));
        Path after = Files.createFile(sub2.resolve("inner/after.txt"));
        expected.add(new Seen(Kind.CREATE, after.toString(), null, false));
        expected.add(new Seen(Kind.MODIFY, after.toString(), null, false));

        Path done = Files.createFile(root.resolve("done"));
        await(n -> n.path().equals(done.toString()) && n.kind() == Kind.MODIFY);
        expected.add(new Seen(Kind.CREATE, done.toString(), null, false));
        expected.add(new Seen(Kind.MODIFY, done.toString(), null, false));

        List<FileNotice> notices = noticesUnder(root);
        assertThat(notices).allSatisfy(n -> {
            assertThat(n.pathResolved()).as("%s", n).isTrue();
            assertThat(n.pathExact()).as("%s", n).isTrue();
            assertThat(n.pid()).isEqualTo((int) ProcessHandle.current().pid());
        });
        assertThat(counts(notices.stream().map(Seen::of).toList())).isEqualTo(counts(expected));
        Map<Kind, Long> byKind = notices.stream().collect(Collectors.groupingBy(FileNotice::kind, Collectors.counting()));
        assertThat(byKind.get(Kind.CREATE)).isEqualTo(1000 + 2 + 1 + 1 + 1 + 1 + 2 + 1 + 1);
        assertThat(byKind.get(Kind.DELETE)).isEqualTo(1000 + 1);
        assertThat(source.status().overflows()).isZero();
        // every unlink also makes a handle-only ATTRIB (link count); those are dropped, not reported as "/…"
        assertThat(source.status().linkCountOnly()).isGreaterThanOrEqualTo(1000);
        int self = (int) ProcessHandle.current().pid();
        assertThat(seen).filteredOn(act -> act instanceof FileNotice n && n.pid() == self && !n.pathResolved()).isEmpty();
    }

    private static Map<Seen, Long> counts(Collection<Seen> list) {
        return list.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    }

    @Test
    void ignoresEventsOfIgnoredPids() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        start(FanotifySettings.filesystemsOf(tmp).ignoringPids(Set.of(self)));
        Path root = dir();
        Files.createFile(root.resolve("mine.txt"));
        sh("touch other.txt", root);
        await(n -> n.path().equals(root + "/other.txt"));
        List<FileNotice> notices = noticesUnder(root);
        assertThat(notices).extracting(FileNotice::path).containsOnly(root + "/other.txt");
        assertThat(notices).allSatisfy(n -> assertThat(n.pid()).isNotEqualTo(self));
        assertThat(source.status().ignoredByPid()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void nonUtf8NamesAreEscapedAndFlagged() throws Exception {
        start(FanotifySettings.filesystemsOf(tmp));
        Path root = dir();
        sh("touch \"$(printf 'bad\\377name')\" && rm -f \"$(printf 'bad\\377name')\"", root);
        String expected = root + "/bad\\xffname";
        FileNotice created = await(n -> n.kind() == Kind.CREATE && n.path().equals(expected));
        assertThat(created.pathExact()).isFalse();
        assertThat(created.pathResolved()).isTrue();
        await(n -> n.kind() == Kind.DELETE && n.path().equals(expected));
        assertThat(source.status().inexactPaths()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void pathsLongerThanPathMaxDoNotBreakTheSource() throws Exception {
        Path root = dir();
        String level = "d".repeat(250);
        // made before the source starts, so the deep directory is not in the path cache
        try {
            sh("for i in $(seq 1 20); do mkdir " + level + " && cd " + level + "; done; touch old-deep.txt", root);
            start(FanotifySettings.filesystemsOf(tmp));
            sh("for i in $(seq 1 20); do cd " + level + "; done; touch new-deep.txt", root);
            sh("for i in $(seq 1 20); do mkdir e" + level + " && cd e" + level + "; done; touch in-cached.txt", root);
            FileNotice deep = await(n -> n.path().endsWith("/new-deep.txt"));
            assertThat(deep.pathResolved()).isFalse();
            assertThat(deep.path()).startsWith(root + "/").contains("/\u2026/");
            // directories created while watching are cached with their full paths, however long
            FileNotice cached = await(n -> n.path().endsWith("/in-cached.txt"));
            assertThat(cached.pathResolved()).isTrue();
            assertThat(cached.path()).hasSizeGreaterThan(5000)
                    .isEqualTo(root + ("/e" + level).repeat(20) + "/in-cached.txt");
        } finally {
            sh("rm -rf " + level + " e" + level, root); // @TempDir cannot delete paths longer than PATH_MAX
        }
    }

    @Test
    void kernelQueueOverflowIsReportedAsLoss() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        Path root = dir();
        source = new FanotifyFileSource(FanotifySettings.filesystemsOf(tmp), InstantSource.system());
        try {
            source.start(a -> {
                seen.add(a);
                if (a instanceof FileNotice n && n.path().endsWith("/stall")) {
                    blocked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        } catch (FanotifyException e) {
            source = null;
            Assumptions.abort("fanotify not usable here: " + e.getMessage());
        }
        try {
            Files.createFile(root.resolve("stall"));
            assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
            // more events than the default queue (16384) holds while the reader is stalled
            sh("mkdir many && cd many && seq 1 20000 | xargs touch", root);
        } finally {
            release.countDown();
        }
        sh("touch after-overflow", root);
        await(n -> n.path().endsWith("/after-overflow"));
        assertThat(seen).anySatisfy(a -> assertThat(a).isInstanceOf(FileLoss.class));
        assertThat(source.status().overflows()).isGreaterThanOrEqualTo(1);
        sh("rm -rf many", root);
    }

    @Test
    void stopIsPromptAndRemovesTheGroup() throws Exception {
        start(FanotifySettings.filesystemsOf(tmp));
        long fdsBefore = countFanotifyFds();
        assertThat(fdsBefore).isGreaterThanOrEqualTo(1);
        long t0 = System.nanoTime();
        source.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(countFanotifyFds()).isEqualTo(fdsBefore - 1);
        source = null;
    }

    private static long countFanotifyFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().equals("anon_inode:[fanotify]");
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }
}
