package dev.kiroku.sandbox.detonate;

import dev.kiroku.sandbox.statics.FileType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The sandbox's writable layer: a size-limited tmpfs (a sample that fills it gets ENOSPC, the host
 * disk is untouched) holding the overlay's upper and work directories. The host's root filesystem
 * is the read-only lower layer. After the run the upper directory is exactly what the sample wrote.
 */
final class ScratchLayer implements AutoCloseable {
    static final String KIROKU_DIR = ".kiroku";
    /**
     * Directories not shown from the host: each is an empty directory of the scratch filesystem
     * bind-mounted over the host's, so what the sample writes there is kept and listed too.
     */
    static final List<String> PRIVATE_DIRECTORIES = List.of("tmp", "root", "home", "work");
    private static final int MAX_LISTED = 1000;

    private final Path mount;
    private final List<String> ours = new ArrayList<>();

    private ScratchLayer(Path mount) {
        this.mount = mount;
    }

    static ScratchLayer mount(Path mount, long bytes) throws IOException {
        Files.createDirectories(mount);
        Commands.run("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=755", "kiroku-sandbox-scratch", mount.toString());
        ScratchLayer layer = new ScratchLayer(mount);
        try {
            // the sandbox's bookkeeping (exit code, output) has its own small filesystem: a sample that fills the scratch layer cannot stop it
            Files.createDirectories(layer.bookkeeping());
            Commands.run("mount", "-t", "tmpfs", "-o", "size=1m,mode=755", "kiroku-sandbox-log", layer.bookkeeping().toString());
            for (String dir : List.of("upper", "work", "root", "upper/" + KIROKU_DIR, "upper/etc", "upper/sandbox")) Files.createDirectories(mount.resolve(dir));
            for (String dir : PRIVATE_DIRECTORIES) Files.createDirectories(layer.privateDirectory(dir));
            Files.setPosixFilePermissions(layer.privateDirectory("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
            layer.place("etc/resolv.conf", ("nameserver " + SinkNetwork.SINK_ADDRESS + "\n").getBytes(), false);
        } catch (IOException | RuntimeException e) {
            layer.close();
            throw e;
        }
        return layer;
    }

    Path mountPoint() {
        return mount;
    }

    Path upper() {
        return mount.resolve("upper");
    }

    Path work() {
        return mount.resolve("work");
    }

    /** Mounted at /.kiroku inside: the sample's output and exit code. */
    Path bookkeeping() {
        return mount.resolve(KIROKU_DIR);
    }

    Path root() {
        return mount.resolve("root");
    }

    /** The scratch directory mounted over {@code /name} inside. */
    Path privateDirectory(String name) {
        return mount.resolve("private").resolve(name);
    }

    /** A host path in the scratch filesystem as the sample saw it, or null when it is not one of the sample's files. */
    String inside(String hostPath) {
        String upperPrefix = upper() + "/";
        if (hostPath.startsWith(upperPrefix)) return "/" + hostPath.substring(upperPrefix.length());
        for (String dir : PRIVATE_DIRECTORIES) {
            String prefix = privateDirectory(dir) + "/";
            if (hostPath.startsWith(prefix)) return "/" + dir + "/" + hostPath.substring(prefix.length());
        }
        return null;
    }

    /** Puts a file the sandbox provides (not the sample's doing) into the writable layer. */
    void place(String sandboxPath, byte[] content, boolean executable) throws IOException {
        Path file = upper().resolve(sandboxPath);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        if (executable) Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        ours.add("/" + sandboxPath);
    }

    /** Output of the sandbox's own bookkeeping (exit code, sample output), or "" when absent. */
    String kirokuFile(String name, int max) {
        Path file = bookkeeping().resolve(name);
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(max), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** What the sample wrote, created or deleted, in sandbox paths; the sandbox's own files are left out. */
    List<FileWritten> changes() throws IOException {
        List<FileWritten> found = new ArrayList<>();
        walk(upper(), "/", found);
        for (String dir : PRIVATE_DIRECTORIES) walk(privateDirectory(dir), "/" + dir + "/", found);
        found.sort(Comparator.comparing(FileWritten::path));
        return found;
    }

    private void walk(Path top, String prefix, List<FileWritten> found) throws IOException {
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.equals(upper().resolve(KIROKU_DIR)) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String path = prefix + top.relativize(file);
                if (ours.contains(path) || found.size() >= MAX_LISTED) return FileVisitResult.CONTINUE;
                if (attrs.isOther()) {
                    found.add(new FileWritten(path, 0, "deleted", null, false)); // overlay whiteout: a deletion
                } else if (attrs.isSymbolicLink()) {
                    found.add(new FileWritten(path, 0, "symlink -> " + Files.readSymbolicLink(file), null, false));
                } else if (attrs.isRegularFile()) {
                    byte[] head;
                    try (InputStream in = Files.newInputStream(file)) {
                        head = in.readNBytes(4096);
                    }
                    boolean executable = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
                    found.add(new FileWritten(path, attrs.size(), FileType.of(head).label(), sha256(file), executable));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Unmounts the tmpfs (lazily if a straggler still holds it) and removes the mount point. */
    @Override
    public void close() throws IOException {
        if (mounted(bookkeeping())) unmount(bookkeeping());
        if (mounted(mount)) unmount(mount);
        try (Stream<Path> left = Files.walk(mount)) {
            for (Path p : left.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static boolean mounted(Path path) throws IOException {
        String needle = " " + path + " ";
        return Files.readAllLines(Path.of("/proc/self/mounts")).stream().anyMatch(line -> line.contains(needle));
    }

    private static void unmount(Path mount) throws IOException {
        try {
            Commands.run("umount", mount.toString());
        } catch (IOException busy) {
            Commands.run("umount", "-l", mount.toString());
        }
    }
}
