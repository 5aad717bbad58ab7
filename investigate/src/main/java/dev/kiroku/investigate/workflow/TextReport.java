package dev.kiroku.investigate.workflow;

import dev.kiroku.investigate.history.ProcessRecord;
import dev.kiroku.investigate.tracking.ChainLink;
import dev.kiroku.investigate.tracking.Connection;
import dev.kiroku.investigate.tracking.FileEffect;
import dev.kiroku.investigate.tracking.FileOrigin;
import dev.kiroku.investigate.tracking.Impact;
import dev.kiroku.investigate.tracking.RemoteLink;
import dev.kiroku.investigate.tracking.RootCause;

import java.util.ArrayList;
import java.util.List;

/** An investigation as text people read in a terminal. */
public final class TextReport {
    private TextReport() {
    }

    public static String render(Investigation inv) {
        StringBuilder out = new StringBuilder();
        out.append("Investigation of ").append(inv.clueKind()).append(' ').append(inv.clue()).append(' ').append(inv.window()).append('\n');
        for (String answer : inv.answers()) out.append("  ").append(answer).append('\n');
        out.append("\n1. Who talked to it\n");
        if (inv.contacts().isEmpty()) out.append("   (nobody)\n");
        for (Contact c : inv.contacts()) {
            out.append("   ").append(host(c.hostName(), c.agentId())).append("  ").append(c.executable() == null ? "?" : c.executable())
                    .append(" (pid ").append(c.pid()).append(", ").append(c.processEntityId()).append(") ").append(c.relation());
            if (!c.remotes().isEmpty()) out.append(' ').append(String.join(", ", c.remotes()));
            out.append("  ").append(c.first()).append(c.count() > 1 ? " .. " + c.last() + " (" + c.count() + "x)" : "").append('\n');
            out.append("      ").append(c.commandLine()).append('\n');
        }
        out.append("\n2. How it got there\n");
        for (RootCause rc : inv.chains()) {
            out.append("   chain of ").append(rc.subject().describe()).append(" (up to ").append(rc.boundary()).append(")\n");
            for (String line : chainLines(rc)) out.append("     ").append(line).append('\n');
        }
        out.append("\n3. Who else has it\n");
        if (inv.scope().isEmpty()) out.append("   (no dropped or downloaded file to look for)\n");
        for (ArtifactScope s : inv.scope()) {
            out.append("   ").append(s.path() != null ? s.path() : s.name() != null ? s.name() : "")
                    .append(s.sha256() != null ? " sha256 " + s.sha256() : " (by name)").append('\n');
            if (s.endpoints().isEmpty()) out.append("     no endpoint\n");
            for (Presence p : s.endpoints()) {
                out.append("     ").append(String.format("%-14s", p.state())).append(host(p.hostName(), p.agentId())).append("  ")
                        .append(String.join(", ", p.paths())).append("  [").append(String.join(", ", p.evidence())).append("]\n");
            }
        }
        out.append("\n4. What it did\n");
        for (Impact i : inv.impacts()) {
            out.append("   from ").append(i.root().describe()).append('\n');
            for (Impact.Descendant d : i.processes()) {
                out.append("     ").append("  ".repeat(d.generation())).append(d.process().describe()).append(": ")
                        .append(d.process().commandLine()).append('\n');
            }
            for (FileEffect f : i.files()) {
                out.append("     file ").append(f.action()).append(' ').append(f.path())
                        .append(f.persistence() != null ? "  [persistence: " + f.persistence() + "]" : "")
                        .append(f.executedBy().isEmpty() ? "" : "  [executed later]").append('\n');
            }
            for (Connection c : i.connections()) out.append("     ").append(c.action()).append(' ').append(c.remote()).append("  ").append(c.time()).append('\n');
            for (RemoteLink l : i.lateral()) {
                out.append("     into ").append(l.acceptor().describe()).append(" via ").append(l.connection().remote()).append('\n');
            }
        }
        if (!inv.cuts().isEmpty()) {
            out.append("\nCut by limits:\n");
            for (String cut : inv.cuts()) out.append("   - ").append(cut).append('\n');
        }
        return out.toString();
    }

    /** A chain as lines, the subject first; each file's origin (writer, time, download) under its process. */
    public static List<String> chainLines(RootCause rc) {
        List<String> lines = new ArrayList<>();
        for (ChainLink link : rc.chain()) {
            ProcessRecord p = link.process();
            lines.add(p.describe() + ": " + p.commandLine() + (p.snapshot() ? "  [running before the agent]" : ""));
            for (FileOrigin o : link.origins()) {
                if (!o.written()) continue;
                FileOrigin.Write w = o.writer();
                lines.add("    " + o.role() + " " + o.path() + " " + w.action() + " by " + w.process().describe() + " at " + w.time()
                        + (w.renamedFrom() != null ? " (renamed from " + w.renamedFrom() + ")" : ""));
                for (Connection c : w.download()) lines.add("      download origin: " + c.remote() + " at " + c.time());
                if (w.writerChain() != null && w.writerChain().chain().size() > 1) {
                    lines.add("      writer started by " + w.writerChain().chain().get(1).process().describe() + ": "
                            + w.writerChain().chain().get(1).process().commandLine());
                }
            }
            if (link.enteredFrom() != null) {
                RemoteLink r = link.enteredFrom();
                lines.add("    entered from " + host(r.connection().hostName(), r.connection().agentId()) + " process "
                        + r.connection().processEntityId() + " via " + r.connection().remote());
            }
        }
        return lines;
    }

    private static String host(String hostName, String agentId) {
        return hostName == null || hostName.isEmpty() ? agentId : hostName;
    }
}
