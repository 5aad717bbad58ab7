package dev.kiroku.sensor.linux.procfs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The FFM reader of /proc files against java.nio on the same files. */
class ProcFilesTest {

    @Test
    void readsProcFilesAndLinksAsNioDoes() throws Exception {
        long pid = ProcessHandle.current().pid();
        assertThat(new String(ProcFiles.read("/proc/" + pid + "/cmdline"))).isEqualTo(new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"))));
        assertThat(ProcFiles.read("/proc/" + pid + "/stat")).asString().startsWith(pid + " (");
        for (String ns : new String[] {"pid", "mnt", "net"}) {
            Path link = Path.of("/proc/" + pid + "/ns/" + ns);
            assertThat(ProcFiles.readLink(link.toString())).isEqualTo(Files.readSymbolicLink(link).toString()).startsWith(ns + ":[");
        }
    }

    @Test
    void readsFilesLargerThanOneChunkWhole(@TempDir Path dir) throws Exception {
        byte[] content = new byte[100_000 + 17];
        new Random(11).nextBytes(content);
        Path file = dir.resolve("big");
        Files.write(file, content);
        assertThat(ProcFiles.read(file.toString())).isEqualTo(content);
        Files.write(file, new byte[0]);
        assertThat(ProcFiles.read(file.toString())).isEmpty();
    }

    /** statx through FFM against NIO's unix attributes, for a file, a link to it and a system binary. */
    @Test
    void identityIsDeviceInodeSizeAndModificationTimeAsNioSees(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("f");
        Files.write(file, new byte[12_345]);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2026-01-02T03:04:05.123456789Z")));
        Path link = Files.createSymbolicLink(dir.resolve("l"), file);
        for (Path p : java.util.List.of(file, link, Path.of("/bin/true"))) {
            FileIdentity identity = ProcFiles.identity(p.toString());
            assertThat(identity).as(p.toString()).isNotNull();
            java.util.Map<String, Object> unix = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime");
            assertThat(identity.inode()).isEqualTo((long) unix.get("ino"));
            assertThat(identity.size()).isEqualTo((long) unix.get("size"));
            assertThat(identity.mtimeNanos()).isEqualTo(((java.nio.file.attribute.FileTime) unix.get("lastModifiedTime"))
                    .to(java.util.concurrent.TimeUnit.NANOSECONDS));
            long dev = (long) unix.get("dev"); // glibc's makedev encoding
            long major = (dev >>> 8 & 0xfff) | (dev >>> 32 & ~0xfffL);
            long minor = (dev & 0xff) | (dev >>> 12 & ~0xffL);
            assertThat(identity.device()).isEqualTo(major << 32 | minor);
        }
        assertThat(ProcFiles.identity(link.toString())).isEqualTo(ProcFiles.identity(file.toString()));
        Files.write(file, new byte[12_346]);
        assertThat(ProcFiles.identity(file.toString())).isNotEqualTo(ProcFiles.identity(link.toString() + "-gone"));
        assertThat(ProcFiles.identity(dir.resolve("missing").toString())).isNull();
    }

    @Test
    void whatCannotBeReadIsNullNotAnException(@TempDir Path dir) {
        assertThat(ProcFiles.read("/proc/2147483647/stat")).isNull();
        assertThat(ProcFiles.readLink("/proc/2147483647/ns/pid")).isNull();
        assertThat(ProcFiles.read(dir.toString())).isNull(); // a directory: read fails with EISDIR
        assertThat(ProcFiles.readLink(dir.toString())).isNull(); // not a link
        assertThat(ProcFiles.read("/tmp/a\u0000b")).isNull();
        assertThat(ProcFiles.read("/" + "x".repeat(5000))).isNull();
    }
}
