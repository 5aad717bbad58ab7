package dev.kiroku.sensor.linux.bpf;

import dev.kiroku.sensor.linux.RootAssumptions;
import dev.kiroku.sensor.linux.audit.ExecActivity;
import dev.kiroku.sensor.linux.procfs.FileIdentity;
import dev.kiroku.sensor.linux.procfs.ProcFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The exec records of the BPF process sensor carry what audit's records of an exec carry, read from the kernel. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BpfExecRecordLiveTest {

    @Test
    void exec_record_has_the_executable_and_working_directory_of_proc_and_the_argument_vector() throws Exception {
        assumeBpf();
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm), "needs /dev/shm (a tmpfs: a mount of its own)");
        Path dir = Files.createTempDirectory(shm, "kiroku exec ");
        String marker = UUID.randomUUID().toString();
        List<String> command = List.of("/bin/sh", "-c", "echo ready; read x", marker, "with space", "quote \" and '",
                "new\nline", "", "tab\there");
        ConcurrentLinkedQueue<ProcessRecord> seen = new ConcurrentLinkedQueue<>();
        try (BpfProcessSource source = new BpfProcessSource()) {
            source.start(seen::add);
            Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
            try {
                assertThat(new BufferedReader(new InputStreamReader(p.getInputStream())).readLine()).isEqualTo("ready");
                String exe = Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/exe")).toString();
                String cwd = Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/cwd")).toString();
                ExecActivity exec = awaitExec(source, seen, e -> e.pid() == p.pid() && e.argv().contains(marker));
                assertThat(exec.executable()).isEqualTo(exe);
                assertThat(exec.cwd()).isEqualTo(cwd).isEqualTo(dir.toRealPath().toString());
                assertThat(exec.argv()).containsExactlyElementsOf(command);
                assertThat(exec.argvComplete()).isTrue();
                assertThat(exec.ppid()).isEqualTo((int) ProcessHandle.current().pid());
                assertThat(exec.uid()).isZero();
                assertThat(exec.comm()).isEqualTo("sh");
                assertThat(exec.tty()).isEqualTo(ttyOfSelf());
                assertThat(exec.auid()).isEqualTo(loginUid());
                assertThat(exec.success()).isTrue();
            } finally {
                p.destroyForcibly().waitFor();
            }
        } finally {
            Files.delete(dir);
        }
    }

    @Test
    void an_executable_run_from_a_memfd_has_the_path_proc_shows_with_deleted() throws Exception {
        assumeBpf();
        assumeTrue(new File("/usr/bin/python3").canExecute(), "needs python3 to exec a memfd");
        String marker = UUID.randomUUID().toString();
        String script = "import os, sys\n"
                + "fd = os.memfd_create('kiroku-' + sys.argv[1])\n"
                + "os.write(fd, open('/bin/sh', 'rb').read())\n"
                + "os.execve(fd, ['sh', '-c', 'echo ready; read x', sys.argv[1]], {})\n";
        ConcurrentLinkedQueue<ProcessRecord> seen = new ConcurrentLinkedQueue<>();
        try (BpfProcessSource source = new BpfProcessSource()) {
            source.start(seen::add);
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, marker).start();
            try {
                assertThat(new BufferedReader(new InputStreamReader(p.getInputStream())).readLine()).isEqualTo("ready");
                String exe = Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/exe")).toString();
                ExecActivity exec = awaitExec(source, seen, e -> e.pid() == p.pid() && e.argv().getFirst().equals("sh"));
                assertThat(exe).isEqualTo("/memfd:kiroku-" + marker + " (deleted)");
                assertThat(exec.executable()).isEqualTo(exe);
            } finally {
                p.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void long_argument_vectors_come_whole_in_chunks_and_past_the_limit_flagged_incomplete() throws Exception {
        assumeBpf();
        String hundredK = "x".repeat(100_000);
        String marker = UUID.randomUUID().toString();
        List<String> whole = List.of("/bin/true", marker, hundredK, "a b", hundredK + "y");
        List<String> tooLong = new ArrayList<>(List.of("/bin/true", marker + "-long"));
        for (int i = 0; i < 3; i++) tooLong.add(hundredK);
        ConcurrentLinkedQueue<ProcessRecord> seen = new ConcurrentLinkedQueue<>();
        try (BpfProcessSource source = new BpfProcessSource()) {
            source.start(seen::add);
            assertThat(new ProcessBuilder(whole).start().waitFor()).isZero();
            assertThat(new ProcessBuilder(tooLong).start().waitFor()).isZero();
            ExecActivity complete = awaitExec(source, seen, e -> e.argv().size() > 1 && e.argv().get(1).equals(marker));
            assertThat(complete.argv()).containsExactlyElementsOf(whole);
            assertThat(complete.argvComplete()).isTrue();
            ExecActivity cut = awaitExec(source, seen, e -> e.argv().size() > 1 && e.argv().get(1).equals(marker + "-long"));
            assertThat(cut.argvComplete()).isFalse();
            assertThat(String.join("\0", cut.argv())).hasSize(ExecRecordText.ARGV_MAX); // the last argument cut, no NUL
            assertThat(cut.argv().subList(0, 4)).containsExactlyElementsOf(tooLong.subList(0, 4));
            assertThat(source.status().malformed()).isZero();
        }
    }

    @Test
    void exec_in_new_mount_and_pid_namespaces_carries_them() throws Exception {
        assumeBpf();
        assumeTrue(new File("/usr/bin/unshare").canExecute(), "needs unshare (util-linux)");
        String marker = UUID.randomUUID().toString();
        ConcurrentLinkedQueue<ProcessRecord> seen = new ConcurrentLinkedQueue<>();
        List<String> namespaces;
        try (BpfProcessSource source = new BpfProcessSource()) {
            source.start(seen::add);
            Process p = new ProcessBuilder("/usr/bin/unshare", "--mount", "--pid", "--fork", "/bin/sh", "-c",
                    "readlink /proc/self/ns/mnt /proc/self/ns/pid", marker).start();
            namespaces = new BufferedReader(new InputStreamReader(p.getInputStream())).lines().toList();
            assertThat(p.waitFor()).isZero();
            awaitExec(source, seen, e -> isShellOf(e, marker));
        }
        ProcessRecord exec = seen.stream().filter(r -> r.exec() != null && isShellOf(r.exec(), marker)).findFirst().orElseThrow();
        assertThat(namespaces).hasSize(2);
        assertThat(exec.mountNamespace()).isEqualTo(inode(namespaces.get(0))).isNotEqualTo(selfNamespace("mnt"));
        assertThat(exec.pidNamespace()).isEqualTo(inode(namespaces.get(1))).isNotEqualTo(selfNamespace("pid"));
        assertThat(exec.namespacePid()).isEqualTo(1);
    }

    @Test
    void exec_record_has_the_identity_statx_gives_the_executable_also_deleted_and_replaced_in_place(@TempDir Path dir)
            throws Exception {
        assumeBpf();
        Path program = dir.resolve("kiroku-true");
        byte[] trueBytes = Files.readAllBytes(Path.of("/bin/true"));
        Files.write(program, trueBytes);
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        ConcurrentLinkedQueue<ProcessRecord> seen = new ConcurrentLinkedQueue<>();
        try (BpfProcessSource source = new BpfProcessSource()) {
            source.start(seen::add);
            FileIdentity first = ProcFiles.identity(program.toString());
            String marker = UUID.randomUUID().toString();
            assertThat(new ProcessBuilder(program.toString(), marker).start().waitFor()).isZero();
            assertThat(awaitExecRecord(source, seen, marker).executableIdentity()).isEqualTo(first);

            // replaced in place: the same inode, another size and modification time
            Files.write(program, Arrays.copyOf(trueBytes, trueBytes.length + 1));
            Files.setLastModifiedTime(program, FileTime.from(Instant.parse("2020-01-02T03:04:05.123456789Z")));
            FileIdentity second = ProcFiles.identity(program.toString());
            assertThat(second.inode()).isEqualTo(first.inode());
            assertThat(second).isNotEqualTo(first);
            String again = UUID.randomUUID().toString();
            assertThat(new ProcessBuilder(program.toString(), again).start().waitFor()).isZero();
            assertThat(awaitExecRecord(source, seen, again).executableIdentity()).isEqualTo(second);

            // deleted before it runs: exec'd through a descriptor the shell holds
            String deleted = UUID.randomUUID().toString();
            assertThat(new ProcessBuilder("/bin/sh", "-c", "exec 3< \"$0\"; rm \"$0\"; exec /proc/self/fd/3 \"$1\"",
                    program.toString(), deleted).start().waitFor()).isZero();
            ProcessRecord gone = awaitExecRecord(source, seen, deleted);
            assertThat(Files.exists(program)).isFalse();
            assertThat(gone.exec().executable()).isEqualTo(program + " (deleted)");
            assertThat(gone.executableIdentity()).isEqualTo(second);
            assertThat(source.status().malformed()).isZero();
        }
    }

    /** The exec record whose second argument is the marker. */
    private static ProcessRecord awaitExecRecord(BpfProcessSource source, ConcurrentLinkedQueue<ProcessRecord> seen,
                                                 String marker) throws InterruptedException {
        return awaitRecord(source, seen, e -> e.argv().size() > 1 && e.argv().get(1).equals(marker));
    }

    private static ExecActivity awaitExec(BpfProcessSource source, ConcurrentLinkedQueue<ProcessRecord> seen,
                                          Predicate<ExecActivity> wanted) throws InterruptedException {
        return awaitRecord(source, seen, wanted).exec();
    }

    private static ProcessRecord awaitRecord(BpfProcessSource source, ConcurrentLinkedQueue<ProcessRecord> seen,
                                             Predicate<ExecActivity> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            source.pull();
            for (ProcessRecord r : seen) {
                if (r.exec() != null && wanted.test(r.exec())) return r;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such exec record among " + seen.size());
    }

    /** The shell unshare runs (unshare's own argv has the marker too). */
    private static boolean isShellOf(ExecActivity exec, String marker) {
        return exec.argv().getFirst().equals("/bin/sh") && exec.argv().contains(marker);
    }

    private static long inode(String link) {
        return Long.parseLong(link.substring(link.indexOf('[') + 1, link.length() - 1));
    }

    private static long selfNamespace(String kind) throws Exception {
        return inode(Files.readSymbolicLink(Path.of("/proc/self/ns/" + kind)).toString());
    }

    private static int loginUid() throws Exception {
        return (int) Long.parseLong(Files.readString(Path.of("/proc/self/loginuid")).trim());
    }

    /** The controlling terminal's name as audit writes it ("pts0"), or "(none)". */
    private static String ttyOfSelf() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        int ttyNr = Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[4]);
        if (ttyNr == 0) return "(none)";
        int major = (ttyNr >> 8) & 0xFFF;
        int minor = (ttyNr & 0xFF) | ((ttyNr >> 12) & 0xFFF00);
        return major >= 136 && major <= 143 ? "pts" + ((major - 136) * 256 + minor) : "tty" + minor;
    }

    private static void assumeBpf() {
        RootAssumptions.assumeRootOnLinux();
        assumeTrue(BpfProcessSource.unavailable().isEmpty(), () -> "BPF process sensor unavailable: " + BpfProcessSource.unavailable().orElse(""));
    }
}
