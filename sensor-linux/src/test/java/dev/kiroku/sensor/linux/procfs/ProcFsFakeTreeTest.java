package dev.kiroku.sensor.linux.procfs;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Odd cases on a fake proc tree: deleted exe, missing files, kernel threads, strange comm. */
class ProcFsFakeTreeTest {

    @TempDir
    Path root;
    private ProcFs proc;

    private static final String STATUS = """
            Name:\tbash
            Uid:\t1000\t0\t0\t0
            Gid:\t100\t101\t101\t101
            NSpid:\t4242\t7
            """;

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(root.resolve("stat"), "cpu  1 2 3\nbtime 1700000000\nprocesses 5\n");
        proc = new ProcFs(root, 100);
    }

    private Path process(int pid, String stat) throws IOException {
        Path dir = Files.createDirectories(root.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("stat"), stat);
        return dir;
    }

    private static String stat(int pid, String comm, int ppid, long flags, long startTicks) {
        // fields 3..22: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
        //               utime stime cutime cstime priority nice num_threads itrealvalue starttime
        return pid + " (" + comm + ") S " + ppid + " " + pid + " 77 34816 " + pid + " " + flags
                + " 0 0 0 0 0 0 0 0 20 0 1 0 " + startTicks + " 1000 200 18446744073709551615\n";
    }

    @Test
    void statFieldsAreReadWhateverTheCommAndSpacing() throws IOException {
        java.util.Random random = new java.util.Random(7);
        String commChars = "ab) (x 9";
        for (int i = 0; i < 300; i++) {
            int pid = 1000 + i;
            StringBuilder comm = new StringBuilder();
            for (int c = random.nextInt(16); c > 0; c--) comm.append(commChars.charAt(random.nextInt(commChars.length())));
            int ppid = random.nextInt(4_000_000);
            int session = random.nextInt(100_000);
            int tty = random.nextInt(70_000);
            long ticks = random.nextLong(1L << 40);
            String gap = random.nextBoolean() ? " " : "  ";
            process(pid, pid + " (" + comm + ") S" + gap + ppid + " " + pid + " " + session + gap + tty + " -1 " + 0x400000
                    + " 0 0 0 0 0 0 0 0 20 0 1 0" + gap + ticks + " 1000 200\n");
            ProcessSnapshot s = proc.snapshot(pid).orElseThrow();
            assertThat(s.comm()).isEqualTo(comm.toString());
            assertThat(s.ppid()).isEqualTo(ppid);
            assertThat(s.session()).isEqualTo(session);
            assertThat(s.ttyNr()).isEqualTo(tty);
            assertThat(s.startTicks()).isEqualTo(ticks);
            assertThat(proc.startTicks(pid)).hasValue(ticks);
        }
        process(1, "1 (short) S 0 1 1 0 -1 4194560 0 0\n");
        assertThat(proc.startTicks(1)).isEmpty();
        process(2, "2 (bad) S x 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5 1000 200\n");
        assertThat(proc.startTicks(2)).isEmpty();
    }

    @Test
    void fullProcessWithDeletedExeAndContainerCgroup() throws IOException {
        Path dir = process(4242, stat(4242, "we) ird (name", 1, 0x400000, 12345));
        Files.writeString(dir.resolve("status"), STATUS);
        Files.write(dir.resolve("cmdline"), "bash\0-c\0echo hi there\0".getBytes(StandardCharsets.UTF_8));
        Files.createSymbolicLink(dir.resolve("exe"), Path.of("/usr/bin/bash (deleted)"));
        Files.createSymbolicLink(dir.resolve("cwd"), Path.of("/home/user"));
        String id = "0123456789abcdef".repeat(4);
        Files.writeString(dir.resolve("cgroup"),
                "12:pids:/docker/" + id + "\n0::/system.slice/docker-" + id + ".scope\n");
        Files.createDirectories(dir.resolve("ns"));
        Files.createSymbolicLink(dir.resolve("ns/pid"), Path.of("pid:[4026532247]"));
        Files.createSymbolicLink(dir.resolve("ns/mnt"), Path.of("mnt:[4026532246]"));
        Files.createSymbolicLink(dir.resolve("ns/net"), Path.of("net:[4026531833]"));
        Files.writeString(dir.resolve("loginuid"), "1000");
        Files.writeString(dir.resolve("sessionid"), "4294967295");

        ProcessSnapshot s = proc.snapshot(4242).orElseThrow();
        assertThat(s.comm()).isEqualTo("we) ird (name");
        assertThat(s.ppid()).isEqualTo(1);
        assertThat(s.session()).isEqualTo(77);
        assertThat(s.ttyNr()).isEqualTo(34816);
        assertThat(s.startTicks()).isEqualTo(12345);
        assertThat(s.startTime()).isEqualTo(Instant.ofEpochSecond(1_700_000_123, 450_000_000));
        assertThat(s.uid()).isEqualTo(1000);
        assertThat(s.euid()).isZero();
        assertThat(s.gid()).isEqualTo(100);
        assertThat(s.egid()).isEqualTo(101);
        assertThat(s.nsPids()).containsExactly(4242, 7);
        assertThat(s.argv()).containsExactly("bash", "-c", "echo hi there");
        assertThat(s.exe()).isEqualTo("/usr/bin/bash");
        assertThat(s.exeDeleted()).isTrue();
        assertThat(s.cwd()).isEqualTo("/home/user");
        assertThat(s.cgroup()).isEqualTo("/system.slice/docker-" + id + ".scope");
        assertThat(s.containerId()).isEqualTo(id);
        assertThat(s.pidNamespace()).isEqualTo(4026532247L);
        assertThat(s.mountNamespace()).isEqualTo(4026532246L);
        assertThat(s.netNamespace()).isEqualTo(4026531833L);
        assertThat(s.loginUid()).isEqualTo(1000);
        assertThat(s.auditSession()).isEqualTo(-1);
        assertThat(s.kernelThread()).isFalse();
        assertThat(s.complete()).isTrue();
    }

    @Test
    void processWhoseFilesVanishedGivesAPartialSnapshotWithFlags() throws IOException {
        process(500, stat(500, "gone", 1, 0, 99));
        ProcessSnapshot s = proc.snapshot(500).orElseThrow();
        assertThat(s.argv()).isEmpty();
        assertThat(s.exe()).isNull();
        assertThat(s.uid()).isEqualTo(-1);
        assertThat(s.unreadable()).containsExactlyInAnyOrder(ProcessSnapshot.Part.values());
    }

    @Test
    void missingOrGarbledStatMeansNoProcess() throws IOException {
        assertThat(proc.snapshot(31999)).isEmpty();
        process(600, "600 (truncated");
        assertThat(proc.snapshot(600)).isEmpty();
        process(601, "601 (x) S 1 2\n");
        assertThat(proc.snapshot(601)).isEmpty();
    }

    @Test
    void kernelThreadHasEmptyArgvAndNoExeWithoutBeingFlagged() throws IOException {
        Path dir = process(2, stat(2, "kthreadd", 0, 0x00208040, 1));
        Files.writeString(dir.resolve("cmdline"), "");
        ProcessSnapshot s = proc.snapshot(2).orElseThrow();
        assertThat(s.kernelThread()).isTrue();
        assertThat(s.argv()).isEmpty();
        assertThat(s.exe()).isNull();
        assertThat(s.unreadable()).doesNotContain(ProcessSnapshot.Part.EXE, ProcessSnapshot.Part.CMDLINE);
    }

    @Test
    void listPidsIgnoresNonNumericEntries() throws IOException {
        process(10, stat(10, "a", 1, 0, 1));
        process(9, stat(9, "b", 1, 0, 1));
        Files.createDirectories(root.resolve("self"));
        Files.createDirectories(root.resolve("99999999999"));
        assertThat(proc.listPids()).containsExactly(9, 10);
    }

    @Test
    void containerIdsFromCommonRuntimes() {
        String id = "ab".repeat(32);
        assertThat(ProcFs.containerId("/docker/" + id)).isEqualTo(id);
        assertThat(ProcFs.containerId("/kubepods.slice/kubepods-pod1.slice/cri-containerd-" + id + ".scope")).isEqualTo(id);
        assertThat(ProcFs.containerId("/machine.slice/libpod-" + id + ".scope/container")).isEqualTo(id);
        assertThat(ProcFs.containerId("/user.slice/user-1000.slice")).isNull();
        assertThat(ProcFs.containerId("/x/" + id + "f")).isNull(); // 65 hex digits: not an id
        assertThat(ProcFs.containerId(null)).isNull();
    }

    @Test
    void argvWithoutTrailingNulKeepsTheLastArgument() {
        assertThat(ProcFs.splitNul("nginx: worker process".getBytes(StandardCharsets.UTF_8)))
                .containsExactly("nginx: worker process");
        assertThat(ProcFs.splitNul("a\0\0b\0".getBytes(StandardCharsets.UTF_8))).containsExactly("a", "", "b");
    }
}
