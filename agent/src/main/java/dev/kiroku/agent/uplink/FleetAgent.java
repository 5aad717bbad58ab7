package dev.kiroku.agent.uplink;

import dev.kiroku.agent.command.BlockedExecutions;
import dev.kiroku.agent.command.EndpointCommands;
import dev.kiroku.agent.command.InventoryScanCommand;
import dev.kiroku.agent.command.YaraScanCommand;

import dev.kiroku.agent.Agent;
import dev.kiroku.agent.AgentConfig;
import dev.kiroku.agent.AgentIdentity;
import dev.kiroku.agent.inventory.InventoryProbe;
import dev.kiroku.agent.scanning.PolicyScans;
import dev.kiroku.agent.scanning.ScanPolicy;
import dev.kiroku.agent.scope.Scope;
import dev.kiroku.response.execblock.ExecInspector;
import dev.kiroku.response.nft.Nft;
import dev.kiroku.fleet.client.AgentCredentials;
import dev.kiroku.fleet.client.Enroller;
import dev.kiroku.fleet.client.FleetClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

/**
 * An agent connected to a server over the network: enrols on first start (with a token), then
 * records, ships its journal through a {@link FleetClient} and keeps the control channel
 * ({@link Uplink}) open.
 */
public final class FleetAgent implements AutoCloseable {
    private final Agent agent;
    private final FleetClient client;
    private final Uplink uplink;
    private final EndpointCommands endpointCommands;
    private final PolicyScans scans;

    private FleetAgent(Agent agent, FleetClient client, Uplink uplink, EndpointCommands endpointCommands, PolicyScans scans) {
        this.scans = scans;
        this.endpointCommands = endpointCommands;
        this.agent = agent;
        this.client = client;
        this.uplink = uplink;
    }

    /** Where an agent keeps its fleet credentials. */
    public static AgentCredentials credentials(Path dataDirectory) {
        return new AgentCredentials(dataDirectory.resolve("fleet"));
    }

    /**
     * Enrols if needed and starts.
     *
     * @param server    HOST:PORT of the server's fleet endpoint; null = the one the agent enrolled with
     * @param token     enrolment token; needed only when the agent is not enrolled yet
     * @param heartbeat how often inventory is reported and commands fetched
     */
    public static FleetAgent start(AgentConfig config, String server, String token, Duration heartbeat, InstantSource clock) throws IOException {
        return start(config, server, token, heartbeat, clock, false);
    }

    /**
     * @param response whether the endpoint takes response commands (isolate, kill, quarantine, block…); YARA scans
     *                 are always taken. Response state lives under {@code <data>/response}
     */
    public static FleetAgent start(AgentConfig config, String server, String token, Duration heartbeat, InstantSource clock,
                                   boolean response) throws IOException {
        Files.createDirectories(config.dataDirectory());
        AgentCredentials credentials = credentials(config.dataDirectory());
        String address = server != null ? server : credentials.server();
        if (address == null) throw new IOException("no server given (--server HOST:PORT) and the agent has not enrolled with one");
        if (!credentials.enrolled()) {
            if (token == null || token.isBlank()) {
                throw new IOException("the agent is not enrolled; give an enrolment token (--token, from ./kiroku token create)");
            }
            String agentId = AgentIdentity.loadOrCreate(config.dataDirectory());
            Enroller.enrol(address, token, agentId, config.hostName(), credentials);
        }
        FleetClient client = new FleetClient(address, credentials);
        Agent agent = new Agent(config, clock);
        try {
            agent.start(client);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
        InventoryProbe probe = new InventoryProbe(Path.of("/"));
        Uplink uplink = new Uplink(agent, client, probe, heartbeat, config.scope().label(), clock);
        uplink.commands().register(new YaraScanCommand());
        uplink.commands().register(new InventoryScanCommand());
        EndpointCommands endpointCommands = response
                ? EndpointCommands.register(uplink.commands(), agent.agentId(), config.dataDirectory().resolve("response"), address,
                        networkOf(config.scope()), BlockedExecutions.recordedBy(agent))
                : null;
        if (endpointCommands != null) probe.reportIsolationFrom(endpointCommands::isolationState);
        PolicyScans scans = policyScans(agent, endpointCommands);
        uplink.start();
        return new FleetAgent(agent, client, uplink, endpointCommands, scans);
    }

    /**
     * YARA scans by policy: written files reach them from the recording thread, executions through the exec blocker
     * (response mode only); each policy the server pushes is applied to them first.
     */
    private static PolicyScans policyScans(Agent agent, EndpointCommands endpointCommands) {
        PolicyScans scans = new PolicyScans(agent::recordAbout);
        agent.registerLoss("yara_policy", "YARA policy scans dropped: queue full (over the scan budget)", scans::dropped);
        agent.tapRecorded(scans::onRecorded);
        try {
            System.err.println("kiroku agent: " + agent.onPolicy(policy -> applyScans(scans, policy.yara(), endpointCommands)));
        } catch (RuntimeException e) {
            System.err.println("kiroku agent: the saved YARA policy cannot be applied: " + e.getMessage());
        }
        return scans;
    }

    private static String applyScans(PolicyScans scans, ScanPolicy policy, EndpointCommands endpointCommands) {
        String note = scans.apply(policy);
        boolean beforeExec = policy.enabled() && policy.beforeExec() != ScanPolicy.ExecMode.OFF;
        if (endpointCommands == null) {
            return beforeExec ? note + "; scanning before execution needs the agent's response mode (--response): not active" : note;
        }
        try {
            endpointCommands.inspectExecutions(beforeExec ? scans : ExecInspector.NONE);
        } catch (IOException e) {
            return note + "; scanning before execution unavailable: " + e.getMessage();
        }
        return note;
    }

    /** Network actions apply where the agent's scope is: its network namespace, or the host. */
    static Nft networkOf(Scope scope) {
        if (scope.kind() != Scope.Kind.NETNS) return Nft.system();
        String namespace = scope.label().substring("netns:".length());
        return namespace.startsWith("/") ? new Nft(java.util.List.of("nsenter", "--net=" + namespace), Nft.locate())
                : Nft.inNamespace(namespace);
    }

    public Agent agent() {
        return agent;
    }

    /** The YARA scans by policy (their counters). */
    public PolicyScans policyScans() {
        return scans;
    }

    public Uplink uplink() {
        return uplink;
    }

    @Override
    public void close() {
        uplink.close();
        if (endpointCommands != null) {
            try {
                endpointCommands.close();
            } catch (Exception e) {
                System.err.println("kiroku agent: stopping response failed: " + e);
            }
        }
        scans.close();
        agent.close();
        client.close();
    }
}
