package dev.kiroku.investigate.incident;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.event.UserActivity;
import dev.kiroku.investigate.history.EventHistory;
import dev.kiroku.investigate.history.FileActions;
import dev.kiroku.investigate.history.ProcessRecord;
import dev.kiroku.investigate.history.QueryText;
import dev.kiroku.investigate.history.Window;
import dev.kiroku.investigate.inventory.FileInventory;
import dev.kiroku.investigate.tracking.ChainLink;
import dev.kiroku.investigate.tracking.FileEffect;
import dev.kiroku.investigate.tracking.FileOrigin;
import dev.kiroku.investigate.tracking.Impact;
import dev.kiroku.investigate.tracking.ProcessRoles;
import dev.kiroku.investigate.tracking.RemoteLink;
import dev.kiroku.investigate.tracking.RootCause;
import dev.kiroku.investigate.workflow.AlertRef;
import dev.kiroku.investigate.workflow.ArtifactScope;
import dev.kiroku.investigate.workflow.Investigator;
import dev.kiroku.investigate.workflow.Presence;
import dev.kiroku.investigate.workflow.TextReport;
import dev.kiroku.store.TermCount;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Incidents from alerts to closure. An alert joins the open incident that shares a process of its provenance
 * (the alert's process up to its causal root, and the writers of the files that chain ran); otherwise it opens a new
 * one. Timeline, indicators and the closure report are computed from the record when asked.
 */
public final class Incidents {
    private static final int TIMELINE_LIMIT = 2_000;
    /** How soon after an accept the acceptor's child counts as the session it opened. */
    private static final java.time.Duration SESSION_START = java.time.Duration.ofSeconds(5);
    private static final Pattern URL_HOST = Pattern.compile("(?i)\\b(?:https?|ftp)://([a-z0-9.-]+\\.[a-z]{2,})");

    private final IncidentRepository repository;
    private final Investigator investigator;
    private final FileInventory inventory;

    /** @param inventory null when there is none (checked endpoints then come from the record only) */
    public Incidents(IncidentRepository repository, Investigator investigator, FileInventory inventory) {
        this.repository = repository;
        this.investigator = investigator;
        this.inventory = inventory;
    }

    public IncidentRepository repository() {
        return repository;
    }

    /** Files an alert: into the open incident sharing its provenance, or a new one. Returns the incident. */
    public Incident raise(AlertRef alert) {
        Set<String> processes = new LinkedHashSet<>();
        Set<String> roots = new LinkedHashSet<>();
        if (alert.processEntityId() != null && !alert.processEntityId().isBlank()) {
            processes.add(alert.processEntityId());
            if (history().process(alert.processEntityId()).isPresent()) {
                RootCause rc = investigator.rootCause().trace(alert.processEntityId(), investigator.limits());
                processes.addAll(provenance(rc));
                roots.add(rc.causalRoot().entityId());
            }
        }
        Optional<Long> open = repository.openIncidentSharing(processes);
        if (open.isPresent()) {
            repository.addAlert(open.get(), alert, processes, roots);
            return repository.get(open.get());
        }
        String title = (alert.ruleTitle() == null || alert.ruleTitle().isBlank() ? alert.ruleId() : alert.ruleTitle())
                + " on " + (alert.hostName() == null || alert.hostName().isBlank() ? alert.agentId() : alert.hostName());
        return repository.get(repository.create(title, alert, processes, roots));
    }

    /**
     * The processes an alert's chain shares with others: subject up to the causal root, the writers of files it ran,
     * and the process that launched the causal root unless that is a session boundary (init, sshd, cron, a service).
     * The launcher is what ties a dropped file's alerts to those of the shell that fetched and started it: an alert on
     * that shell has the shell itself as causal root (no file it ran was written within the record).
     */
    static Set<String> provenance(RootCause rc) {
        Set<String> ids = new LinkedHashSet<>();
        String root = rc.causalRoot().entityId();
        List<ChainLink> chain = rc.chain();
        for (int i = 0; i < chain.size(); i++) {
            ChainLink link = chain.get(i);
            ids.add(link.process().entityId());
            for (FileOrigin o : link.origins()) if (o.written()) ids.add(o.writer().process().entityId());
            if (link.process().entityId().equals(root)) {
                if (i + 1 < chain.size() && ProcessRoles.boundary(chain.get(i + 1).process()).isEmpty()) {
                    ids.add(chain.get(i + 1).process().entityId());
                }
                break;
            }
        }
        return ids;
    }

    /** Events of the incident's processes and of everything their causal roots led to, oldest first, across endpoints. */
    public List<TimelineEntry> timeline(long id) {
        Incident incident = repository.get(id);
        Set<String> processes = involved(incident);
        List<TimelineEntry> out = new ArrayList<>();
        List<String> ids = new ArrayList<>(processes);
        for (int i = 0; i < ids.size(); i += 200) {
            for (Event e : history().eventsOf(ids.subList(i, Math.min(ids.size(), i + 200)), Window.ALL, TIMELINE_LIMIT)) {
                out.add(entry(e));
            }
        }
        out.sort(java.util.Comparator.comparing(TimelineEntry::time));
        return out.size() > TIMELINE_LIMIT ? out.subList(0, TIMELINE_LIMIT) : out;
    }

    private Set<String> involved(Incident incident) {
        Set<String> processes = new LinkedHashSet<>(incident.processes());
        for (String root : incident.causalRoots()) {
            if (history().process(root).isEmpty()) continue;
            Impact impact = investigator.impact().trace(root, investigator.limits());
            for (Impact.Descendant d : impact.processes()) processes.add(d.process().entityId());
            for (RemoteLink link : impact.lateral()) processes.addAll(sessionsOpenedBy(link));
        }
        return processes;
    }

    /**
     * On the other endpoint of a lateral connection: the processes the acceptor started right after the accept (an sshd
     * session, a forked handler) and what they led to.
     */
    private Set<String> sessionsOpenedBy(RemoteLink link) {
        Set<String> out = new LinkedHashSet<>();
        Window after = new Window(link.acceptedAt().minus(SESSION_START), link.acceptedAt().plus(SESSION_START));
        for (ProcessRecord session : history().children(link.acceptor().entityId(), after, 5)) {
            for (Impact.Descendant d : investigator.impact().trace(session.entityId(), investigator.limits()).processes()) {
                out.add(d.process().entityId());
            }
        }
        return out;
    }

    private static TimelineEntry entry(Event e) {
        ProcessRecord p = ProcessRecord.of(e);
        String summary = switch (e.payload()) {
            case ProcessStart s -> (s.snapshot() ? "running: " : "exec: ") + s.process().commandLine();
            case ProcessExit x -> "exit " + x.exitCode() + (x.signal() != 0 ? " signal " + x.signal() : "");
            case FileChange f -> FileActions.ecs(f.action()) + " " + f.path()
                    + (f.oldPath() != null ? " (from " + f.oldPath() + ")" : "");
            case NetworkActivity n -> n.action().name().toLowerCase(java.util.Locale.ROOT) + " "
                    + (n.destinationIp() != null ? n.destinationIp() + ":" + n.destinationPort() : n.sourceIp() + ":" + n.sourcePort());
            case UserActivity u -> u.action().name().toLowerCase(java.util.Locale.ROOT) + " " + u.userName();
            case dev.kiroku.event.LossReport l -> "events lost";
            case dev.kiroku.event.ExecutionBlocked b -> "blocked " + (b.attempt() == null ? "" : b.attempt().name().toLowerCase(java.util.Locale.ROOT) + " of ") + b.path();
            case dev.kiroku.event.YaraDetection y -> "YARA rule " + y.rule() + " matched " + y.path() + (y.blocked() ? " (execution refused)" : "");
        };
        String action = e.toEcs().getOrDefault("event.action", "").toString();
        return new TimelineEntry(e.timestamp(), e.agentId(), e.hostName(), p == null ? null : p.entityId(), p == null ? null : p.name(),
                action, summary);
    }

    /** Hashes, addresses, domains and paths the incident's processes show, ready for the indicator store. */
    public IndicatorExport indicators(long id) {
        Incident incident = repository.get(id);
        Map<String, Indicator> out = new LinkedHashMap<>();
        for (String root : incident.causalRoots()) {
            if (history().process(root).isEmpty()) continue;
            RootCause rc = investigator.rootCause().trace(root, investigator.limits());
            for (FileOrigin o : rc.writtenFiles()) {
                String by = " written by " + o.writer().process().describe();
                put(out, "path", o.path(), o.role() + by);
                if (o.sha256() != null) put(out, "sha256", o.sha256(), o.path());
                if (inventory != null) {
                    inventory.byPath(o.writer().process().agentId(), o.path()).stream().filter(x -> !x.sha256().isEmpty())
                            .forEach(x -> put(out, "sha256", x.sha256(), o.path()));
                }
                o.writer().download().forEach(c -> put(out, "ip", c.remoteAddress(), "download origin of " + o.path()));
                domains(o.writer().process().commandLine()).forEach(d -> put(out, "domain", d, "named by " + o.writer().process().describe()));
            }
            Impact impact = investigator.impact().trace(root, investigator.limits());
            for (FileEffect f : impact.files()) {
                if (f.persistence() != null) put(out, "path", f.path(), "persistence (" + f.persistence() + ")");
            }
            impact.connections().forEach(c -> put(out, "ip", c.remoteAddress(), c.action() + " by a process of the incident"));
            for (Impact.Descendant d : impact.processes()) {
                domains(d.process().commandLine()).forEach(x -> put(out, "domain", x, "named by " + d.process().describe()));
            }
        }
        for (AlertRef alert : incident.alerts()) {
            for (Map<String, Object> event : alert.events()) {
                for (String field : List.of("destination.domain", "url.domain", "dns.question.name")) {
                    Object v = event.get(field);
                    if (v != null) put(out, "domain", v.toString(), "alert " + alert.ruleId());
                }
            }
        }
        return new IndicatorExport(id, "kiroku incident " + id, history().now(), List.copyOf(out.values()));
    }

    private static void put(Map<String, Indicator> out, String type, String value, String context) {
        if (value == null || value.isBlank()) return;
        out.putIfAbsent(type + ":" + value, new Indicator(type, value, context));
    }

    private static List<String> domains(String commandLine) {
        List<String> out = new ArrayList<>();
        Matcher m = URL_HOST.matcher(commandLine);
        while (m.find()) out.add(m.group(1).toLowerCase(java.util.Locale.ROOT));
        return out;
    }

    /**
     * Closes the incident: root cause and scope must be stated.
     *
     * @throws IllegalArgumentException naming what is missing
     */
    public ClosureReport close(long id, String rootCause, String scope) {
        List<String> missing = new ArrayList<>();
        if (rootCause == null || rootCause.isBlank()) missing.add("a root cause");
        if (scope == null || scope.isBlank()) missing.add("a scope");
        if (!missing.isEmpty()) throw new IllegalArgumentException("closing incident " + id + " needs " + String.join(" and ", missing));
        Incident incident = repository.get(id);
        if (incident.status() == IncidentStatus.CLOSED) throw new IncidentClosedException(id);
        repository.close(id, rootCause.strip(), scope.strip());
        return report(id);
    }

    /** The closure report as of now (a draft until the incident is closed). */
    public ClosureReport report(long id) {
        Incident incident = repository.get(id);
        List<String> chainLines = new ArrayList<>();
        List<ArtifactScope> artifacts = new ArrayList<>();
        List<String> risks = new ArrayList<>();
        for (String root : incident.causalRoots()) {
            if (history().process(root).isEmpty()) continue;
            RootCause rc = investigator.rootCause().trace(root, investigator.limits());
            for (FileOrigin o : rc.writtenFiles()) {
                String sha = o.sha256();
                if (sha == null && inventory != null) {
                    sha = inventory.byPath(o.writer().process().agentId(), o.path()).stream().map(x -> x.sha256())
                            .filter(x -> !x.isEmpty()).findFirst().orElse(null);
                }
                artifacts.add(sha != null ? investigator.scope().byHash(sha, o.path(), Window.ALL)
                        : investigator.scope().byName(o.path().substring(o.path().lastIndexOf('/') + 1), Window.ALL));
            }
            for (FileEffect f : investigator.impact().trace(root, investigator.limits()).persistence()) {
                risks.add("persistence " + f.persistence() + " written at " + f.path() + " on " + f.agentId()
                        + " — confirm it was removed");
            }
        }
        // The chain behind the first alert that the record knows, from the alert's process to its session.
        for (AlertRef alert : incident.alerts()) {
            if (alert.processEntityId() == null || history().process(alert.processEntityId()).isEmpty()) continue;
            chainLines.addAll(TextReport.chainLines(investigator.rootCause().trace(alert.processEntityId(), investigator.limits())));
            break;
        }
        List<TimelineEntry> timeline = timeline(id);
        Set<String> affected = new TreeSet<>();
        timeline.forEach(t -> affected.add(t.hostName() == null || t.hostName().isEmpty() ? t.agentId() : t.hostName()));
        for (ArtifactScope a : artifacts) {
            for (Presence p : a.endpoints()) {
                String where = p.hostName() == null || p.hostName().isEmpty() ? p.agentId() : p.hostName();
                if (p.state() == Presence.State.DORMANT) {
                    risks.add("dormant copy of " + (a.path() != null ? a.path() : a.name()) + " on " + where + " at " + String.join(", ", p.paths()));
                } else {
                    affected.add(where);
                }
            }
        }
        Set<String> checked = new TreeSet<>(checkedEndpoints());
        for (String agent : agentsOf(timeline)) {
            long lost = history().count(QueryText.exact("agent.id", agent) + " AND event.action:events_lost", Window.ALL);
            if (lost > 0) risks.add(agent + " reported event loss " + lost + " time(s); the record may miss part of the incident");
        }
        String summary = incident.alerts().size() + " alert(s) sharing " + incident.causalRoots().size() + " causal root(s) on "
                + affected.size() + " endpoint(s); " + timeline.size() + " events in the timeline; "
                + artifacts.stream().mapToLong(a -> a.endpoints().size()).sum() + " endpoint sighting(s) of the dropped files.";
        return new ClosureReport(id, incident.title(), incident.status(), incident.assignee(), incident.created(), incident.closed(),
                summary, incident.rootCause(), incident.scope(), chainLines, timeline, List.copyOf(affected), List.copyOf(checked),
                artifacts, indicators(id).indicators(), incident.actions(), incident.notes(), risks, history().now());
    }

    private List<String> checkedEndpoints() {
        Set<String> out = new TreeSet<>();
        for (TermCount t : history().terms("", Window.ALL, "agent.id", 10_000)) out.add(t.value());
        if (inventory != null) out.addAll(inventory.agents());
        return List.copyOf(out);
    }

    private static Collection<String> agentsOf(List<TimelineEntry> timeline) {
        Set<String> out = new LinkedHashSet<>();
        timeline.forEach(t -> out.add(t.agentId()));
        return out;
    }

    /** @throws NoSuchElementException for an unknown id */
    public Incident get(long id) {
        return repository.get(id);
    }

    private EventHistory history() {
        return investigator.history();
    }
}
