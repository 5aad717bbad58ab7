package dev.kiroku.fleet.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's fleet state: enrolment tokens (hashes only), agents and their certificates' serials,
 * inventory, commands with their per-agent outcomes, users, and an audit trail of who did what.
 * {@link JdbcStateStore} keeps it in embedded H2; PostgreSQL will follow behind the same seam.
 * Every method is safe to call from several threads.
 */
public interface StateStore extends AutoCloseable {

    /** An enrolment token; only the SHA-256 of its secret is kept. */
    record Token(String hash, String group, Instant created, Instant expires, String createdBy, long uses) {
        public boolean expiredAt(Instant now) {
            return !now.isBefore(expires);
        }
    }

    /**
     * An enrolled agent as the server sees it.
     *
     * @param lastStoredSequence the highest sequence of this agent the store acknowledged (0 = none)
     * @param inventoryJson      the latest heartbeat's inventory as JSON ("{}" before the first)
     */
    record AgentRecord(String agentId, String hostName, String group, String certificateSerial, Instant enrolled,
                       Instant revoked, Instant lastSeen, long eventsReceived, long lastStoredSequence, String inventoryJson) {
    }

    /** Whether a certificate serial may call. */
    enum CertificateState { ACTIVE, REVOKED, UNKNOWN }

    /** A command as issued; {@code target} is {@code agent:<id>}, {@code group:<name>} or {@code all}. */
    record Command(String id, String target, String type, Map<String, String> parameters, String issuedBy,
                   Instant issued, Instant expires) {
        public Command {
            parameters = Map.copyOf(parameters);
        }
    }

    /** One agent's copy of a command: pending, delivered, succeeded, failed or expired. */
    record Delivery(Command command, String agentId, String state, Instant delivered, Instant finished, String output) {
    }

    record User(String name, String role, String passwordHash) {
    }

    record AuditEntry(long id, Instant at, String actor, String action, String detail) {
    }

    void createToken(Token token);

    Optional<Token> token(String hash);

    /** Counts one successful enrolment with the token. */
    void tokenUsed(String hash);

    /**
     * Records a newly enrolled agent and its certificate serial.
     *
     * @throws IllegalStateException when the agent id is already enrolled (active or revoked)
     */
    void enrol(String agentId, String hostName, String group, String certificateSerial, Instant now);

    Optional<AgentRecord> agent(String agentId);

    List<AgentRecord> agents();

    /** ACTIVE only for the serial issued to {@code agentId} and not revoked. */
    CertificateState certificate(String serial, String agentId);

    /** Refuses the agent's certificate from now on; false when no such agent. */
    boolean revoke(String agentId, Instant now);

    /** Counts a stored batch. */
    void delivered(String agentId, long events, long highestSequence, Instant now);

    /** What an agent's stored batches added up to since the counters were last written. */
    record Deliveries(String agentId, long events, long highestSequence, Instant lastSeen) {
    }

    /** Counts the batches of many agents at once (one transaction where the store can). */
    default void delivered(java.util.Collection<Deliveries> tallies) {
        for (Deliveries d : tallies) delivered(d.agentId(), d.events(), d.highestSequence(), d.lastSeen());
    }

    void heartbeat(String agentId, String inventoryJson, Instant now);

    /**
     * Records a command and one pending delivery per targeted agent (agents enrolled now).
     *
     * @return the agent ids the command was addressed to
     */
    List<String> issue(Command command);

    /** Pending, unexpired commands for the agent, marked delivered; expired ones are marked expired. */
    List<Command> takePending(String agentId, Instant now);

    /**
     * {@link #takePending(String, Instant)} for several agents at once (one pass over the store, for a command issued to
     * many agents): agent id → its pending commands, oldest first; agents with none are left out.
     */
    default Map<String, List<Command>> takePending(java.util.Collection<String> agentIds, Instant now) {
        Map<String, List<Command>> out = new java.util.LinkedHashMap<>();
        for (String agentId : agentIds) {
            List<Command> pending = takePending(agentId, now);
            if (!pending.isEmpty()) out.put(agentId, pending);
        }
        return out;
    }

    /** Puts a delivered command back to pending for the agent (its delivery was lost on the way). */
    void redeliver(String commandId, String agentId);

    /** Records an agent's result; false when the agent was not sent this command. */
    boolean result(String commandId, String agentId, boolean success, String output, Instant now);

    /** Records a delivered command's progress as its output so far; false when it is not running on that agent. */
    boolean progress(String commandId, String agentId, String output);

    /** Deliveries of one command, or of all commands newest first when {@code commandId} is null. */
    List<Delivery> deliveries(String commandId, int limit);

    /**
     * The deliveries of these commands that have an outcome (succeeded, failed or expired), in one query: periodic
     * jobs that wait for the results of many per-agent commands ask once, not once per agent.
     */
    List<Delivery> finishedDeliveries(java.util.Collection<String> commandIds);

    /** Stores a server setting changed at run time (name → text), replacing its earlier value. */
    void putSetting(String name, String value);

    /** A server setting changed at run time; empty when it was never set. */
    Optional<String> setting(String name);

    void putUser(User user);

    Optional<User> user(String name);

    long userCount();

    void audit(String actor, String action, String detail, Instant now);

    List<AuditEntry> auditTrail(int limit);

    /**
     * What failed when the database's last use failed and nothing has worked since (the operation, the error, when),
     * e.g. after the database closed itself; empty while it works.
     */
    default Optional<String> problem() {
        return Optional.empty();
    }

    @Override
    void close();
}
