package dev.kiroku.sandbox.detonate;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.sandbox.Reason;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** What a detonation showed, gathered from the sensor's events, the scratch layer, the sink and the cgroup, and the reasons it scores. */
record Evidence(List<DetonationReport.ProcessNode> processes, List<FileWritten> files, List<String> fileEvents,
                List<DetonationReport.ConnectionAttempt> connections, List<String> dns, List<String> persistence,
                List<BehaviourRules.Hit> rules, List<Reason> reasons) {

    /** Where Linux malware makes itself start again. */
    static final Pattern PERSISTENCE_PATH = Pattern.compile(
            "^/etc/cron|^/var/spool/cron|^/etc/systemd/|^/(usr/)?lib/systemd/|/\\.config/systemd/|^/etc/rc\\.local|^/etc/init\\.d/"
                    + "|/\\.bashrc$|/\\.bash_profile$|/\\.profile$|/\\.ssh/authorized_keys|^/etc/ld\\.so\\.preload|^/etc/profile\\.d/|/autostart/");
    private static final Pattern PERSISTENCE_COMMAND = Pattern.compile("^(crontab|systemctl|update-rc\\.d|chkconfig)$");

    static Evidence collect(List<Event> events, List<FileWritten> files, ConnectionSink sink, List<BehaviourRules.Hit> hits,
                            SandboxCgroup.Usage usage, SandboxRun.Outcome outcome, Limits limits) {
        List<Reason> reasons = new ArrayList<>();
        List<DetonationReport.ProcessNode> tree = tree(events);
        List<String> fileEvents = new ArrayList<>();
        for (Event e : events) {
            if (e.payload() instanceof FileChange f && fileEvents.size() < 500 && !f.path().startsWith("/" + ScratchLayer.KIROKU_DIR + "/"))
                fileEvents.add(f.action().name().toLowerCase() + " " + f.path() + " by " + f.process().name() + " (pid " + f.process().pid() + ")");
        }

        List<DetonationReport.ConnectionAttempt> connections = new ArrayList<>();
        for (ConnectionSink.Connection c : sink.connections())
            connections.add(new DetonationReport.ConnectionAttempt("sink", c.destinationIp(), c.destinationPort(), c.firstBytes()));
        for (Event e : events) {
            if (e.payload() instanceof NetworkActivity n && n.action() == NetworkActivity.Action.CONNECT && n.destinationIp() != null
                    && !(SinkNetwork.SINK_ADDRESS.equals(n.destinationIp()) && n.destinationPort() == 53))
                connections.add(new DetonationReport.ConnectionAttempt("sensor", n.destinationIp(), n.destinationPort(),
                        n.process().name() + " (pid " + n.process().pid() + ")" + (n.success() ? "" : " failed")));
        }
        List<String> dns = sink.queries().stream().map(q -> q.name() + " " + q.type()).distinct().toList();

        Set<String> persistence = new LinkedHashSet<>();
        for (FileWritten f : files) if (PERSISTENCE_PATH.matcher(f.path()).find()) persistence.add("wrote " + f.path());
        for (String line : fileEvents) {
            String path = line.split(" ", 3)[1];
            if (PERSISTENCE_PATH.matcher(path).find()) persistence.add("wrote " + path);
        }
        for (DetonationReport.ProcessNode p : tree) {
            String name = p.executable() == null ? "" : p.executable().substring(p.executable().lastIndexOf('/') + 1);
            if (PERSISTENCE_COMMAND.matcher(name).matches()) persistence.add("ran " + p.commandLine());
        }

        List<String> outbound = connections.stream().filter(c -> !c.destinationIp().startsWith("127."))
                .map(c -> c.destinationIp() + ":" + c.destinationPort() + " (" + c.seenBy() + (c.detail().isEmpty() ? "" : ": " + c.detail()) + ")")
                .distinct().toList();
        if (!outbound.isEmpty())
            reasons.add(new Reason("dynamic.network.connect", 30, "tried to connect out", String.join("; ", limit(outbound))));
        if (!dns.isEmpty()) reasons.add(new Reason("dynamic.network.dns", 10, "looked up host names", String.join(", ", limit(dns))));
        if (!persistence.isEmpty())
            reasons.add(new Reason("dynamic.persistence", 40, "persistence attempt", String.join("; ", limit(new ArrayList<>(persistence)))));
        dropped(files, tree, reasons);
        int ruleWeight = 0;
        for (BehaviourRules.Hit hit : hits) {
            int weight = switch (hit.level() == null ? "" : hit.level()) {
                case "critical" -> 40;
                case "high" -> 30;
                case "medium" -> 15;
                case "low" -> 5;
                default -> 0;
            };
            weight = Math.max(0, Math.min(weight, 50 - ruleWeight));
            ruleWeight += weight;
            reasons.add(new Reason("dynamic.rule", weight, "rule fired: " + hit.title() + " (" + hit.level() + ")", hit.ruleId() + " on " + hit.evidence()));
        }
        if (usage.processLimitHit())
            reasons.add(new Reason("dynamic.fork_bomb", 30, "hit the process limit (fork bomb or runaway forking)", "pids.max " + limits.maxProcesses() + ", peak " + usage.peakProcesses()));
        if (usage.memoryLimitHit())
            reasons.add(new Reason("dynamic.memory_limit", 10, "hit the memory limit", "limit " + limits.memoryBytes() + " bytes, peak " + usage.peakMemory()));
        long allowedMicros = outcome.duration().toNanos() / 1000 * limits.cpuPercent() / 100;
        if (usage.cpuMicros() > 0 && usage.cpuMicros() >= allowedMicros * 6 / 10 && outcome.duration().toMillis() >= 1000)
            reasons.add(new Reason("dynamic.cpu_burn", 25, "burned CPU at its quota (miner-like)",
                    "cpu " + usage.cpuMicros() / 1000 + " ms in " + outcome.duration().toMillis() + " ms at a " + limits.cpuPercent() + "% quota, throttled " + usage.throttledPeriods() + " times"));
        long written = files.stream().mapToLong(FileWritten::size).sum();
        if (written >= limits.scratchBytes() * 8 / 10)
            reasons.add(new Reason("dynamic.disk_fill", 20, "filled the scratch layer", written + " of " + limits.scratchBytes() + " bytes"));
        if (outcome.timedOut())
            reasons.add(new Reason("dynamic.time_limit", 15, "still running at the time limit (stalling or long-running): the sandbox was killed",
                    "limit " + limits.timeLimit().toMillis() + " ms"));
        if (events.isEmpty() && outcome.exitCode() != 127)
            reasons.add(Reason.note("dynamic.no_sensor_events", "the sensor recorded no event of the sample's processes", "processes, file events and rules come from the sensor"));
        return new Evidence(tree, files, fileEvents, connections, dns, new ArrayList<>(persistence), hits, reasons);
    }

    /** Files the sample wrote that are programs; heavier when it then ran them. */
    private static void dropped(List<FileWritten> files, List<DetonationReport.ProcessNode> tree, List<Reason> reasons) {
        List<String> ran = new ArrayList<>();
        List<String> programs = new ArrayList<>();
        for (FileWritten f : files) {
            boolean program = f.executable() || f.type().equals("elf") || f.type().endsWith("_script");
            if (!program) continue;
            programs.add(f.path());
            for (DetonationReport.ProcessNode p : tree) {
                if (ran(p, f.path())) {
                    ran.add(f.path() + " (pid " + p.pid() + ")");
                    break;
                }
            }
        }
        if (!ran.isEmpty()) reasons.add(new Reason("dynamic.dropped_executed", 30, "wrote a program and ran it", String.join("; ", limit(ran))));
        else if (!programs.isEmpty()) reasons.add(new Reason("dynamic.dropped_program", 15, "wrote a program", String.join("; ", limit(programs))));
    }

    /** Whether the process is the program itself or an interpreter running it ("/bin/sh /tmp/x.sh"). */
    private static boolean ran(DetonationReport.ProcessNode p, String path) {
        if (path.equals(p.executable())) return true;
        String[] words = p.commandLine().split(" ");
        return words[0].equals(path) || (words.length > 1 && words[1].equals(path));
    }

    /** The sample's processes from their start events, parents before children, with exit codes where seen. */
    private static List<DetonationReport.ProcessNode> tree(List<Event> events) {
        Map<String, ProcessInfo> byEntity = new LinkedHashMap<>();
        Map<String, Integer> exits = new HashMap<>();
        for (Event e : events) {
            if (e.payload() instanceof ProcessStart s) byEntity.put(s.process().entityId(), s.process()); // the latest exec of a pid wins
            if (e.payload() instanceof ProcessExit x) exits.put(x.process().entityId(), x.signal() != 0 ? 128 + x.signal() : x.exitCode());
        }
        List<DetonationReport.ProcessNode> out = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        for (ProcessInfo p : byEntity.values()) {
            if (p.parent() == null || !byEntity.containsKey(p.parent().entityId())) place(p, 0, byEntity, exits, placed, out);
        }
        return out;
    }

    private static void place(ProcessInfo p, int depth, Map<String, ProcessInfo> all, Map<String, Integer> exits, Set<String> placed,
                              List<DetonationReport.ProcessNode> out) {
        if (!placed.add(p.entityId()) || out.size() >= 500) return;
        out.add(new DetonationReport.ProcessNode(p.pid(), p.parent() == null ? 0 : p.parent().pid(), depth, p.executable(),
                p.commandLine(), exits.get(p.entityId())));
        for (ProcessInfo child : all.values()) {
            if (child.parent() != null && p.entityId().equals(child.parent().entityId())) place(child, depth + 1, all, exits, placed, out);
        }
    }

    private static List<String> limit(List<String> values) {
        return values.size() <= 10 ? values : values.subList(0, 10);
    }
}
