package dev.kiroku.response.quarantine;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.kiroku.response.ActionResult;
import dev.kiroku.response.Sha256;

import javax.crypto.Cipher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The endpoint's quarantine: a root-only directory (0700) where each quarantined file is kept
 * encrypted ({@link ContentCipher}, mode 000) with a JSON {@link QuarantineRecord}.
 *
 * <h2>Quarantine</h2>
 * The file is copied into the store while hashing, checked unchanged (size, mtime, inode), its record
 * written, and only then removed from its place; if the removal fails, the store copy is removed
 * again, so the file is either in its place or in the store, never lost and never in both.
 * A file that a running process executes is still quarantined: unlinking does not stop the running
 * copy (the kernel keeps the inode until it exits) but nothing can start it again; the result lists
 * those pids so the analyst can kill them.
 *
 * <h2>Restore</h2>
 * The content is decrypted next to the original path, its SHA-256 checked, owner, mode and mtime set,
 * and then linked into place without replacing anything that has appeared there meanwhile.
 * The record moves to {@code restored/}, so a repeated restore reports "already restored".
 */
public final class QuarantineStore {
    public static final String QUARANTINE = "quarantine";
    public static final String RESTORE = "restore";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;
    private final Path restored;
    private final Path proc;
    private final ContentCipher cipher;

    public QuarantineStore(Path dir) throws IOException {
        this(dir, Path.of("/proc"));
    }

    QuarantineStore(Path dir, Path proc) throws IOException {
        this.dir = dir;
        this.restored = dir.resolve("restored");
        this.proc = proc;
        Files.createDirectories(restored);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(restored, PosixFilePermissions.fromString("rwx------"));
        this.cipher = ContentCipher.forStore(dir);
    }

    /** Moves a file into the store. */
    public synchronized ActionResult quarantine(Path path) {
        String target = path.toString();
        if (!path.isAbsolute()) {
            return ActionResult.failed(QUARANTINE, target, "path must be absolute");
        }
        Path file = path.normalize();
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            Optional<QuarantineRecord> held = findHeld(file.toString());
            return held.<ActionResult>map(r -> ActionResult.already(QUARANTINE, target,
                            "already in quarantine as " + r.id(), Map.of("id", r.id(), "sha256", r.sha256())))
                    .orElseGet(() -> ActionResult.failed(QUARANTINE, target, "no such file"));
        }
        if (Files.isSymbolicLink(file)) {
            return ActionResult.failed(QUARANTINE, target, "is a symbolic link; quarantine the file it points to");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return ActionResult.failed(QUARANTINE, target, "not a regular file");
        }
        String id = UUID.randomUUID().toString();
        Path blob = dir.resolve(id + ".blob");
        Path recordFile = dir.resolve(id + ".json");
        try {
            Map<String, Object> before = Files.readAttributes(file, "unix:*", LinkOption.NOFOLLOW_LINKS);
            byte[] iv = ContentCipher.newIv();
            MessageDigest sha = Sha256.digest();
            long size = copy(file, blob, cipher.cipher(iv, true), sha, true);
            Map<String, Object> after = Files.readAttributes(file, "unix:*", LinkOption.NOFOLLOW_LINKS);
            if (!same(before, after, "size", "lastModifiedTime", "ino", "dev") || size != (long) before.get("size")) {
                Files.deleteIfExists(blob);
                return ActionResult.failed(QUARANTINE, target, "the file changed while it was being quarantined; left in place");
            }
            List<Long> running = runningExecutables(before.get("dev"), before.get("ino"));
            QuarantineRecord record = new QuarantineRecord(id, file.toString(), (int) before.get("uid"), (int) before.get("gid"),
                    (int) before.get("mode") & 07777, ((FileTime) before.get("lastModifiedTime")).toInstant(),
                    Sha256.hex(sha.digest()), size, Instant.now(), Base64.getEncoder().encodeToString(iv), running, null);
            writeRecord(recordFile, record);
            Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("---------"));
            try {
                Files.delete(file);
            } catch (IOException e) {
                Files.deleteIfExists(blob);
                Files.deleteIfExists(recordFile);
                return ActionResult.failed(QUARANTINE, target, "cannot remove the file from its place (" + e
                        + "); nothing quarantined");
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("id", id);
            data.put("sha256", record.sha256());
            data.put("size", size);
            data.put("running_pids", running);
            String note = running.isEmpty() ? "" : "; still executing in pids " + running
                    + " (the running copies keep going until killed, nothing can start the file again)";
            return ActionResult.done(QUARANTINE, target, "quarantined as " + id + note, data);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(blob);
                Files.deleteIfExists(recordFile);
            } catch (IOException ignored) {
                // the failure below is what matters; a stray blob has no record and is never restored
            }
            return ActionResult.failed(QUARANTINE, target, "quarantine failed, file left in place: " + e);
        }
    }

    /** Puts a quarantined file back byte for byte, with owner, mode and mtime. */
    public synchronized ActionResult restore(String id) {
        if (!id.matches("[0-9a-f-]{36}")) {
            return ActionResult.failed(RESTORE, id, "not a quarantine id");
        }
        Path recordFile = dir.resolve(id + ".json");
        Path blob = dir.resolve(id + ".blob");
        QuarantineRecord record;
        try {
            if (!Files.exists(recordFile)) {
                Path done = restored.resolve(id + ".json");
                if (Files.exists(done)) {
                    QuarantineRecord r = readRecord(done);
                    return ActionResult.already(RESTORE, id, "already restored to " + r.originalPath() + " at " + r.restoredAt());
                }
                return ActionResult.failed(RESTORE, id, "no quarantined file with this id");
            }
            record = readRecord(recordFile);
        } catch (IOException e) {
            return ActionResult.failed(RESTORE, id, "quarantine record unreadable: " + e.getMessage());
        }
        Path original = Path.of(record.originalPath());
        if (Files.exists(original, LinkOption.NOFOLLOW_LINKS)) {
            return ActionResult.failed(RESTORE, id, "a file already exists at " + original + "; it is not overwritten");
        }
        Path parent = original.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return ActionResult.failed(RESTORE, id, "the directory " + parent + " no longer exists");
        }
        Path tmp = parent.resolve(".kiroku-restore-" + id);
        try {
            MessageDigest sha = Sha256.digest();
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("---------")));
            long size = copy(blob, tmp, cipher.cipher(Base64.getDecoder().decode(record.iv()), false), sha, false);
            String hash = Sha256.hex(sha.digest());
            if (size != record.size() || !hash.equals(record.sha256())) {
                Files.deleteIfExists(tmp);
                return ActionResult.failed(RESTORE, id, "stored content is damaged (sha256 " + hash + ", expected "
                        + record.sha256() + "); nothing restored");
            }
            Files.setAttribute(tmp, "unix:uid", record.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(tmp, "unix:gid", record.gid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(tmp, "unix:mode", record.mode(), LinkOption.NOFOLLOW_LINKS);
            Files.setLastModifiedTime(tmp, FileTime.from(record.mtime()));
            try {
                Files.createLink(original, tmp);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(tmp);
                return ActionResult.failed(RESTORE, id, "a file appeared at " + original + " meanwhile; it is not overwritten");
            }
            Files.delete(tmp);
            QuarantineRecord done = new QuarantineRecord(record.id(), record.originalPath(), record.uid(), record.gid(),
                    record.mode(), record.mtime(), record.sha256(), record.size(), record.quarantinedAt(), record.iv(),
                    record.runningPids(), Instant.now());
            writeRecord(restored.resolve(id + ".json"), done);
            Files.delete(recordFile);
            Files.deleteIfExists(blob);
            return ActionResult.done(RESTORE, id, "restored to " + original,
                    Map.of("path", original.toString(), "sha256", record.sha256(), "size", record.size()));
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // reported below
            }
            return ActionResult.failed(RESTORE, id, "restore failed, item stays in quarantine: " + e);
        }
    }

    /** The items held now (not restored). */
    public List<QuarantineRecord> list() throws IOException {
        List<QuarantineRecord> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                out.add(readRecord(f));
            }
        }
        return out;
    }

    private Optional<QuarantineRecord> findHeld(String originalPath) {
        try {
            return list().stream().filter(r -> r.originalPath().equals(originalPath)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Streams {@code from} through the cipher into {@code to}, hashing the plaintext side (the input
     * when encrypting, the output when decrypting); returns the plaintext size.
     */
    private static long copy(Path from, Path to, Cipher cipher, MessageDigest plaintextDigest, boolean encrypting)
            throws IOException {
        long size = 0;
        try (InputStream in = Files.newInputStream(from, LinkOption.NOFOLLOW_LINKS);
             OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                byte[] converted = cipher.update(buf, 0, n);
                plaintextDigest.update(encrypting ? buf : converted, 0, n);
                out.write(converted);
                size += n;
            }
        }
        try (var ch = java.nio.channels.FileChannel.open(to, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        return size;
    }

    private List<Long> runningExecutables(Object dev, Object ino) {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
            for (Path e : entries) {
                String name = e.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    Map<String, Object> exe = Files.readAttributes(e.resolve("exe"), "unix:dev,ino");
                    if (dev.equals(exe.get("dev")) && ino.equals(exe.get("ino"))) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException | RuntimeException ignored) {
                    // kernel threads have no exe; processes exit while we look
                }
            }
        } catch (IOException ignored) {
            // no /proc: nothing to report
        }
        return pids;
    }

    private static boolean same(Map<String, Object> a, Map<String, Object> b, String... keys) {
        for (String k : keys) {
            if (!a.get(k).equals(b.get(k))) {
                return false;
            }
        }
        return true;
    }

    private static void writeRecord(Path file, QuarantineRecord record) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(record));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static QuarantineRecord readRecord(Path file) throws IOException {
        return JSON.readValue(file.toFile(), QuarantineRecord.class);
    }
}
