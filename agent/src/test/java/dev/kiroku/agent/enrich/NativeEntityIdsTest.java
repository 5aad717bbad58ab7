package dev.kiroku.agent.enrich;

import dev.kiroku.agent.process.EntityIdFunction;
import dev.kiroku.event.EntityIds;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NativeEntityIdsTest {

    @Test
    void libcryptoGivesTheIdsOfEntityIdsForAgentsPidsAndTicksOfEveryLength() {
        assumeTrue(LibCrypto.get() != null, LibCrypto.SONAME + " is not installed (Debian package libssl3)");
        Random random = new Random(20261128);
        // agent ids around SHA-256's block of 64 bytes (the input then takes one or two blocks), and non-ASCII ones
        String[] agents = {"", "a", "agent-1", "x".repeat(40), "y".repeat(55), "z".repeat(64), "ä-agent-日本", "b".repeat(130)};
        for (String agent : agents) {
            EntityIdFunction ids = NativeEntityIds.of(agent);
            assertThat(ids).isInstanceOf(NativeEntityIds.class);
            for (int i = 0; i < 2_000; i++) {
                int pid = switch (i % 4) {
                    case 0 -> random.nextInt(10);
                    case 1 -> random.nextInt(4_194_304);
                    case 2 -> Integer.MAX_VALUE - random.nextInt(3);
                    default -> random.nextInt(100_000);
                };
                long ticks = switch (i % 5) {
                    case 0 -> 0;
                    case 1 -> random.nextLong(1_000_000_000L);
                    case 2 -> 1L << 50 | random.nextLong(1L << 42); // synthetic ticks of a process /proc no longer shows
                    case 3 -> Long.MAX_VALUE - random.nextInt(3);
                    default -> -1 - random.nextInt(1_000);
                };
                assertThat(ids.entityId(pid, ticks)).as("agent %s pid %d ticks %d", agent, pid, ticks)
                        .isEqualTo(EntityIds.process(agent, pid, ticks));
            }
        }
    }
}
