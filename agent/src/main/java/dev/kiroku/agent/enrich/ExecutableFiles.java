package dev.kiroku.agent.enrich;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Whether a file is an executable as far as an indicator of compromise cares: a regular file with an execute bit, or
 * one that starts with an ELF header or a {@code #!} line (a dropper rarely sets the mode before it is written).
 */
final class ExecutableFiles {
    private static final Set<PosixFilePermission> EXECUTE =
            Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);

    private ExecutableFiles() {
    }

    /** The size of the file when it is an executable regular file; -1 when it is not, or cannot be read. */
    static long executableSize(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/proc/") || path.startsWith("/sys/")) return -1;
        Path file = Path.of(path);
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        if (!attributes.isRegularFile()) return -1;
        boolean executable = attributes.permissions().stream().anyMatch(EXECUTE::contains) || hasExecutableMagic(file);
        return executable ? attributes.size() : -1;
    }

    /** True when the file starts with {@code \x7fELF} or {@code #!}. */
    static boolean hasExecutableMagic(Path file) {
        ByteBuffer head = ByteBuffer.allocate(4);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (head.hasRemaining() && channel.read(head) > 0) {
                // a short read of a file being written: read again until four bytes or the end
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        byte[] b = head.array();
        int n = head.position();
        if (n >= 2 && b[0] == '#' && b[1] == '!') return true;
        return n == 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
    }
}
