package dev.kiroku.agent.process;

import dev.kiroku.event.ProcessInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Seeds the table from /proc at start so that processes older than the agent have entries and
 * the tree has roots. Parents are learned before children (ascending start time).
 */
public final class ProcessSnapshot {
    private ProcessSnapshot() {
    }

    /** Learns every running process; returns them in the order learned. */
    public static List<ProcessInfo> take(ProcessProbe probe, ProcessTable table) {
        List<ProcessFacts> running = new ArrayList<>();
        for (int pid : probe.pids()) {
            Optional<ProcessFacts> facts = probe.read(pid);
            facts.ifPresent(running::add);
        }
        running.sort(Comparator.comparingLong(ProcessFacts::startTicks).thenComparingInt(ProcessFacts::pid));
        List<ProcessInfo> learned = new ArrayList<>(running.size());
        for (ProcessFacts facts : running) {
            learned.add(table.learn(facts, probe.startTime(facts.startTicks())));
        }
        return learned;
    }
}
