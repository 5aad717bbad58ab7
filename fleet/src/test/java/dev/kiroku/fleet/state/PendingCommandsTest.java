package dev.kiroku.fleet.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading the outcomes of many commands at once equals reading them command by command. Taking pending commands for many agents at once (the push of a fleet-wide command) gives exactly what one
 * {@code takePending} per agent would: each agent's unexpired pending commands, oldest first, marked delivered, and
 * expired ones marked expired. Checked on the H2 store against a second store driven agent by agent.
 */
class PendingCommandsTest {
    @TempDir
    Path dir;

    @Test
    void manyAgentsAtOnceEqualsOneAgentAtATime() {
        Instant t0 = Instant.parse("2026-11-27T09:00:00Z");
        try (JdbcStateStore batched = JdbcStateStore.h2(dir.resolve("batched"), t0);
             JdbcStateStore single = JdbcStateStore.h2(dir.resolve("single"), t0)) {
            Random random = new Random(7);
            List<String> agents = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String agent = "agent-" + i;
                agents.add(agent);
                for (JdbcStateStore store : List.of(batched, single)) store.enrol(agent, "h" + i, i % 3 == 0 ? "web" : "db", "serial-" + i, t0);
            }
            for (int c = 0; c < 30; c++) {
                String target = switch (random.nextInt(3)) {
                    case 0 -> "all";
                    case 1 -> "group:web";
                    default -> "agent:agent-" + random.nextInt(40);
                };
                Instant issued = t0.plusSeconds(c);
                Duration life = random.nextInt(4) == 0 ? Duration.ofSeconds(5) : Duration.ofHours(1);
                StateStore.Command command = new StateStore.Command("c" + c, target, "ping", Map.of("n", "" + c), "admin", issued,
                        issued.plus(life));
                batched.issue(command);
                single.issue(command);
            }
            Instant now = t0.plusSeconds(60);
            Map<String, List<StateStore.Command>> taken = batched.takePending(agents, now);
            for (String agent : agents) {
                List<StateStore.Command> expected = single.takePending(agent, now);
                assertThat(taken.getOrDefault(agent, List.of())).as(agent).isEqualTo(expected);
            }
            assertThat(taken.values().stream().mapToInt(List::size).sum()).isGreaterThan(100);
            for (int c = 0; c < 30; c++) {
                assertThat(states(batched, "c" + c)).as("c" + c).isEqualTo(states(single, "c" + c));
            }
            assertThat(batched.takePending(agents, now)).as("nothing is handed out twice").isEmpty();

            // Results come back for some: finishedDeliveries answers for many commands at once what deliveries() says one by one.
            for (int c = 0; c < 30; c += 3) {
                for (StateStore.Delivery d : batched.deliveries("c" + c, 1000)) {
                    if (d.state().equals("delivered")) batched.result("c" + c, d.agentId(), c % 2 == 0, "out " + c, now);
                }
            }
            List<String> ids = new ArrayList<>();
            for (int c = 0; c < 30; c++) ids.add("c" + c);
            List<String> expected = new ArrayList<>();
            for (String id : ids) {
                for (StateStore.Delivery d : batched.deliveries(id, 1000)) {
                    if (List.of("succeeded", "failed", "expired").contains(d.state())) expected.add(id + "/" + d.agentId() + "=" + d.state());
                }
            }
            assertThat(expected).hasSizeGreaterThan(20);
            assertThat(batched.finishedDeliveries(ids)).extracting(d -> d.command().id() + "/" + d.agentId() + "=" + d.state())
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(batched.finishedDeliveries(List.of())).isEmpty();
        }
    }

    private static List<String> states(StateStore store, String command) {
        return store.deliveries(command, 1000).stream().map(d -> d.agentId() + "=" + d.state() + "@" + d.delivered())
                .sorted().toList();
    }
}
