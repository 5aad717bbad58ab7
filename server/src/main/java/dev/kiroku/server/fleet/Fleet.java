package dev.kiroku.server.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.fleet.pki.CertificateAuthority;
import dev.kiroku.fleet.pki.EnrolmentToken;
import dev.kiroku.fleet.server.BatchReceiver;
import dev.kiroku.fleet.server.FleetServer;
import dev.kiroku.fleet.state.StateStore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The server's side of the fleet: its CA, the gRPC endpoint agents call, and what admins do with
 * agents (tokens, revocation, commands) and see of them (endpoints with inventory, last seen, lag).
 */
public final class Fleet implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(365);

    private final CertificateAuthority ca;
    private final StateStore state;
    private final FleetServer server;
    private final InstantSource clock;
    private final Duration offlineAfter;

    private Fleet(CertificateAuthority ca, StateStore state, FleetServer server, InstantSource clock, Duration offlineAfter) {
        this.ca = ca;
        this.state = state;
        this.server = server;
        this.clock = clock;
        this.offlineAfter = offlineAfter;
    }

    /** Loads or creates the CA under {@code pkiDirectory} and starts the agent endpoint. */
    public static Fleet start(Path pkiDirectory, StateStore state, BatchReceiver receiver, String host, int port,
                              Duration offlineAfter, InstantSource clock) throws IOException {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(pkiDirectory, clock);
        // Batches in the store stage at once, most of them waiting for their group commit (the ingest
        // itself appends one per core at a time). Each agent has at most two batches in flight and a
        // batch is already in memory when it waits here, so this bounds waiting, not memory; with 8, a
        // fleet of small batches got 8 batches per commit (bench fleet: 289 events/s from 100 agents).
        int concurrentStores = 1024;
        FleetServer server = FleetServer.start(host, port, ca, state, receiver, clock, concurrentStores);
        return new Fleet(ca, state, server, clock, offlineAfter);
    }

    public int port() {
        return server.port();
    }

    /** Agents holding the command push open now. */
    public int listeningAgents() {
        return server.listeningAgents();
    }

    /** The REST API's HTTPS certificate for {@code names}, signed by the fleet CA (issued again when names change). */
    public dev.kiroku.server.api.ListenerTls webTls(java.util.Collection<String> names) throws IOException {
        return new dev.kiroku.server.api.ListenerTls(ca.webCertificate(names), ca.webKey());
    }

    public String caFingerprint() {
        return ca.fingerprint();
    }

    /** A new enrolment token; only its hash is kept, so this is the one time it can be read. */
    public String createToken(Duration validFor, String group, String actor) {
        if (validFor.isNegative() || validFor.isZero() || validFor.compareTo(MAX_TOKEN_LIFETIME) > 0) {
            throw new IllegalArgumentException("a token is valid for more than 0 and at most 365 days, not " + validFor);
        }
        String groupName = group == null || group.isBlank() ? "default" : group.strip();
        EnrolmentToken token = EnrolmentToken.generate(ca.fingerprint());
        Instant now = clock.instant();
        state.createToken(new StateStore.Token(token.hash(), groupName, now, now.plus(validFor), actor, 0));
        state.audit(actor, "token.create", "group " + groupName + ", expires " + now.plus(validFor), now);
        return token.toString();
    }

    /** Refuses the agent's certificate from now on; false when the agent is unknown. */
    public boolean revoke(String agentId, String actor) {
        Instant now = clock.instant();
        boolean revoked = state.revoke(agentId, now);
        if (revoked) state.audit(actor, "agent.revoke", agentId, now);
        return revoked;
    }

    /** Issues a command; returns its id and the agents it was addressed to. */
    public Map<String, Object> issue(String target, String type, Map<String, String> parameters, Duration expiresIn, String actor) {
        if (type == null || !type.matches("[a-z][a-z0-9_.-]{0,99}")) {
            throw new IllegalArgumentException("command type must be lower-case letters, digits, '.', '_' or '-', e.g. ping");
        }
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();
        List<String> agents = state.issue(new StateStore.Command(id, target, type, parameters, actor, now, now.plus(expiresIn)));
        state.audit(actor, "command.issue", id + " " + type + " to " + target + " (" + agents.size() + " agents)", now);
        server.commandsIssued(agents);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", id);
        answer.put("agents", agents);
        answer.put("expires", now.plus(expiresIn).toString());
        return answer;
    }

    public List<Map<String, Object>> commands(String id, int limit) {
        return state.deliveries(id, limit).stream().map(d -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", d.command().id());
            row.put("type", d.command().type());
            row.put("target", d.command().target());
            row.put("parameters", d.command().parameters());
            row.put("issuedBy", d.command().issuedBy());
            row.put("issued", d.command().issued().toString());
            row.put("expires", d.command().expires().toString());
            row.put("agentId", d.agentId());
            row.put("state", d.state());
            row.put("delivered", d.delivered() == null ? null : d.delivered().toString());
            row.put("finished", d.finished() == null ? null : d.finished().toString());
            row.put("output", d.output());
            return row;
        }).toList();
    }

    /** Every enrolled agent with its state (online, offline, revoked), counters, lag and inventory. */
    public List<Map<String, Object>> endpoints() {
        Instant now = clock.instant();
        return state.agents().stream().map(agent -> endpoint(agent, now)).toList();
    }

    /** One endpoint as {@link #endpoints()} shows it, read alone (the endpoint page asks for it every few seconds). */
    public java.util.Optional<Map<String, Object>> endpoint(String agentId) {
        return state.agent(agentId).map(agent -> endpoint(agent, clock.instant()));
    }

    /**
     * A page of the endpoints, ordered by host name: {@code text} (case-insensitive) is looked for in the agent id, host
     * name and inventory; {@code status} is online, offline, revoked, isolated or loss (some event loss reported), or
     * null for all. Only the page's endpoints are turned into answers.
     */
    public EndpointPage endpoints(String text, String status, int offset, int limit) {
        Instant now = clock.instant();
        String needle = text == null || text.isBlank() ? null : text.strip().toLowerCase(java.util.Locale.ROOT);
        List<StateStore.AgentRecord> matching = state.agents().stream()
                .filter(a -> needle == null || (a.agentId() + "\n" + a.hostName() + "\n" + a.inventoryJson()).toLowerCase(java.util.Locale.ROOT).contains(needle))
                .filter(a -> status == null || status.isBlank() || hasStatus(a, status, now))
                .toList();
        List<Map<String, Object>> page = matching.stream().skip(offset).limit(limit).map(a -> endpoint(a, now)).toList();
        return new EndpointPage(page, matching.size());
    }

    /** Endpoints of one page and how many matched in all. */
    public record EndpointPage(List<Map<String, Object>> endpoints, int total) {
    }

    private boolean hasStatus(StateStore.AgentRecord agent, String status, Instant now) {
        return switch (status) {
            case "online", "offline", "revoked" -> status.equals(status(agent, now));
            case "isolated" -> "isolated".equals(inventory(agent.inventoryJson()).get("isolation"));
            case "loss" -> inventory(agent.inventoryJson()).get("losses") instanceof Map<?, ?> losses
                    && losses.values().stream().anyMatch(v -> v instanceof Number n && n.longValue() > 0);
            default -> throw new IllegalArgumentException("status must be online, offline, revoked, isolated or loss, not " + status);
        };
    }

    private String status(StateStore.AgentRecord agent, Instant now) {
        return agent.revoked() != null ? "revoked"
                : agent.lastSeen() != null && Duration.between(agent.lastSeen(), now).compareTo(offlineAfter) <= 0 ? "online" : "offline";
    }

    private Map<String, Object> endpoint(StateStore.AgentRecord agent, Instant now) {
        Map<String, Object> row = new LinkedHashMap<>();
        Map<?, ?> inventory = inventory(agent.inventoryJson());
        row.put("agentId", agent.agentId());
        row.put("hostName", agent.hostName());
        row.put("group", agent.group());
        row.put("status", status(agent, now));
        row.put("enrolled", agent.enrolled().toString());
        row.put("revoked", agent.revoked() == null ? null : agent.revoked().toString());
        row.put("lastSeen", agent.lastSeen() == null ? null : agent.lastSeen().toString());
        row.put("eventsReceived", agent.eventsReceived());
        row.put("lastStoredSequence", agent.lastStoredSequence());
        Object recorded = inventory.get("lastRecordedSequence");
        long lastRecorded = recorded instanceof Number n ? n.longValue() : 0;
        row.put("lastRecordedSequence", lastRecorded);
        row.put("lag", Math.max(0, lastRecorded - agent.lastStoredSequence()));
        row.put("inventory", inventory);
        return row;
    }

    private static Map<?, ?> inventory(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            return Map.of("error", "unreadable inventory: " + e.getOriginalMessage());
        }
    }

    public StateStore state() {
        return state;
    }

    @Override
    public void close() {
        server.close();
    }
}
