package dev.kiroku.sandbox.statics;

import dev.kiroku.sandbox.Reason;

import java.util.List;

/**
 * The static half of a report.
 *
 * @param type       type by content
 * @param interpreter script interpreter from the "#!" line, or ""
 * @param size       bytes
 * @param entropy    whole-file entropy, bits per byte
 * @param executable ELF/PE headers, or null
 * @param indicators embedded URLs, IPs, domains
 * @param members    archive members (all levels), empty for other files
 * @param reasons    findings of every check, members' included
 */
public record StaticReport(FileType type, String interpreter, long size, double entropy, ExecutableInfo executable,
                           Indicators indicators, List<Member> members, List<Reason> reasons) {
    public StaticReport {
        members = List.copyOf(members);
        reasons = List.copyOf(reasons);
    }
}
