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
