package dev.kiroku.fleet.server;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The gathering time the server asks for follows the number of agents shipping, within its bounds. */
class ShipPacingTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void gatheringGrowsWithTheAgentsShippingUpToItsBound() {
        assertThat(ShipPacing.gatherFor(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(ShipPacing.gatherFor(100)).isEqualTo(Duration.ofSeconds(1));
        assertThat(ShipPacing.gatherFor(150)).isEqualTo(Duration.ofMillis(1500));
        assertThat(ShipPacing.gatherFor(500)).isEqualTo(Duration.ofSeconds(5));
        assertThat(ShipPacing.gatherFor(5_000)).isEqualTo(ShipPacing.MAX_GATHER);
    }

    @Test
    void agentsThatStoppedShippingNoLongerCount() {
        ShipPacing pacing = new ShipPacing();
        long now = System.nanoTime();
        Duration asked = null;
        // 400 agents, each shipping once a second for 3 s
        for (int second = 0; second < 3; second++) {
            for (int agent = 0; agent < 400; agent++) asked = pacing.shipped("agent-" + agent, now + second * SECOND + agent * 1000L);
        }
        assertThat(pacing.activeAgents()).isEqualTo(400);
        assertThat(asked).isEqualTo(Duration.ofSeconds(4));
        // then only 100 of them, for longer than the active window
        long later = now + 3 * SECOND;
        for (int second = 0; second <= ShipPacing.ACTIVE_WINDOW.toSeconds() + 1; second++) {
            for (int agent = 0; agent < 100; agent++) asked = pacing.shipped("agent-" + agent, later + second * SECOND + agent * 1000L);
        }
        assertThat(pacing.activeAgents()).isEqualTo(100);
        assertThat(asked).isEqualTo(Duration.ofSeconds(1));
    }
}
