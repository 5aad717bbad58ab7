package dev.kiroku.sensor.linux.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Turns the records of one audit event (same serial) into an {@link AuditActivity}. */
public final class AuditActivityMapper {

    private AuditActivityMapper() {
    }

    public static AuditActivity map(List<AuditRecord> records) {
        if (records.isEmpty()) {
            return new MalformedRecord("", "empty event");
        }
        AuditRecord first = records.getFirst();
        Instant time = Instant.ofEpochSecond(first.epochSeconds(), first.millis() * 1_000_000L);
        AuditRecord syscall = find(records, AuditRecordTypes.SYSCALL);
        if (syscall == null) {
            if (records.size() == 1 && AuditRecordTypes.isStandalone(first.type())) {
                return new UserRecord(time, first.serial(), first.typeName(), id(first, "pid"), id(first, "uid"),
                        id(first, "auid"), session(first), first.fields());
            }
            if (find(records, AuditRecordTypes.EXECVE) != null) {
                return exec(time, records, first);
            }
            return unclassified(time, records, null, first);
        }
        long arch = syscall.hexNumber("arch", -1);
        String name = Syscalls.name(arch, (int) syscall.number("syscall", -1));
        return switch (Syscalls.kind(name)) {
            case EXEC -> exec(time, records, syscall);
            case SOCKET -> socket(time, records, syscall, name);
            case CREDENTIAL -> credential(time, syscall, name);
            case OTHER -> find(records, AuditRecordTypes.EXECVE) != null
                    ? exec(time, records, syscall)
                    : unclassified(time, records, name, syscall);
        };
    }

    private static AuditActivity unclassified(Instant time, List<AuditRecord> records, String syscall, AuditRecord main) {
        List<String> types = new ArrayList<>(records.size());
        for (AuditRecord r : records) {
            types.add(r.typeName());
        }
        return new UnclassifiedEvent(time, main.serial(), types, syscall, id(main, "pid"), main.fields());
    }

    private static ExecActivity exec(Instant time, List<AuditRecord> records, AuditRecord syscall) {
        Argv argv = argv(records);
        String executable = syscall.text("exe");
        if (executable == null) {
            AuditRecord path = find(records, AuditRecordTypes.PATH);
            executable = path == null ? null : path.text("name");
        }
        AuditRecord cwd = find(records, AuditRecordTypes.CWD);
        return new ExecActivity(time, syscall.serial(), id(syscall, "pid"), id(syscall, "ppid"), id(syscall, "uid"),
                id(syscall, "euid"), id(syscall, "auid"), id(syscall, "gid"), id(syscall, "egid"), session(syscall),
                syscall.text("tty"), syscall.text("comm"), executable, argv.arguments, argv.complete,
                cwd == null ? null : cwd.text("cwd"), success(syscall), syscall.number("exit", 0));
    }

    private static SocketActivity socket(Instant time, List<AuditRecord> records, AuditRecord syscall, String name) {
        AuditRecord sockaddr = find(records, AuditRecordTypes.SOCKADDR);
        Sockaddr address = null;
        if (sockaddr != null) {
            int i = sockaddr.indexOf("saddr");
            address = i < 0 ? new Sockaddr("malformed", null, -1) : Sockaddr.decode(sockaddr.bytes(i));
        }
        return new SocketActivity(time, syscall.serial(), name, id(syscall, "pid"), id(syscall, "ppid"),
                id(syscall, "uid"), id(syscall, "euid"), id(syscall, "auid"), session(syscall), syscall.text("tty"),
                syscall.text("comm"), syscall.text("exe"), address == null ? null : address.family(),
                address == null ? null : address.address(), address == null ? -1 : address.port(), success(syscall),
                syscall.number("exit", 0));
    }

    private static CredentialActivity credential(Instant time, AuditRecord syscall, String name) {
        List<Integer> requested = new ArrayList<>(3);
        for (int i = 0; i < Syscalls.idArguments(name); i++) {
            requested.add((int) syscall.hexNumber(Syscalls.ARGUMENT_FIELDS.get(i), -1));
        }
        return new CredentialActivity(time, syscall.serial(), name, id(syscall, "pid"), id(syscall, "ppid"),
                id(syscall, "uid"), id(syscall, "euid"), id(syscall, "suid"), id(syscall, "fsuid"), id(syscall, "gid"),
                id(syscall, "egid"), id(syscall, "sgid"), id(syscall, "fsgid"), id(syscall, "auid"), session(syscall),
                syscall.text("tty"), syscall.text("comm"), syscall.text("exe"), requested, success(syscall),
                syscall.number("exit", 0));
    }

    private static AuditRecord find(List<AuditRecord> records, int type) {
        for (AuditRecord r : records) {
            if (r.type() == type) {
                return r;
            }
        }
        return null;
    }

    private static int id(AuditRecord r, String key) {
        return (int) r.number(key, -1);
    }

    private static long session(AuditRecord r) {
        long s = r.number("ses", -1);
        return s == 4294967295L ? -1 : s;
    }

    private static boolean success(AuditRecord r) {
        return "yes".equals(r.raw("success"));
    }

    /**
     * The common case without the joining machinery: one EXECVE record, {@code argc=N a0=… … a(N-1)=…} and nothing
     * else. Null for anything else (split or missing arguments), which {@link #argv} then joins.
     */
    private static Argv simpleArgv(List<AuditRecord> records) {
        AuditRecord execve = null;
        for (AuditRecord r : records) {
            if (r.type() == AuditRecordTypes.EXECVE) {
                if (execve != null) {
                    return null;
                }
                execve = r;
            }
        }
        if (execve == null || execve.fieldCount() == 0 || !execve.key(0).equals("argc")) {
            return null;
        }
        long argc = execve.number(0, -1);
        if (argc != execve.fieldCount() - 1) {
            return null;
        }
        String[] arguments = new String[(int) argc];
        for (int i = 0; i < arguments.length; i++) {
            String key = execve.key(i + 1);
            if (argumentIndex(key) != i || execve.quoting(i + 1) == AuditRecord.Quoting.BARE
                    && execve.rawValue(i + 1).equals("(null)")) {
                return null;
            }
            arguments[i] = execve.quoting(i + 1) == AuditRecord.Quoting.BARE
                    ? new String(execve.bytes(i + 1), StandardCharsets.UTF_8) : execve.rawValue(i + 1);
        }
        return new Argv(List.of(arguments), true);
    }

    /** N for a field named exactly {@code aN}, else -1. */
    private static int argumentIndex(String key) {
        int n = key.length();
        if (n < 2 || n > 8 || key.charAt(0) != 'a' || (key.charAt(1) == '0' && n > 2)) {
            return -1;
        }
        int index = 0;
        for (int p = 1; p < n; p++) {
            char c = key.charAt(p);
            if (c < '0' || c > '9') {
                return -1;
            }
            index = index * 10 + (c - '0');
        }
        return index;
    }

    /** Arguments of one exec, and whether every argument was found whole. */
    record Argv(List<String> arguments, boolean complete) {
    }

    /**
     * Joins EXECVE arguments: {@code aN="…"} or {@code aN=HEX}, or for long ones
     * {@code aN_len=L aN[0]=… aN[1]=…}, possibly spread over several EXECVE records.
     */
    static Argv argv(List<AuditRecord> records) {
        Argv simple = simpleArgv(records);
        if (simple != null) {
            return simple;
        }
        long argc = -1;
        List<ByteArrayOutputStream> parts = new ArrayList<>();
        List<Long> expectedLengths = new ArrayList<>();
        List<Integer> nextChunk = new ArrayList<>();
        List<Boolean> hexEncoded = new ArrayList<>();
        boolean complete = true;
        boolean sawExecve = false;
        for (AuditRecord r : records) {
            if (r.type() != AuditRecordTypes.EXECVE) {
                continue;
            }
            sawExecve = true;
            for (int i = 0; i < r.fieldCount(); i++) {
                String key = r.key(i);
                if (key.equals("argc")) {
                    if (argc < 0) {
                        argc = r.number(i, -1);
                    }
                    continue;
                }
                if (!AuditRecord.isExecveArgument(key)) {
                    continue;
                }
                int p = 1;
                int index = 0;
                while (p < key.length() && Character.isDigit(key.charAt(p)) && index < 1_000_000) {
                    index = index * 10 + (key.charAt(p++) - '0');
                }
                if (index >= 1_000_000 || (argc >= 0 && index >= argc)) {
                    complete = false;
                    continue;
                }
                while (parts.size() <= index) {
                    parts.add(null);
                    expectedLengths.add(-1L);
                    nextChunk.add(0);
                    hexEncoded.add(false);
                }
                String rest = key.substring(p);
                if (rest.isEmpty()) {
                    if (r.quoting(i) == AuditRecord.Quoting.BARE && r.rawValue(i).equals("(null)")) {
                        complete = false;
                        continue;
                    }
                    ByteArrayOutputStream whole = new ByteArrayOutputStream();
                    whole.writeBytes(r.bytes(i));
                    parts.set(index, whole);
                } else if (rest.equals("_len")) {
                    expectedLengths.set(index, r.number(i, -1));
                } else if (rest.length() > 2 && rest.charAt(0) == '[' && rest.charAt(rest.length() - 1) == ']') {
                    long chunk = AuditRecord.parseDecimal(rest.substring(1, rest.length() - 1), -1);
                    if (chunk != nextChunk.get(index)) {
                        complete = false;
                    }
                    nextChunk.set(index, (int) chunk + 1);
                    ByteArrayOutputStream joined = parts.get(index);
                    if (joined == null) {
                        joined = new ByteArrayOutputStream();
                        parts.set(index, joined);
                    }
                    joined.writeBytes(r.bytes(i));
                    if (r.quoting(i) == AuditRecord.Quoting.BARE) {
                        hexEncoded.set(index, true);
                    }
                } else {
                    complete = false;
                }
            }
        }
        if (!sawExecve) {
            return new Argv(List.of(), false);
        }
        if (argc < 0 || argc != parts.size()) {
            complete = false;
        }
        List<String> arguments = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            ByteArrayOutputStream part = parts.get(i);
            if (part == null) {
                complete = false;
                arguments.add("");
                continue;
            }
            // aN_len counts what was logged: hex digits when the argument was hex-encoded
            long expected = expectedLengths.get(i);
            long logged = hexEncoded.get(i) ? 2L * part.size() : part.size();
            if (expected >= 0 && expected != logged) {
                complete = false;
            }
            arguments.add(part.toString(StandardCharsets.UTF_8));
        }
        return new Argv(arguments, complete);
    }
}
