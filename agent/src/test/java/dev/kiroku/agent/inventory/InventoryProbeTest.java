package dev.kiroku.agent.inventory;

import dev.kiroku.agent.AgentStatus;
import dev.kiroku.fleet.proto.Inventory;
import org.junit.jupiter.api.Test;

import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The inventory of this machine, compared with what the kernel and the distribution say. */
class InventoryProbeTest {

    @Test
    void reportsThisMachinesKernelOsAddressesAndTheAgentsCounters() throws Exception {
        AgentStatus status = new AgentStatus("agent-1", "host-1", Instant.now(), Instant.now(),
                List.of(new AgentStatus.Sensor("audit", "running", "multicast", "records=5")), Map.of("audit", 3L), 10, 0, 1,
                null, null, new AgentStatus.Policy(7, java.util.Set.of(), 0, 0));
        Inventory inventory = new InventoryProbe(Path.of("/")).collect(status, 7, "netns:test");
        assertThat(inventory.getKernel()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
        if (Files.exists(Path.of("/etc/os-release"))) {
            assertThat(Files.readString(Path.of("/etc/os-release"))).contains(inventory.getOsName());
        }
        assertThat(inventory.getHostName()).isEqualTo("host-1");
        assertThat(inventory.getSensors(0).getMode()).isEqualTo("multicast");
        assertThat(inventory.getLossesMap()).containsEntry("audit", 3L);
        assertThat(inventory.getPolicyVersion()).isEqualTo(7);
        assertThat(inventory.getScope()).isEqualTo("netns:test");
        assertThat(inventory.getIsolation()).as("filled by the response work").isEmpty();
        long nonLoopback = NetworkInterface.networkInterfaces().filter(n -> {
            try {
                return !n.isLoopback() && n.inetAddresses().findAny().isPresent();
            } catch (java.net.SocketException e) {
                return false;
            }
        }).count();
        assertThat(inventory.getIpAddressesList().isEmpty()).isEqualTo(nonLoopback == 0);
    }
}
