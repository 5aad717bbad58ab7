package dev.kiroku.investigate.tracking;

import dev.kiroku.event.Event;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.investigate.history.EventHistory;
import dev.kiroku.investigate.history.ProcessRecord;
import dev.kiroku.investigate.history.QueryText;
import dev.kiroku.investigate.history.Window;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Links a connection from a process on one endpoint to the process on another endpoint that accepted it. The connect
 * names the destination address and port; the other endpoint recorded a socket listening on that port (bind, listen
 * or the socket inventory) and an accept by the same process within the clock slack of the connect.
 */
public final class CrossHostLinker {
    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "");
    private static final int MAX_LISTENERS = 200;

    private final EventHistory history;
    private final Duration slack;

    public CrossHostLinker(EventHistory history, Duration slack) {
        this.history = history;
        this.slack = slack;
    }

    /** The accepting process on another endpoint, when the record holds one. */
    public Optional<RemoteLink> acceptorOf(Connection connect) {
        if (!"connect".equals(connect.action()) || connect.remoteAddress() == null || connect.remotePort() <= 0) {
            return Optional.empty();
        }
        Map<String, Boolean> listeners = listeners(connect.remotePort(), connect.agentId(), connect.remoteAddress());
        if (listeners.isEmpty()) return Optional.empty();
        Window around = Window.around(connect.time(), slack, slack);
        List<Event> accepts = history.events("event.action:accept AND " + QueryText.anyOf("process.entity_id", listeners.keySet()),
                around, 200);
        return accepts.stream()
                .min(Comparator.<Event>comparingInt(e -> listeners.getOrDefault(entity(e), false) ? 0 : 1)
                        .thenComparing(e -> Duration.between(connect.time(), e.timestamp()).abs()))
                .flatMap(e -> history.process(entity(e)).map(p -> new RemoteLink(connect, p, e.timestamp(),
                        ((NetworkActivity) e.payload()).destinationIp())));
    }

    /**
     * The connecting process on another endpoint behind an accept: a connect to a port the acceptor listens on,
     * from another endpoint, within the slack.
     */
    public Optional<RemoteLink> connectorOf(Event accept) {
        if (!(accept.payload() instanceof NetworkActivity n) || n.action() != NetworkActivity.Action.ACCEPT || n.process() == null) {
            return Optional.empty();
        }
        List<Event> listening = history.events(QueryText.exact("process.entity_id", n.process().entityId())
                + " AND event.action:(listen OR bind OR listening_socket) AND source.port:>0", Window.ALL, 20);
        Window around = Window.around(accept.timestamp(), slack, slack);
        for (Event l : listening) {
            int port = ((NetworkActivity) l.payload()).sourcePort();
            List<Event> connects = history.events("event.action:connect AND destination.port:" + port + " AND NOT "
                    + QueryText.exact("agent.id", accept.agentId()), around, 100);
            Optional<Event> nearest = connects.stream().min(Comparator.comparing(e -> Duration.between(accept.timestamp(), e.timestamp()).abs()));
            if (nearest.isPresent()) {
                Connection c = Connection.of(nearest.get());
                ProcessRecord acceptor = history.process(n.process().entityId()).orElse(ProcessRecord.of(accept));
                return Optional.of(new RemoteLink(c, acceptor, accept.timestamp(), n.destinationIp()));
            }
        }
        return Optional.empty();
    }

    /** Processes on other endpoints listening on the port; true when bound to exactly the connect's address. */
    private Map<String, Boolean> listeners(int port, String exceptAgent, String address) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (Event e : history.events("event.action:(listen OR bind OR listening_socket) AND source.port:" + port
                + " AND NOT " + QueryText.exact("agent.id", exceptAgent), Window.ALL, MAX_LISTENERS)) {
            NetworkActivity n = (NetworkActivity) e.payload();
            if (n.process() == null || n.process().entityId() == null) continue;
            String bound = n.sourceIp() == null ? "" : n.sourceIp();
            if (bound.equals(address)) out.put(n.process().entityId(), true);
            else if (WILDCARDS.contains(bound)) out.putIfAbsent(n.process().entityId(), false);
        }
        return out;
    }

    private static String entity(Event e) {
        return ((NetworkActivity) e.payload()).process().entityId();
    }
}
