package dev.kiroku.investigate.workflow;

import dev.kiroku.event.Event;
import dev.kiroku.investigate.history.EventHistory;
import dev.kiroku.investigate.history.ProcessIndex;
import dev.kiroku.investigate.history.ProcessRecord;
import dev.kiroku.investigate.history.QueryText;
import dev.kiroku.investigate.history.Window;
import dev.kiroku.investigate.inventory.FileInventory;
import dev.kiroku.investigate.inventory.InventoryEntry;
import dev.kiroku.investigate.tracking.Connection;
import dev.kiroku.investigate.tracking.CrossHostLinker;
import dev.kiroku.investigate.tracking.FileOrigin;
import dev.kiroku.investigate.tracking.Impact;
import dev.kiroku.investigate.tracking.ImpactTracker;
import dev.kiroku.investigate.tracking.ProcessRoles;
import dev.kiroku.investigate.tracking.RootCause;
import dev.kiroku.investigate.tracking.RootCauseTracker;
import dev.kiroku.investigate.tracking.TrackingLimits;
import dev.kiroku.store.EventStore;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The clue-to-closure workflow as one service: from an address, domain, hash, file name or alert to (1) who touched
 * it, (2) how it got there, (3) who else has it and (4) what it did. Every step answers in a sentence, also when
 * nothing matched.
 */
public final class Investigator {
    /** The longest window one investigation may cover. */
    public static final Duration MAX_WINDOW = Duration.ofDays(400);
    private static final int MAX_CONTACT_EVENTS = 5_000;

    private final EventHistory history;
    private final RootCauseTracker rootCause;
    private final ImpactTracker impact;
    private final ScopeFinder scope;
    private final FileInventory inventory;
    private final TrackingLimits limits;
    private final int maxChains;

    public Investigator(EventHistory history, FileInventory inventory, TrackingLimits limits, int maxChains) {
        this.history = history;
        CrossHostLinker linker = new CrossHostLinker(history, limits.linkSlack());
        this.rootCause = new RootCauseTracker(history, linker);
        this.impact = new ImpactTracker(history, linker);
        this.scope = new ScopeFinder(history, inventory);
        this.inventory = inventory;
        this.limits = limits;
        this.maxChains = maxChains;
    }

    public static Investigator over(EventStore store, FileInventory inventory, InstantSource clock) {
        return over(store, null, inventory, clock);
    }

    /** @param processes the process record index beside the store; null for the store alone */
    public static Investigator over(EventStore store, ProcessIndex processes, FileInventory inventory, InstantSource clock) {
        return new Investigator(new EventHistory(store, clock, processes), inventory, TrackingLimits.defaults(), 10);
    }

    public EventHistory history() {
        return history;
    }

    public RootCauseTracker rootCause() {
        return rootCause;
    }

    public ImpactTracker impact() {
        return impact;
    }

    public ScopeFinder scope() {
        return scope;
    }

    public TrackingLimits limits() {
        return limits;
    }

    public Investigation investigate(Clue clue, Window window) {
        window.requireAtMost(MAX_WINDOW);
        List<String> answers = new ArrayList<>();
        List<String> cuts = new ArrayList<>();
        List<Contact> contacts = switch (clue) {
            case Clue.Address a -> addressContacts(a, window);
            case Clue.Domain d -> domainContacts(d, window);
            case Clue.Hash h -> runners(QueryText.exact("process.hash.sha256", h.sha256()), window, "ran", null);
            case Clue.File f -> fileContacts(f, window);
            case Clue.Alert a -> alertContacts(a.alert());
        };
        answers.add(step1(clue, window, contacts));
        if (contacts.size() >= MAX_CONTACT_EVENTS) cuts.add("step 1 read the newest " + MAX_CONTACT_EVENTS + " matching events");

        // 2. How it got there.
        List<RootCause> chains = new ArrayList<>();
        Set<String> traced = new LinkedHashSet<>();
        for (Contact c : contacts) {
            if (c.processEntityId() == null || !traced.add(c.processEntityId())) continue;
            if (chains.size() == maxChains) {
                cuts.add("chains traced for the first " + maxChains + " of " + contacts.size() + " processes");
                break;
            }
            history.process(c.processEntityId()).ifPresent(p -> chains.add(rootCause.trace(p.entityId(), limits)));
        }
        for (RootCause rc : chains) for (String cut : rc.cuts()) if (!cuts.contains(cut)) cuts.add(cut);
        answers.add(step2(chains));

        // 3. Who else has it.
        List<ArtifactScope> scopes = new ArrayList<>();
        for (Artifact artifact : artifacts(clue, chains)) {
            scopes.add(artifact.sha256() != null ? scope.byHash(artifact.sha256(), artifact.path(), window)
                    : scope.byName(artifact.path() != null ? artifact.path() : artifact.name(), window));
            // Copies elsewhere may sit at other paths and, for scripts (which carry no hash of their own), be known
            // only by name: look for the name too.
            if ((artifact.sha256() != null || artifact.path() != null) && artifact.name() != null) {
                ArtifactScope byName = scope.byName(artifact.name(), window);
                if (!byName.endpoints().isEmpty()) scopes.add(byName);
            }
        }
        answers.add(step3(scopes));

        // 4. What it did.
        List<Impact> impacts = new ArrayList<>();
        Set<String> roots = new LinkedHashSet<>();
        for (RootCause rc : chains) roots.add(rc.causalRoot().entityId());
        for (String root : roots) {
            if (impacts.size() == 3) {
                cuts.add("impact followed for the first 3 of " + roots.size() + " causal roots");
                break;
            }
            Impact i = impact.trace(root, limits);
            impacts.add(i);
            for (String cut : i.cuts()) if (!cuts.contains(cut)) cuts.add(cut);
        }
        answers.add(step4(impacts));
        return new Investigation(clue.kind(), clue.value(), window.describe(), history.now(), answers, contacts, chains, scopes, impacts, cuts);
    }

    private List<Contact> addressContacts(Clue.Address a, Window window) {
        String q = "destination.ip:" + a.ip() + (a.port() > 0 ? " AND destination.port:" + a.port() : "")
                + " AND event.action:(connect OR accept OR established_socket)";
        Map<String, ContactBuilder> byProcess = new LinkedHashMap<>();
        for (Event e : history.events(q, window, MAX_CONTACT_EVENTS)) {
            Connection c = Connection.of(e);
            ProcessRecord p = ProcessRecord.of(e);
            if (c == null || p == null) continue;
            String relation = "accept".equals(c.action()) ? "accepted a connection from" : "connected to";
            byProcess.computeIfAbsent(p.entityId() + relation, k -> new ContactBuilder(history.process(p.entityId()).orElse(p), relation))
                    .add(e.timestamp(), c.remote());
        }
        return byProcess.values().stream().map(ContactBuilder::build).toList();
    }

    private List<Contact> domainContacts(Clue.Domain d, Window window) {
        // The sensor records no DNS: a domain is found in the command lines that named it; their connections show where it resolved.
        Map<String, ContactBuilder> byProcess = new LinkedHashMap<>();
        for (Event e : history.events("process.command_line:" + QueryText.quoted(d.name()) + " AND event.action:exec", window,
                MAX_CONTACT_EVENTS)) {
            ProcessRecord p = ProcessRecord.of(e);
            if (p == null || !p.commandLine().toLowerCase(Locale.ROOT).contains(d.name())) continue;
            ContactBuilder b = byProcess.computeIfAbsent(p.entityId(), k -> new ContactBuilder(p, "named it in its command line"));
            b.add(e.timestamp(), null);
            for (Event c : history.connectionsBy(p.entityId(), Window.ALL, 20)) b.add(c.timestamp(), Connection.of(c).remote());
        }
        return byProcess.values().stream().map(ContactBuilder::build).toList();
    }

    private List<Contact> runners(String match, Window window, String relation, java.util.function.Predicate<ProcessRecord> filter) {
        Map<String, ContactBuilder> byProcess = new LinkedHashMap<>();
        for (Event e : history.events("(" + match + ") AND event.action:(exec OR already_running)", window, MAX_CONTACT_EVENTS)) {
            ProcessRecord p = ProcessRecord.of(e);
            if (p == null || filter != null && !filter.test(p)) continue;
            ContactBuilder b = byProcess.computeIfAbsent(p.entityId(), k -> new ContactBuilder(p, relation));
            b.add(e.timestamp(), null);
        }
        for (ContactBuilder b : byProcess.values()) {
            for (Event c : history.connectionsBy(b.process.entityId(), window, 20)) b.add(c.timestamp(), Connection.of(c).remote());
        }
        return byProcess.values().stream().map(ContactBuilder::build).toList();
    }

    private List<Contact> fileContacts(Clue.File f, Window window) {
        String name = f.name();
        String match = f.isPath() ? QueryText.exactPath("process.executable", f.value()) + " OR process.args:" + QueryText.quoted(f.value())
                : QueryText.exact("process.name", name) + " OR process.args:" + QueryText.quoted(name);
        List<Contact> out = new ArrayList<>(runners(match, window, "ran", p -> {
            String script = ProcessRoles.script(p).orElse("");
            return f.isPath() ? f.value().equals(p.executable()) || f.value().equals(script)
                    : name.equals(p.name()) || script.endsWith("/" + name) || script.equals(name);
        }));
        String writes = (f.isPath() ? QueryText.exactPath("file.path", f.value()) : QueryText.exact("file.name", name))
                + " AND event.action:(creation OR modification OR rename)";
        Map<String, ContactBuilder> writers = new LinkedHashMap<>();
        for (Event e : history.events(writes, window, MAX_CONTACT_EVENTS)) {
            ProcessRecord p = ProcessRecord.of(e);
            if (p == null) continue;
            writers.computeIfAbsent(p.entityId(), k -> new ContactBuilder(history.process(p.entityId()).orElse(p), "wrote it"))
                    .add(e.timestamp(), null);
        }
        writers.values().forEach(b -> out.add(b.build()));
        return out;
    }

    private List<Contact> alertContacts(AlertRef alert) {
        return history.process(alert.processEntityId())
                .map(p -> List.of(new ContactBuilder(p, "alerted on (" + alert.ruleId() + ")").add(alert.time(), null).build()))
                .orElse(List.of());
    }

    private record Artifact(String name, String path, String sha256) {
    }

    /** The files to scope: the clue itself when it is a file or hash, and every file in the chains written within the record. */
    private List<Artifact> artifacts(Clue clue, List<RootCause> chains) {
        Map<String, Artifact> out = new LinkedHashMap<>();
        switch (clue) {
            case Clue.Hash h -> out.put(h.sha256(), new Artifact(null, null, h.sha256()));
            case Clue.File f -> out.put(f.value(), new Artifact(f.name(), f.isPath() ? f.value() : null, null));
            default -> {
            }
        }
        for (RootCause rc : chains) {
            for (FileOrigin o : rc.writtenFiles()) {
                String sha = o.sha256() != null ? o.sha256() : inventoryHash(rc, o.path());
                String name = o.path().substring(o.path().lastIndexOf('/') + 1);
                out.putIfAbsent(sha != null ? sha : o.path(), new Artifact(name, o.path(), sha));
            }
        }
        if (out.isEmpty()) {
            for (RootCause rc : chains) {
                ProcessRecord s = rc.subject();
                if (s.sha256() != null && s.executable() != null && !systemPath(s.executable())) {
                    out.putIfAbsent(s.sha256(), new Artifact(s.name(), s.executable(), s.sha256()));
                }
            }
        }
        return List.copyOf(out.values());
    }

    /** A script's hash: the agent hashes only executables, the inventory scanner hashes scripts too. */
    private String inventoryHash(RootCause rc, String path) {
        if (inventory == null) return null;
        return inventory.byPath(rc.subject().agentId(), path).stream().map(InventoryEntry::sha256).filter(s -> !s.isEmpty())
                .findFirst().orElse(null);
    }

    private static boolean systemPath(String path) {
        return path.startsWith("/usr/") || path.startsWith("/bin/") || path.startsWith("/sbin/") || path.startsWith("/lib");
    }

    private static String step1(Clue clue, Window window, List<Contact> contacts) {
        String what = switch (clue) {
            case Clue.Address a -> "contacted " + a.value();
            case Clue.Domain d -> "named " + d.name() + " (matched in command lines; DNS is not recorded)";
            case Clue.Hash h -> "ran " + h.sha256();
            case Clue.File f -> "ran or wrote " + f.value();
            case Clue.Alert a -> "is known for alert " + a.value();
        };
        if (contacts.isEmpty()) {
            if (clue instanceof Clue.Alert a) {
                return "1. The alert's process " + a.alert().processEntityId() + " is not in the record (unknown entity id, or older than the retention window).";
            }
            return "1. No endpoint " + what + " " + window.describe() + ".";
        }
        Set<String> hosts = new LinkedHashSet<>();
        for (Contact c : contacts) hosts.add(c.hostName().isEmpty() ? c.agentId() : c.hostName());
        return "1. " + contacts.size() + " process" + (contacts.size() == 1 ? "" : "es") + " on " + hosts.size() + " endpoint"
                + (hosts.size() == 1 ? "" : "s") + " (" + String.join(", ", hosts) + ") " + what + ".";
    }

    private static String step2(List<RootCause> chains) {
        if (chains.isEmpty()) return "2. No chain to trace.";
        List<String> parts = new ArrayList<>();
        for (RootCause rc : chains) {
            List<FileOrigin> written = rc.writtenFiles();
            String origin = written.isEmpty() ? "every file it ran predates the record"
                    : written.stream().map(Investigator::origin).reduce((a, b) -> a + "; " + b).orElse("");
            parts.add(rc.subject().describe() + ": " + rc.chain().size() + " processes up to " + rc.boundary() + ", " + origin);
        }
        return "2. " + String.join(" | ", parts) + ".";
    }

    private static String origin(FileOrigin o) {
        FileOrigin.Write w = o.writer();
        String from = w.download().isEmpty() ? "" : " after connecting to " + w.download().getLast().remote();
        return o.path() + " was written by " + w.process().describe() + " at " + w.time() + from;
    }

    private static String step3(List<ArtifactScope> scopes) {
        if (scopes.isEmpty()) return "3. No dropped or downloaded file to look for elsewhere.";
        List<String> parts = new ArrayList<>();
        for (ArtifactScope s : scopes) {
            String label = s.path() != null ? s.path() : s.name() != null ? s.name() : s.sha256();
            if (s.endpoints().isEmpty()) {
                parts.add("no endpoint has " + label);
                continue;
            }
            Map<Presence.State, Integer> counts = new LinkedHashMap<>();
            for (Presence p : s.endpoints()) counts.merge(p.state(), 1, Integer::sum);
            parts.add(label + " (by " + (s.sha256() != null ? "hash" : "name") + ") is on " + s.endpoints().size() + " endpoint"
                    + (s.endpoints().size() == 1 ? "" : "s") + ": " + counts.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' ')).reduce((a, b) -> a + ", " + b).orElse(""));
        }
        return "3. " + String.join("; ", parts) + ".";
    }

    private static String step4(List<Impact> impacts) {
        if (impacts.isEmpty()) return "4. Nothing to follow forward.";
        List<String> parts = new ArrayList<>();
        for (Impact i : impacts) {
            parts.add(i.root().describe() + " led to " + (i.processes().size() - 1) + " descendant processes, " + i.files().size()
                    + " file changes (" + i.persistence().size() + " persistence), " + i.connections().size() + " connections"
                    + (i.lateral().isEmpty() ? "" : ", " + i.lateral().size() + " into other endpoints"));
        }
        return "4. " + String.join(" | ", parts) + ".";
    }

    private static final class ContactBuilder {
        final ProcessRecord process;
        final String relation;
        final Set<String> remotes = new LinkedHashSet<>();
        Instant first;
        Instant last;
        long count;

        ContactBuilder(ProcessRecord process, String relation) {
            this.process = process;
            this.relation = relation;
        }

        ContactBuilder add(Instant t, String remote) {
            count++;
            if (remote != null) remotes.add(remote);
            if (first == null || t.isBefore(first)) first = t;
            if (last == null || t.isAfter(last)) last = t;
            return this;
        }

        Contact build() {
            return new Contact(process.agentId(), process.hostName(), process.entityId(), process.pid(), process.executable(),
                    process.commandLine(), relation, List.copyOf(remotes), first, last, count);
        }
    }
}
