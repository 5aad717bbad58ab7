package dev.kiroku.agent.inventory;

import dev.kiroku.agent.AgentStatus;
import dev.kiroku.fleet.proto.Inventory;
import dev.kiroku.fleet.proto.SensorState;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an agent reports about its endpoint: OS and kernel from the files the kernel and the
 * distribution keep, addresses from the network interfaces the agent can see, and its own sensors,
 * loss counters and journal from its status.
 */
public final class InventoryProbe {
    public static final String AGENT_VERSION = "0.1.0";

    private final Path root;
    private volatile java.util.function.Supplier<String> isolation = () -> "";

    /** @param root filesystem root to read os-release and /proc from ("/" in production) */
    public InventoryProbe(Path root) {
        this.root = root;
    }

    /** Where the isolation state comes from once response runs ("isolated", "not isolated", "unknown: why"). */
    public void reportIsolationFrom(java.util.function.Supplier<String> state) {
        isolation = state;
    }

    /**
     * @param policyVersion the policy version the agent runs (0 = none)
     * @param scope         "host", or the network namespace / cgroup the agent is scoped to
     */
    public Inventory collect(AgentStatus status, long policyVersion, String scope) {
        Map<String, String> os = osRelease();
        Inventory.Builder inventory = Inventory.newBuilder()
                .setHostName(nonNull(status.hostName()))
                .setOsName(os.getOrDefault("NAME", "unknown"))
                .setOsVersion(os.getOrDefault("VERSION", os.getOrDefault("VERSION_ID", "unknown")))
                .setKernel(read("proc/sys/kernel/osrelease"))
                .setAgentVersion(AGENT_VERSION)
                .putAllLosses(status.losses())
                .setPolicyVersion(policyVersion)
                .setScope(scope)
                .setIsolation(isolationState());
        addresses(inventory);
        for (AgentStatus.Sensor sensor : status.sensors()) {
            inventory.addSensors(SensorState.newBuilder().setName(nonNull(sensor.name())).setState(nonNull(sensor.state()))
                    .setMode(nonNull(sensor.mode())).setDetail(nonNull(sensor.detail())));
        }
        if (status.journal() != null) {
            inventory.setJournalBytes(status.journal().bytes())
                    .setLastRecordedSequence(Math.max(0, status.journal().lastSequence()))
                    .setAcknowledgedSequence(Math.max(0, status.journal().acknowledgedSequence()));
        }
        return inventory.build();
    }

    private String isolationState() {
        try {
            return nonNull(isolation.get());
        } catch (RuntimeException e) {
            return "unknown: " + e.getMessage();
        }
    }

    private static void addresses(Inventory.Builder inventory) {
        List<String> ips = new ArrayList<>();
        List<String> macs = new ArrayList<>();
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                if (nic.isLoopback()) continue;
                for (InetAddress address : nic.inetAddresses().toList()) {
                    String text = address.getHostAddress();
                    int zone = text.indexOf('%');
                    ips.add(nic.getName() + " " + (zone < 0 ? text : text.substring(0, zone)));
                }
                byte[] mac = nic.getHardwareAddress();
                if (mac != null && mac.length > 0) macs.add(nic.getName() + " " + HexFormat.ofDelimiter(":").formatHex(mac));
            }
        } catch (SocketException e) {
            ips.add("unreadable: " + e.getMessage());
        }
        inventory.addAllIpAddresses(ips).addAllMacAddresses(macs);
    }

    private Map<String, String> osRelease() {
        Map<String, String> values = new LinkedHashMap<>();
        for (String candidate : new String[]{"etc/os-release", "usr/lib/os-release"}) {
            Path file = root.resolve(candidate);
            if (!Files.isReadable(file)) continue;
            try {
                for (String line : Files.readAllLines(file)) {
                    int eq = line.indexOf('=');
                    if (eq <= 0 || line.startsWith("#")) continue;
                    String value = line.substring(eq + 1).trim();
                    if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))) value = value.substring(1, value.length() - 1);
                    values.put(line.substring(0, eq).trim(), value);
                }
                return values;
            } catch (IOException e) {
                values.put("NAME", "unreadable: " + e.getMessage());
            }
        }
        return values;
    }

    private String read(String relative) {
        try {
            return Files.readString(root.resolve(relative)).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
