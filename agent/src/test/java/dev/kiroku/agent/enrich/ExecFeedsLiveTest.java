package dev.kiroku.agent.enrich;

import dev.kiroku.agent.process.ProcFsProbe;
import dev.kiroku.agent.process.ProcessTable;
import dev.kiroku.event.Event;
import dev.kiroku.event.EventCodec;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.sensor.linux.audit.AuditActivity;
import dev.kiroku.sensor.linux.audit.AuditLock;
import dev.kiroku.sensor.linux.audit.AuditMode;
import dev.kiroku.sensor.linux.audit.AuditSource;
import dev.kiroku.sensor.linux.audit.AuditSourceConfig;
import dev.kiroku.sensor.linux.audit.ExecActivity;
import dev.kiroku.sensor.linux.bpf.BpfProcessSource;
import dev.kiroku.sensor.linux.bpf.ProcessRecord;
import dev.kiroku.sensor.linux.procfs.ProcFs;
import dev.kiroku.sensor.linux.procfs.UserNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same real exec seen by both feeds, the BPF process sensor's exec record and audit's exec records, becomes the
 * same event: the same JSON but for the time (each feed stamps its own moment of the exec).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExecFeedsLiveTest {

    @Test
    void an_exec_from_bpf_and_from_audit_gives_the_same_event(@TempDir Path state) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(BpfProcessSource.unavailable().isEmpty(), () -> "no BPF: " + BpfProcessSource.unavailable().orElse(""));
        Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "kiroku feeds ");
        String marker = UUID.randomUUID().toString();
        ConcurrentLinkedQueue<ProcessRecord> kernel = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<AuditActivity> audit = new ConcurrentLinkedQueue<>();
        try (AuditLock lock = AuditLock.acquire(Duration.ofMinutes(2));
             BpfProcessSource bpf = new BpfProcessSource()) {
            AuditSource auditSource = new AuditSource(AuditSourceConfig.defaults(state), InstantSource.system());
            auditSource.start(audit::add);
            try {
                assumeTrue(auditSource.status().mode() == AuditMode.DAEMON, "another process is the audit daemon");
                bpf.start(kernel::add);
                Process p = new ProcessBuilder("/bin/sh", "-c", "echo ready; read x", marker, "two words", "")
                        .directory(dir.toFile()).start();
                try {
                    assertThat(new BufferedReader(new InputStreamReader(p.getInputStream())).readLine()).isEqualTo("ready");
                    ProcessRecord fromKernel = await(() -> {
                        bpf.pull();
                        return kernel.stream().filter(r -> r.exec() != null && r.pid() == p.pid()
                                && r.exec().argv().contains(marker)).findFirst().orElse(null); // not jspawnhelper's exec
                    });
                    ExecActivity fromAudit = await(() -> audit.stream().filter(a -> a instanceof ExecActivity e
                            && e.pid() == p.pid() && e.argv().contains(marker)).map(ExecActivity.class::cast).findFirst().orElse(null));
                    String bpfJson = json(eventOf(fromKernel, null));
                    String auditJson = json(eventOf(fromKernel, fromAudit));
                    assertThat(bpfJson).contains(marker).contains(dir.getFileName().toString());
                    assertThat(bpfJson).isEqualTo(auditJson);
                } finally {
                    p.destroyForcibly().waitFor();
                }
            } finally {
                auditSource.stop();
            }
        } finally {
            Files.delete(dir);
        }
    }

    /**
     * The process start a recorder makes of the kernel's exec record alone, or with audit's record of the exec (the
     * kernel record then brings only the start time and namespaces, as when audit reports execs).
     */
    private static Event eventOf(ProcessRecord kernel, ExecActivity audit) {
        List<Event> events = new ArrayList<>();
        Recorder recorder = new Recorder("agent-1", "host", new ProcessTable("agent-1", Duration.ofSeconds(30)),
                new ProcFsProbe(new ProcFs(), new UserNames()), new ExecutableHasher(1L << 30, InstantSource.system()), events::add);
        KernelIds ids = new KernelIds(kernel.cgroupId(), kernel.pidNamespace(), kernel.mountNamespace(), kernel.netNamespace());
        long ticks = BpfProcessSource.startTicks(kernel.startBoottimeNanos());
        Instant now = Instant.now();
        recorder.observe(new Observation.Exec(kernel.pid(), kernel.time(), ticks, ids, audit == null ? kernel.exec() : null,
                kernel.executableIdentity()), now);
        if (audit != null) recorder.observe(new Observation.Audit(audit), now);
        Event start = events.stream().filter(e -> e.payload() instanceof ProcessStart).findFirst().orElseThrow();
        return new Event(start.agentId(), start.sequence(), Instant.EPOCH, start.hostName(), start.incomplete(), start.payload());
    }

    private static String json(Event event) {
        return new String(EventCodec.encode(event), StandardCharsets.UTF_8);
    }

    private static <T> T await(java.util.function.Supplier<T> found) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            T value = found.get();
            if (value != null) return value;
            Thread.sleep(50);
        }
        throw new AssertionError("not seen within 20 s");
    }
}
