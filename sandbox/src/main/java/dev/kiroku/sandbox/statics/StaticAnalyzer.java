package dev.kiroku.sandbox.statics;

import dev.kiroku.sandbox.Reason;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Static analysis of one file in memory: type by content, headers and sections, entropy, embedded
 * indicators, then every {@link StaticCheck}; archives are unpacked (in memory, bounded) and each
 * member analysed the same way. Thread-safe.
 */
public final class StaticAnalyzer {
    private final List<StaticCheck> checks;
    private final ArchiveLimits limits;

    public StaticAnalyzer(List<StaticCheck> checks, ArchiveLimits limits) {
        this.checks = List.copyOf(checks);
        this.limits = limits;
    }

    /** The built-in checks plus a known-bad hash list; a YARA check is appended by whoever configures rule sets. */
    public static List<StaticCheck> builtInChecks(KnownBadHashes knownBad) {
        return List.of(new ExecutableCheck(), new ScriptCheck(), new NetworkIndicatorCheck(), knownBad);
    }

    public StaticReport analyze(String name, byte[] bytes) {
        List<Member> members = new ArrayList<>();
        List<Reason> reasons = new ArrayList<>();
        ArchiveInspector.Budget budget = new ArchiveInspector.Budget(limits.maxTotalBytes());
        Facts top = facts(name, bytes);
        runChecks(top, reasons);
        if (top.type() == FileType.UNKNOWN)
            reasons.add(Reason.note("input.unknown_format", "unknown file format: no type-specific analysis", name + ": first bytes " + head(bytes)));
        if (top.type().archive()) {
            ArchiveInspector inspector = new ArchiveInspector(limits);
            inspector.inspect(name, bytes, top.type(), 0, budget, reasons, new ArchiveInspector.Visitor() {
                @Override
                public void member(String path, byte[] content, long fullSize, int depth) {
                    Facts f = facts(path, content);
                    members.add(new Member(path, fullSize, f.type().label(), f.sha256()));
                    if (fullSize > content.length)
                        reasons.add(Reason.note("archive.member_truncated", "member larger than " + limits.maxMemberBytes() + " bytes: analysed from its head", path));
                    runChecks(f, reasons);
                    if (f.type().archive()) inspector.inspect(path, content, f.type(), depth, budget, reasons, this);
                }
            });
        }
        return new StaticReport(top.type(), FileType.shebang(bytes), bytes.length, Entropy.of(bytes), top.executable(),
                top.indicators(), members, reasons);
    }

    private record Facts(String name, String sha256, byte[] bytes, FileType type, ExecutableInfo executable, Indicators indicators) {
    }

    private static Facts facts(String name, byte[] bytes) {
        FileType type = FileType.of(bytes);
        ExecutableInfo info = switch (type) {
            case ELF -> ElfParser.parse(bytes);
            case PE -> PeParser.parse(bytes);
            default -> null;
        };
        Indicators indicators = type.archive() ? new Indicators(List.of(), List.of(), List.of()) : Indicators.of(bytes);
        return new Facts(name, sha256(bytes), bytes, type, info, indicators);
    }

    private void runChecks(Facts f, List<Reason> reasons) {
        StaticSubject subject = new StaticSubject(f.name(), f.sha256(), f.bytes(), f.type(), f.executable(), f.indicators());
        for (StaticCheck check : checks) {
            try {
                reasons.addAll(check.check(subject));
            } catch (RuntimeException e) {
                reasons.add(Reason.note("static.check_failed", "check " + check.getClass().getSimpleName() + " failed", f.name() + ": " + e));
            }
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String head(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(bytes.length, 8));
    }
}
