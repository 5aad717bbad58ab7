package dev.kiroku.yara.scan;

import dev.kiroku.yara.api.ScanOptions;
import dev.kiroku.yara.api.YaraMatch;
import dev.kiroku.yara.compile.CompiledRules;
import dev.kiroku.yara.ffm.NativeScanner;
import dev.kiroku.yara.ffm.OpenFile;
import dev.kiroku.yara.ffm.YaraError;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * Scans files, directory trees and process memory with compiled rules, within a {@link ScanBudget} and a per-target
 * timeout. Special files (devices, FIFOs, sockets), symbolic links, pseudo filesystems, files over the size limit
 * and unreadable files are skipped with a reason; one failing target never stops the others.
 *
 * <p>Not thread-safe: one scanner per thread (each holds a libyara scanner); the rules and a budget may be shared.
 */
public final class YaraScanner implements AutoCloseable {
    private final NativeScanner scanner;
    private final ScanOptions options;
    private final ScanBudget budget;
    private final OwnerNames owners = new OwnerNames();

    public YaraScanner(CompiledRules rules, ScanOptions options) {
        this(rules, options, ScanBudget.of(options.bytesPerSecond(), options.dutyCycle()));
    }

    public YaraScanner(CompiledRules rules, ScanOptions options, ScanBudget budget) {
        this.options = options;
        this.budget = budget;
        this.scanner = new NativeScanner(rules.rules());
        scanner.setTimeout(options.timeoutSeconds());
    }

    /** Scans a file, or every file under a directory. */
    public void scanPath(Path path, ScanCollector out) throws InterruptedException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            out.skip(path.toString(), reason(e));
            out.targetDone();
            return;
        }
        if (attributes.isDirectory()) {
            scanTree(path, out);
        } else {
            scanFile(path, attributes, out);
            out.targetDone();
        }
    }

    /**
     * Counts the targets {@link #scanPath} would visit under {@code path} (metadata only, nothing is read), so that
     * progress can be told as a share of the whole.
     */
    public long countTargets(Path path) {
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return 1;
        }
        long[] count = {0};
        walk(path, (target, reason) -> { }, (file, attributes) -> {
            count[0]++;
            return true;
        });
        return count[0];
    }

    /** Scans every file under {@code root} that the include/exclude globs and the size limit admit. */
    public void scanTree(Path root, ScanCollector out) throws InterruptedException {
        walk(root, out::skip, (file, attributes) -> {
            try {
                scanFile(file, attributes, out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.skip(root.toString(), "scan interrupted");
                return false;
            }
            out.targetDone();
            return true;
        });
        if (Thread.interrupted()) {
            throw new InterruptedException("scan of " + root + " interrupted");
        }
    }

    /** What a walk does with each admitted file; false stops the walk. */
    private interface FileAction {
        boolean visit(Path file, BasicFileAttributes attributes);
    }

    /** Visits every file under {@code root} that the globs admit, leaving out pseudo filesystems. */
    private void walk(Path root, java.util.function.BiConsumer<String, String> skip, FileAction action) {
        TreeFilter filter = new TreeFilter(options.include(), options.exclude());
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String pseudo = filter.pseudoFilesystem(dir);
                    if (pseudo != null) {
                        skip.accept(dir.toString(), pseudo);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Path relative = root.relativize(dir);
                    return !relative.toString().isEmpty() && filter.excluded(relative)
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    Path relative = root.relativize(file);
                    if (filter.excluded(relative) || !filter.included(relative)) {
                        return FileVisitResult.CONTINUE;
                    }
                    return action.visit(file, attrs) ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    skip.accept(file.toString(), reason(e));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            skip.accept(root.toString(), reason(e));
        }
    }

    /** Scans one file whose attributes (not following links) are known. */
    void scanFile(Path file, BasicFileAttributes attributes, ScanCollector out) throws InterruptedException {
        String special = specialFile(file, attributes);
        if (special != null) {
            out.skip(file.toString(), special);
            return;
        }
        long size = attributes.size();
        if (options.maxFileSize() > 0 && size > options.maxFileSize()) {
            out.skip(file.toString(), "larger than the size limit (" + size + " > " + options.maxFileSize() + " bytes)");
            return;
        }
        budget.beforeReading(size);
        long started = System.nanoTime();
        try (OpenFile open = OpenFile.open(file)) {
            MemorySegment content = scanner.readFile(open, size);
            define(FileExternals.of(file, content, owners.of(file)));
            NativeScanner.Outcome outcome = scanner.scanMemory(content);
            String path = file.toString();
            outcome.matches().forEach(m -> out.match(m.inFile(path)));
            if (outcome.ok()) {
                out.scannedFile(outcome.bytes());
            } else {
                out.skip(path, failure(outcome.code()));
            }
        } catch (IOException e) {
            out.skip(file.toString(), e.getMessage());
        }
        budget.afterWork(System.nanoTime() - started);
    }

    /** Scans the readable memory of process {@code pid}. */
    public void scanProcess(long pid, ScanCollector out) throws InterruptedException {
        String target = "pid " + pid;
        try (ProcessMemory memory = new ProcessMemory(pid, options.maxRegionChunk(), budget, out.skipSink())) {
            define(FileExternals.none());
            NativeScanner.Outcome outcome = scanner.scanBlocks(memory);
            outcome.matches().forEach(m -> out.match(m.inProcess(pid)));
            if (outcome.ok()) {
                out.scannedProcess(memory.totalBytes());
            } else {
                out.skip(target, failure(outcome.code()));
            }
        } catch (NoSuchFileException e) {
            out.skip(target, "no such process");
        } catch (IOException e) {
            out.skip(target, reason(e));
        }
        out.targetDone();
        if (Thread.interrupted()) {
            throw new InterruptedException("scan of " + target + " interrupted");
        }
    }

    /**
     * Scans the content of {@code file} already read into memory (for example through a descriptor the kernel handed over,
     * so that what is scanned is what runs), with the file's external variables; the matches name the file.
     */
    public java.util.List<YaraMatch> scanContent(Path file, byte[] data) {
        define(FileExternals.of(file, data, data.length, owners.of(file)));
        String path = file.toString();
        return scanBytes(data).stream().map(m -> m.inFile(path)).toList();
    }

    /** Scans a buffer (for example a file's content already in memory); returns the matching rules. */
    public java.util.List<YaraMatch> scanBytes(byte[] data) {
        return scanner.scanBytes(data).matches();
    }

    /** Sets the external variables for the next scan (libyara keeps a value until it is set again). */
    private void define(Map<String, String> externals) {
        externals.forEach(scanner::defineString);
    }

    @Override
    public void close() {
        scanner.close();
    }

    private String failure(int code) {
        return code == YaraError.SCAN_TIMEOUT ? "timed out after " + options.timeoutSeconds() + " s"
                : "libyara: " + YaraError.describe(code);
    }

    private static String specialFile(Path file, BasicFileAttributes attributes) {
        if (attributes.isRegularFile()) {
            return null;
        }
        if (attributes.isSymbolicLink()) {
            return "symbolic link (not followed)";
        }
        if (attributes.isDirectory()) {
            return "directory";
        }
        try {
            int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return switch (mode & 0xF000) {
                case 0x2000 -> "character device";
                case 0x6000 -> "block device";
                case 0x1000 -> "FIFO";
                case 0xC000 -> "socket";
                default -> "not a regular file";
            };
        } catch (IOException | RuntimeException e) {
            return "not a regular file";
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
