package dev.kiroku.response.kill;

import dev.kiroku.event.EntityIds;
import dev.kiroku.response.ActionResult;
import dev.kiroku.response.KernelAssumptions;
import dev.kiroku.response.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Real process trees: sh spawning sleeps and a subshell with grandchildren. */
class ProcessKillerTest {
    private static final String AGENT = "agent-under-test";
    private static final Path PROC = Path.of("/proc");

    @BeforeAll
    static void kernel() {
        KernelAssumptions.assumeRoot();
    }

    @Test
    void killsAWholeTreeAndNoMemberSurvives() throws Exception {
        Process root = new ProcessBuilder("sh", "-c",
                "sleep 300 & sleep 300 & (sleep 300 & sleep 300 & sh -c 'sleep 300 & wait' & wait) & wait").start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> descendants((int) root.pid()).size() >= 7);
            List<Integer> members = descendants((int) root.pid());
            String entity = entityOf((int) root.pid());
            ActionResult r = new KillAction(new ProcessKiller(AGENT)).run(Map.of("entity_ids", entity)).getFirst();
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.DONE);
            @SuppressWarnings("unchecked")
            List<Integer> killed = (List<Integer>) r.data().get("pids");
            assertThat(killed).contains((int) root.pid()).containsAll(members);
            for (int pid : killed) {
                assertThat(ProcStat.read(PROC, pid).filter(s -> !s.gone())).as("pid %d", pid).isEmpty();
            }
            assertThat(root.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            // Killing the same entity again: it has exited.
            assertThat(new ProcessKiller(AGENT).kill(entity, (int) root.pid(), true).outcome()).isEqualTo(Outcome.ALREADY);
        } finally {
            root.destroyForcibly();
        }
    }

    @Test
    void aReusedPidIsNeverHit() throws Exception {
        Process p = new ProcessBuilder("sleep", "300").start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> ProcStat.read(PROC, (int) p.pid()).isPresent());
            long ticks = ProcStat.read(PROC, (int) p.pid()).orElseThrow().startTicks();
            // Same pid, other start time: the entity of an earlier process that had this pid.
            String stale = EntityIds.process(AGENT, (int) p.pid(), ticks - 1);
            ActionResult r = new ProcessKiller(AGENT).kill(stale, (int) p.pid(), true);
            assertThat(r.outcome()).isEqualTo(Outcome.ALREADY);
            assertThat(p.isAlive()).isTrue();
            // Without a pid hint the killer scans /proc for the entity.
            ActionResult byScan = new ProcessKiller(AGENT).kill(entityOf((int) p.pid()), null, false);
            assertThat(byScan.outcome()).as(byScan.detail()).isEqualTo(Outcome.DONE);
            assertThat(p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void refusesTheAgentItselfAndReportsBadInputPerTarget() {
        int self = (int) ProcessHandle.current().pid();
        ActionResult me = new ProcessKiller(AGENT).kill(entityOf(self), self, true);
        assertThat(me.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(me.detail()).contains("agent itself");
        List<ActionResult> bad = new KillAction(new ProcessKiller(AGENT)).run(Map.of("entity_ids", "a,b", "pid", "x"));
        assertThat(bad).singleElement().satisfies(r -> assertThat(r.detail()).contains("'pid'").contains("not an integer"));
        List<ActionResult> two = new KillAction(new ProcessKiller(AGENT)).run(Map.of("entity_ids", "gone1, gone2"));
        assertThat(two).extracting(ActionResult::outcome).containsExactly(Outcome.ALREADY, Outcome.ALREADY);
    }

    private static String entityOf(int pid) {
        return EntityIds.process(AGENT, pid, ProcStat.read(PROC, pid).orElseThrow().startTicks());
    }

    private static List<Integer> descendants(int root) {
        List<ProcStat> all = ProcStat.all(PROC);
        java.util.Set<Integer> tree = new java.util.LinkedHashSet<>(List.of(root));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (ProcStat s : all) {
                if (tree.contains(s.ppid()) && tree.add(s.pid())) {
                    grew = true;
                }
            }
        }
        tree.remove(root);
        return List.copyOf(tree);
    }
}
