package dev.kiroku.sandbox.statics;

import dev.kiroku.sandbox.Reason;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Lists and unpacks zip, tar and gzip in memory, never to disk, within {@link ArchiveLimits}: names
 * that climb out of the archive (absolute, "..", links pointing out) are reported; decompression
 * stops at the total-size and ratio limits (a bomb is reported and the rest skipped); nesting
 * deeper than the limit is listed but not opened. Each member found is handed to a {@link Visitor}.
 */
final class ArchiveInspector {
    /** Receives each member's bytes (at most maxMemberBytes) with its path and nesting depth. */
    interface Visitor {
        void member(String path, byte[] bytes, long fullSize, int depth);
    }

    /** Decompressed bytes still allowed, shared by every archive of one sample. */
    static final class Budget {
        private long remaining;
        private boolean exhausted;

        Budget(long total) {
            remaining = total;
        }

        boolean exhausted() {
            return exhausted;
        }
    }

    private static final class BombException extends IOException {
        BombException(String message) {
            super(message);
        }
    }

    private final ArchiveLimits limits;

    ArchiveInspector(ArchiveLimits limits) {
        this.limits = limits;
    }

    void inspect(String path, byte[] archive, FileType type, int depth, Budget budget, List<Reason> reasons, Visitor visitor) {
        if (depth > limits.maxDepth()) {
            reasons.add(new Reason("archive.too_deep", 10, "archive nested deeper than " + limits.maxDepth() + " levels: not opened", path));
            return;
        }
        if (budget.exhausted()) return;
        try {
            switch (type) {
                case ZIP -> zip(path, archive, depth, budget, reasons, visitor);
                case TAR -> tar(path, archive, depth, budget, reasons, visitor);
                case GZIP -> gzip(path, archive, depth, budget, reasons, visitor);
                default -> throw new IllegalArgumentException("not an archive: " + type);
            }
        } catch (BombException e) {
            budget.exhausted = true;
            reasons.add(new Reason("archive.bomb", 40, "decompression bomb: unpacking stopped", path + ": " + e.getMessage()));
        } catch (IOException | RuntimeException e) {
            reasons.add(new Reason("archive.malformed", 5, "archive could not be read to the end", path + ": " + e.getMessage()));
        }
    }

    private void zip(String path, byte[] archive, int depth, Budget budget, List<Reason> reasons, Visitor visitor) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(archive))) {
            int count = 0;
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (++count > limits.maxEntries()) {
                    reasons.add(new Reason("archive.too_many_entries", 10, "more than " + limits.maxEntries() + " entries: the rest skipped", path));
                    return;
                }
                checkName(path, entry.getName(), reasons);
                if (entry.isDirectory()) continue;
                member(path, entry.getName(), in, archive.length, depth, budget, visitor);
            }
        }
    }

    private void tar(String path, byte[] archive, int depth, Budget budget, List<Reason> reasons, Visitor visitor) throws IOException {
        int count = 0;
        long at = 0;
        while (at + 512 <= archive.length) {
            if (isZeroBlock(archive, (int) at)) return;
            String name = field(archive, at, 100);
            String prefix = field(archive, at + 345, 155);
            if (!prefix.isEmpty()) name = prefix + "/" + name;
            long size = octal(archive, at + 124, 12, path, name);
            char kind = (char) archive[(int) at + 156];
            String link = field(archive, at + 157, 100);
            if (++count > limits.maxEntries()) {
                reasons.add(new Reason("archive.too_many_entries", 10, "more than " + limits.maxEntries() + " entries: the rest skipped", path));
                return;
            }
            checkName(path, name, reasons);
            if ((kind == '1' || kind == '2') && (link.startsWith("/") || climbs(link)))
                reasons.add(new Reason("archive.link_traversal", 30, "link member points outside the archive", path + "!" + name + " -> " + link));
            long data = at + 512;
            if (size < 0 || data + size > archive.length) throw new IOException("member " + name + " claims " + size + " bytes past the end of the archive");
            if (kind == '0' || kind == 0) {
                member(path, name, new ByteArrayInputStream(archive, (int) data, (int) size), archive.length, depth, budget, visitor);
            }
            at = data + (size + 511) / 512 * 512;
        }
    }

    private void gzip(String path, byte[] archive, int depth, Budget budget, List<Reason> reasons, Visitor visitor) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(archive))) {
            String inner = path.endsWith(".gz") ? path.substring(path.lastIndexOf('/') + 1, path.length() - 3)
                    : path.endsWith(".tgz") ? path.substring(path.lastIndexOf('/') + 1, path.length() - 4) + ".tar" : "content";
            member(path, inner, in, archive.length, depth, budget, visitor);
        }
    }

    /** Reads one member within the budget and ratio, then hands it on. */
    private void member(String archivePath, String name, InputStream in, long archiveSize, int depth, Budget budget,
                        Visitor visitor) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
            budget.remaining -= n;
            if (budget.remaining < 0)
                throw new BombException("more than " + limits.maxTotalBytes() + " bytes decompressed (at member " + name + ")");
            long used = limits.maxTotalBytes() - budget.remaining;
            if (used > (1 << 20) && used > (long) limits.maxRatio() * archiveSize)
                throw new BombException("compression ratio above " + limits.maxRatio() + ":1 (" + used + " bytes from " + archiveSize + ", at member " + name + ")");
            if (kept.size() < limits.maxMemberBytes()) kept.write(buffer, 0, (int) Math.min(n, limits.maxMemberBytes() - kept.size()));
        }
        visitor.member(archivePath + "!" + name, kept.toByteArray(), total, depth + 1);
    }

    private static void checkName(String archive, String name, List<Reason> reasons) {
        if (name.startsWith("/") || name.matches("^[A-Za-z]:[\\\\/].*") || climbs(name))
            reasons.add(new Reason("archive.path_traversal", 30, "member path leaves the extraction directory (zip slip)", archive + "!" + name));
    }

    private static boolean climbs(String name) {
        int depth = 0;
        for (String part : name.replace('\\', '/').split("/")) {
            if (part.equals("..")) depth--;
            else if (!part.isEmpty() && !part.equals(".")) depth++;
            if (depth < 0) return true;
        }
        return false;
    }

    private static boolean isZeroBlock(byte[] b, int at) {
        for (int i = at; i < at + 512; i++) if (b[i] != 0) return false;
        return true;
    }

    private static String field(byte[] b, long at, int length) {
        int end = (int) at;
        while (end < at + length && b[end] != 0) end++;
        return new String(b, (int) at, end - (int) at, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, long at, int length, String archive, String name) throws IOException {
        String text = field(b, at, length).trim();
        if (text.isEmpty()) return 0;
        try {
            return Long.parseLong(text, 8);
        } catch (NumberFormatException e) {
            throw new IOException("tar header of " + name + " has a bad size field '" + text + "'");
        }
    }
}
