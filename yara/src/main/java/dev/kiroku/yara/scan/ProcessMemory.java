package dev.kiroku.yara.scan;

import dev.kiroku.yara.api.ScanSkip;
import dev.kiroku.yara.ffm.MemoryBlocks;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The readable memory of a live process as blocks for libyara: regions from {@code /proc/PID/maps} that are
 * readable and not kernel-provided ({@code [vvar]}, {@code [vsyscall]}) or device mappings, read through
 * {@code /proc/PID/mem} in chunks of at most {@code maxChunk} bytes, each read paid for from the budget. A region
 * that cannot be read (it vanished, or the kernel refuses) is skipped with its reason.
 */
final class ProcessMemory implements MemoryBlocks, AutoCloseable {
    /** One line of {@code /proc/PID/maps}. */
    record Region(long start, long end, String permissions, String name) {
        boolean readable() {
            return permissions.charAt(0) == 'r';
        }
    }

    private final long pid;
    private final FileChannel mem;
    private final ScanBudget budget;
    private final List<ScanSkip> skipped;
    private final List<long[]> blocks = new ArrayList<>(); // {base, size}
    private long lastReadEnded;

    ProcessMemory(long pid, long maxChunk, ScanBudget budget, List<ScanSkip> skipped) throws IOException {
        this.pid = pid;
        this.budget = budget;
        this.skipped = skipped;
        for (Region region : regions(pid)) {
            if (!region.readable()) {
                continue;
            }
            String why = unscannable(region);
            if (why != null) {
                skipped.add(new ScanSkip(describe(region), why));
                continue;
            }
            for (long base = region.start(); base < region.end(); base += maxChunk) {
                blocks.add(new long[] {base, Math.min(maxChunk, region.end() - base)});
            }
        }
        this.mem = FileChannel.open(Path.of("/proc", Long.toString(pid), "mem"), StandardOpenOption.READ);
    }

    /** Parses {@code /proc/PID/maps}. */
    static List<Region> regions(long pid) throws IOException {
        List<Region> regions = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps"))) {
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 5) {
                continue;
            }
            int dash = f[0].indexOf('-');
            long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
            long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
            regions.add(new Region(start, end, f[1], f.length == 6 ? f[5] : ""));
        }
        return regions;
    }

    private static String unscannable(Region region) {
        if (region.name().equals("[vvar]") || region.name().equals("[vsyscall]") || region.name().equals("[vvar_vclock]")) {
            return "kernel-provided region";
        }
        if (region.name().startsWith("/dev/") && !region.name().startsWith("/dev/shm/") && !region.name().startsWith("/dev/zero")) {
            return "device mapping";
        }
        if (region.start() < 0) {
            return "address outside user space";
        }
        return null;
    }

    private String describe(Region region) {
        return "pid " + pid + " " + HexFormat.of().toHexDigits(region.start()) + "-" + HexFormat.of().toHexDigits(region.end())
                + (region.name().isEmpty() ? "" : " " + region.name());
    }

    long totalBytes() {
        return blocks.stream().mapToLong(b -> b[1]).sum();
    }

    @Override
    public int count() {
        return blocks.size();
    }

    @Override
    public long base(int index) {
        return blocks.get(index)[0];
    }

    @Override
    public long size(int index) {
        return blocks.get(index)[1];
    }

    @Override
    public boolean read(int index, MemorySegment target) {
        long base = base(index);
        if (Thread.currentThread().isInterrupted()) {
            return false; // the skip was recorded when the interrupt was noticed
        }
        try {
            if (lastReadEnded != 0) {
                budget.afterWork(System.nanoTime() - lastReadEnded); // libyara scanned the previous block meanwhile
            }
            budget.beforeReading(target.byteSize());
            ByteBuffer buffer = target.asByteBuffer();
            long position = base;
            while (buffer.hasRemaining()) {
                int n = mem.read(buffer, position);
                if (n <= 0) {
                    throw new IOException("short read at " + Long.toHexString(position));
                }
                position += n;
            }
            return true;
        } catch (IOException e) {
            skipped.add(new ScanSkip("pid " + pid + " " + Long.toHexString(base) + "+" + target.byteSize(),
                    "unreadable: " + e.getMessage()));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            skipped.add(new ScanSkip("pid " + pid, "scan interrupted"));
            return false;
        } finally {
            lastReadEnded = System.nanoTime();
        }
    }

    @Override
    public void close() throws IOException {
        mem.close();
    }
}
