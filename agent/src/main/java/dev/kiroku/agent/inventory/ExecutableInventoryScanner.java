package dev.kiroku.agent.inventory;

import dev.kiroku.agent.enrich.FileDigests;
import dev.kiroku.fleet.wire.ScannedExecutable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Agent side of the file inventory: walks the places executables live or get dropped (the server names them), finds
 * executable files and scripts (an execute bit, an ELF header or a {@code #!} line), and hashes them within a byte
 * budget and a CPU duty cycle (after hashing for t, it pauses t·(1−d)/d). Symbolic links are not followed; an
 * unreadable file is reported, never fatal. The server feeds the results into its file inventory.
 */
public final class ExecutableInventoryScanner {
    private static final Set<PosixFilePermission> EXECUTE = Set.of(PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);

    private final List<Path> roots;
    private final long maxFileBytes;
    private final long byteBudget;
    private final double dutyCycle;

    /**
     * @param maxFileBytes files larger than this are listed as skipped, not hashed
     * @param byteBudget   total bytes hashed per scan; past it the scan stops and says so
     * @param dutyCycle    share of wall time spent hashing, in (0, 1]
     */
    public ExecutableInventoryScanner(List<Path> roots, long maxFileBytes, long byteBudget, double dutyCycle) {
        if (!(dutyCycle > 0 && dutyCycle <= 1)) throw new IllegalArgumentException("duty cycle must be in (0, 1], got " + dutyCycle);
        this.roots = List.copyOf(roots);
        this.maxFileBytes = maxFileBytes;
        this.byteBudget = byteBudget;
        this.dutyCycle = dutyCycle;
    }

    /**
     * The outcome of one scan.
     *
     * @param records         the executables and scripts found and hashed
     * @param skippedTooLarge files over the per-file limit
     * @param budgetExhausted true when the byte budget ran out before the walk ended
     * @param problems        files or directories that could not be read, with why
     */
    public record Result(List<ScannedExecutable> records, int skippedTooLarge, long bytesHashed, boolean budgetExhausted,
                         List<String> problems) {
    }

    public Result scan() throws InterruptedException {
        List<ScannedExecutable> records = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int[] tooLarge = {0};
        long[] hashed = {0};
        boolean[] exhausted = {false};
        FileDigests digests = new FileDigests();
        for (Path root : roots) {
            if (exhausted[0]) break;
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) continue;
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (!attrs.isRegularFile()) return FileVisitResult.CONTINUE;
                        try {
                            if (!executableOrScript(file)) return FileVisitResult.CONTINUE;
                            if (attrs.size() > maxFileBytes) {
                                tooLarge[0]++;
                                return FileVisitResult.CONTINUE;
                            }
                            if (hashed[0] + attrs.size() > byteBudget) {
                                exhausted[0] = true;
                                return FileVisitResult.TERMINATE;
                            }
                            long started = System.nanoTime();
                            FileDigests.Digests hash = digests.of(file, LinkOption.NOFOLLOW_LINKS);
                            hashed[0] += attrs.size();
                            records.add(new ScannedExecutable(file.toString(), hash.sha256(), attrs.size(), hash.md5(), hash.sha1()));
                            if (!pause(System.nanoTime() - started)) return FileVisitResult.TERMINATE;
                        } catch (IOException e) {
                            problems.add(file + ": " + e.getMessage());
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        problems.add(file + ": " + e.getMessage());
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                problems.add(root + ": " + e.getMessage());
            }
        }
        if (Thread.interrupted()) throw new InterruptedException("inventory scan interrupted");
        return new Result(records, tooLarge[0], hashed[0], exhausted[0], problems);
    }

    /** Keeps to the duty cycle; false when interrupted (the interrupt is kept for {@link #scan} to report). */
    private boolean pause(long workedNanos) {
        if (dutyCycle >= 1) return true;
        long rest = (long) (workedNanos * (1 - dutyCycle) / dutyCycle);
        try {
            Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean executableOrScript(Path file) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        for (PosixFilePermission p : EXECUTE) if (permissions.contains(p)) return true;
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            n = in.readNBytes(head, 0, 4);
        }
        if (n >= 2 && head[0] == '#' && head[1] == '!') return true;
        return n == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
    }
}
