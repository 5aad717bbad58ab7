package dev.kiroku.investigate.incident;

import dev.kiroku.investigate.workflow.ArtifactScope;
import dev.kiroku.investigate.workflow.Presence;

import java.util.List;

/** A closure report as one self-contained, printable HTML page (no scripts, no external resources). */
public final class ClosureReportHtml {
    private static final String STYLE = """
            body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#111}
            h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;border-bottom:1px solid #999;margin-top:1.6em}
            table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:.25em .4em;text-align:left;vertical-align:top}
            th{background:#eee}code,pre{font:12px/1.35 ui-monospace,monospace}pre{white-space:pre-wrap;background:#f6f6f6;padding:.6em}
            .meta{color:#444}.risk{color:#8a1c00}
            @media print{body{margin:0;max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}""";

    private ClosureReportHtml() {
    }

    public static String render(ClosureReport r) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Incident ").append(r.incidentId()).append(" closure report</title><style>")
                .append(STYLE).append("</style></head><body>");
        h.append("<h1>Incident ").append(r.incidentId()).append(": ").append(esc(r.title())).append("</h1>");
        h.append("<p class=\"meta\">Status <b>").append(r.status()).append("</b>; assignee ").append(esc(orDash(r.assignee())))
                .append("; opened ").append(r.created()).append("; closed ").append(r.closed() == null ? "not yet (draft)" : r.closed())
                .append("; report generated ").append(r.generated()).append("</p>");
        section(h, "Summary").append("<p>").append(esc(r.summary())).append("</p>");
        section(h, "Root cause").append("<p>").append(esc(orDash(r.rootCause()))).append("</p>");
        h.append("<pre>").append(esc(String.join("\n", r.rootCauseChain()))).append("</pre>");
        section(h, "Scope").append("<p>").append(esc(orDash(r.scope()))).append("</p>");
        h.append("<p>Affected endpoints: ").append(esc(String.join(", ", r.affectedEndpoints()))).append("<br>Checked endpoints (")
                .append(r.checkedEndpoints().size()).append("): ").append(esc(String.join(", ", r.checkedEndpoints()))).append("</p>");
        if (!r.artifacts().isEmpty()) {
            h.append("<table><tr><th>File</th><th>Endpoint</th><th>State</th><th>Paths</th><th>Evidence</th></tr>");
            for (ArtifactScope a : r.artifacts()) {
                for (Presence p : a.endpoints()) {
                    h.append("<tr><td>").append(esc(a.path() != null ? a.path() : a.name())).append(a.sha256() != null ? "<br><code>" + a.sha256() + "</code>" : "")
                            .append("</td><td>").append(esc(p.hostName() == null || p.hostName().isEmpty() ? p.agentId() : p.hostName()))
                            .append("</td><td>").append(p.state()).append("</td><td>").append(esc(String.join(", ", p.paths())))
                            .append("</td><td>").append(esc(String.join(", ", p.evidence()))).append("</td></tr>");
                }
            }
            h.append("</table>");
        }
        section(h, "Timeline");
        h.append("<table><tr><th>Time (UTC)</th><th>Endpoint</th><th>Process</th><th>What</th></tr>");
        for (TimelineEntry t : r.timeline()) {
            h.append("<tr><td>").append(t.time()).append("</td><td>").append(esc(t.hostName() == null || t.hostName().isEmpty() ? t.agentId() : t.hostName()))
                    .append("</td><td>").append(esc(orDash(t.process()))).append("</td><td>").append(esc(t.summary())).append("</td></tr>");
        }
        h.append("</table>");
        section(h, "Indicators");
        table(h, List.of("Type", "Value", "Context"), r.indicators().stream().map(i -> List.of(i.type(), i.value(), i.context())).toList());
        section(h, "Response actions");
        table(h, List.of("Time", "Action", "Target", "Endpoint", "By", "Outcome"), r.actions().stream()
                .map(a -> List.of(a.time().toString(), a.action(), orDash(a.target()), orDash(a.agentId()), orDash(a.actor()), orDash(a.outcome()))).toList());
        section(h, "Notes");
        table(h, List.of("Time", "Author", "Note"), r.notes().stream().map(n -> List.of(n.created().toString(), orDash(n.author()), n.text())).toList());
        section(h, "Open risks");
        if (r.openRisks().isEmpty()) h.append("<p>None recorded.</p>");
        else {
            h.append("<ul>");
            for (String risk : r.openRisks()) h.append("<li class=\"risk\">").append(esc(risk)).append("</li>");
            h.append("</ul>");
        }
        return h.append("</body></html>\n").toString();
    }

    private static StringBuilder section(StringBuilder h, String title) {
        return h.append("<h2>").append(title).append("</h2>");
    }

    private static void table(StringBuilder h, List<String> headers, List<List<String>> rows) {
        if (rows.isEmpty()) {
            h.append("<p>None.</p>");
            return;
        }
        h.append("<table><tr>");
        for (String header : headers) h.append("<th>").append(esc(header)).append("</th>");
        h.append("</tr>");
        for (List<String> row : rows) {
            h.append("<tr>");
            for (String cell : row) h.append("<td>").append(esc(cell)).append("</td>");
            h.append("</tr>");
        }
        h.append("</table>");
    }

    private static String orDash(String s) {
        return s == null || s.isBlank() ? "—" : s;
    }

    /** Escapes text for HTML element content and attribute values. */
    static String esc(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
