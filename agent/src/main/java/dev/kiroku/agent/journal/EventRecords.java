package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;
import dev.kiroku.event.ExecutionBlocked;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.Incomplete;
import dev.kiroku.event.LossReport;
import dev.kiroku.event.MalformedEventException;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.Payload;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.event.UserActivity;
import dev.kiroku.event.YaraDetection;
import dev.kiroku.event.binary.BinaryReader;
import dev.kiroku.event.binary.BinaryWriter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * The journal's binary event records (block format {@link BlockFormat#RECORDS_V1}): every field of
 * an {@link Event} but its sequence (the block's first plus the record's place) in a fixed order, one
 * record after the other without lengths, integers as varints, and strings interned per block, so
 * that the agent id, host name, executables, entity ids, users and cgroups an exec storm repeats are
 * written once per block and then referenced by number. Records of one block are read in order with
 * one {@link Reader} (a reference points back to an earlier record of the same block).
 *
 * <p>Strings: a varint {@code tag}; {@code 0} is null; otherwise {@code tag & 3} is the kind and
 * {@code tag >>> 2} its argument: 1 = UTF-8 literal of that many bytes, 2 = the same, and the string
 * takes the next number of the block's table, 3 = the table's string of that number. Lists are a
 * count then their strings; instants a flag, zig-zag seconds and nanoseconds; the event's own
 * timestamp is nanoseconds relative to the previous record's (zig-zag). Enums are ordinal + 1 (0 =
 * null). See JOURNAL.md for the record layout.
 */
final class EventRecords {
    /** Strings longer than this (argument vectors of 100 KB) are written as literals, not interned. */
    static final int INTERN_MAX_CHARS = 512;
    private static final int RECENT_SLOTS = 256;
    private static final Incomplete[] INCOMPLETE = Incomplete.values();
    private static final FileChange.Action[] FILE_ACTIONS = FileChange.Action.values();
    private static final NetworkActivity.Action[] NETWORK_ACTIONS = NetworkActivity.Action.values();
    private static final UserActivity.Action[] USER_ACTIONS = UserActivity.Action.values();
    private static final ExecutionBlocked.Attempt[] BLOCKED_ATTEMPTS = ExecutionBlocked.Attempt.values();
    private static final YaraDetection.Trigger[] YARA_TRIGGERS = YaraDetection.Trigger.values();
    private static final int LITERAL = 1;
    private static final int INTERNED = 2;
    private static final int REFERENCE = 3;

    private EventRecords() {
    }

    /** Writes the records of one block into a growing byte buffer; {@link Writer#reset} starts the next block. */
    static final class Writer extends BinaryWriter {
        private final HashMap<String, Integer> table = new HashMap<>();
        /**
         * The table's strings met last, by hash: most strings of an event are the very instances the previous events
         * had (agent, host, executable, user, cgroup, the parent's id), found here by reference without the map.
         */
        private final String[] recent = new String[RECENT_SLOTS];
        private final int[] recentNumbers = new int[RECENT_SLOTS];
        private long previousNanos;
        private int records;

        Writer() {
            super(16 * 1024);
        }

        /** Forgets the block's bytes and strings (keeps the buffer). */
        @Override
        public void reset() {
            super.reset();
            table.clear();
            Arrays.fill(recent, null);
            previousNanos = 0;
            records = 0;
        }

        int records() {
            return records;
        }

        /** Appends one event as a record. */
        void write(Event e) {
            str(e.agentId());
            long nanos = epochNanos(e.timestamp());
            if (nanos == Long.MIN_VALUE) {
                b(1);
                instant(e.timestamp());
            } else {
                b(0);
                varint(nanos - previousNanos);
                previousNanos = nanos;
            }
            str(e.hostName());
            incomplete(e.incomplete());
            payload(e.payload());
            records++;
        }

        private void incomplete(List<Incomplete> flags) {
            long bits = 0;
            for (Incomplete f : flags) bits |= 1L << f.ordinal();
            if (Long.bitCount(bits) == flags.size()) {
                uvarint(bits << 1);
                return;
            }
            uvarint((long) flags.size() << 1 | 1); // repeated flags: kept as a list, in order
            for (Incomplete f : flags) uvarint(f.ordinal());
        }

        private void payload(Payload payload) {
            // The kinds of an exec storm without the pattern switch: under C1 (the agent's JIT) a type switch is an
            // invokedynamic call through method handles.
            if (payload instanceof ProcessStart p) {
                b(1);
                process(p.process());
                b(p.snapshot() ? 1 : 0);
                return;
            }
            if (payload instanceof ProcessExit p) {
                b(2);
                process(p.process());
                varint(p.exitCode());
                varint(p.signal());
                return;
            }
            switch (payload) {
                case ProcessStart p -> throw new AssertionError("written above");
                case ProcessExit p -> throw new AssertionError("written above");
                case FileChange f -> {
                    b(3);
                    ordinal(f.action());
                    str(f.path());
                    str(f.oldPath());
                    // bit 0: a directory; bit 1: the content's digests follow the process (older records have 0 or 1)
                    b((f.directory() ? 1 : 0) | (f.hashed() ? 2 : 0));
                    process(f.process());
                    if (f.hashed()) {
                        str(f.sha256());
                        str(f.md5());
                        str(f.sha1());
                    }
                }
                case NetworkActivity n -> {
                    b(4);
                    ordinal(n.action());
                    str(n.transport());
                    str(n.sourceIp());
                    varint(n.sourcePort());
                    str(n.destinationIp());
                    varint(n.destinationPort());
                    b(n.success() ? 1 : 0);
                    process(n.process());
                }
                case UserActivity u -> {
                    b(5);
                    ordinal(u.action());
                    str(u.userName());
                    varint(u.uid());
                    b(u.success() ? 1 : 0);
                    str(u.sourceIp());
                    str(u.terminal());
                    str(u.recordType());
                    str(u.message());
                    process(u.process());
                }
                case LossReport l -> {
                    b(6);
                    str(l.source());
                    varint(l.count());
                    instant(l.from());
                    instant(l.to());
                    str(l.reason());
                }
                case ExecutionBlocked x -> {
                    b(7);
                    ordinal(x.attempt());
                    str(x.path());
                    str(x.sha256());
                    str(x.reason());
                    process(x.process());
                }
                case YaraDetection y -> {
                    b(8);
                    ordinal(y.trigger());
                    b(y.blocked() ? 1 : 0);
                    str(y.path());
                    str(y.sha256());
                    str(y.rule());
                    str(y.namespace());
                    strings(y.tags());
                    uvarint(y.strings().size());
                    for (YaraDetection.StringHit hit : y.strings()) {
                        str(hit.identifier());
                        varint(hit.offset());
                        varint(hit.length());
                        str(hit.preview());
                    }
                    process(y.process());
                }
            }
        }

        private void process(ProcessInfo p) {
            if (p == null) {
                b(0);
                return;
            }
            b(1);
            str(p.entityId());
            varint(p.pid());
            instant(p.startTime());
            parent(p.parent());
            str(p.executable());
            strings(p.args());
            str(p.workingDirectory());
            str(p.sha256());
            str(p.md5());
            str(p.sha1());
            credentials(p.user());
            varint(p.session());
            str(p.tty());
            namespaces(p.namespaces());
        }

        private void parent(ProcessInfo.ParentRef parent) {
            if (parent == null) {
                b(0);
                return;
            }
            b(1);
            str(parent.entityId());
            varint(parent.pid());
            str(parent.executable());
            strings(parent.args());
        }

        private void credentials(ProcessInfo.Credentials c) {
            if (c == null) {
                b(0);
                return;
            }
            b(1);
            varint(c.uid());
            str(c.name());
            varint(c.euid());
            str(c.effectiveName());
            varint(c.loginUid());
            varint(c.gid());
            varint(c.egid());
        }

        private void namespaces(ProcessInfo.Namespaces ns) {
            if (ns == null) {
                b(0);
                return;
            }
            b(1);
            str(ns.cgroup());
            str(ns.containerId());
            varint(ns.pidNamespace());
            varint(ns.mountNamespace());
            varint(ns.netNamespace());
        }

        @Override
        public void str(String s) {
            if (s == null) {
                b(0);
                return;
            }
            boolean internable = s.length() <= INTERN_MAX_CHARS;
            if (internable) {
                int slot = s.hashCode() & (RECENT_SLOTS - 1);
                if (recent[slot] == s) {
                    uvarint((long) recentNumbers[slot] << 2 | REFERENCE);
                    return;
                }
                Integer number = table.get(s);
                recent[slot] = s;
                if (number != null) {
                    recentNumbers[slot] = number;
                    uvarint((long) number << 2 | REFERENCE);
                    return;
                }
                recentNumbers[slot] = table.size();
                table.put(s, table.size());
            }
            utf8(s, 2, internable ? INTERNED : LITERAL);
        }

    }

    /** An instant as nanoseconds since the epoch, or {@link Long#MIN_VALUE} when it does not fit. */
    private static long epochNanos(Instant t) {
        long seconds = t.getEpochSecond();
        if (seconds <= Long.MIN_VALUE / 1_000_000_000L + 1 || seconds >= Long.MAX_VALUE / 1_000_000_000L - 1) {
            return Long.MIN_VALUE;
        }
        return seconds * 1_000_000_000L + t.getNano();
    }

    /**
     * Reads the records of one block in order. After a record that does not decode, the rest of the
     * block is refused too: its string numbers may no longer match the writer's.
     */
    static final class Reader extends BinaryReader {
        private final ArrayList<String> table = new ArrayList<>();
        private long previousNanos;
        private String failure;

        /** Reads the records in {@code buf[offset, end)}. */
        Reader(byte[] buf, int offset, int end) {
            super(buf, offset, end);
        }

        /**
         * Reads the next record as the event with {@code sequence}.
         *
         * @throws MalformedEventException naming what is wrong; every later record of the block fails too
         */
        Event read(long sequence) {
            try {
                if (failure != null) throw new IllegalStateException("follows a record that did not decode (" + failure + ")");
                return event(sequence);
            } catch (RuntimeException e) {
                if (failure == null) failure = e.getMessage();
                throw new MalformedEventException("corrupt journal record: " + e.getMessage(), e);
            }
        }

        private Event event(long sequence) {
            String agent = str();
            Instant timestamp;
            if (b() == 0) {
                long nanos = previousNanos + varint();
                previousNanos = nanos;
                timestamp = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
            } else {
                timestamp = instant();
                if (timestamp == null) throw new IllegalStateException("event without a timestamp");
            }
            String host = str();
            List<Incomplete> incomplete = incomplete();
            Payload payload = payload();
            if (agent == null) throw new IllegalStateException("event without an agent id");
            return new Event(agent, sequence, timestamp, host, incomplete, payload);
        }

        private List<Incomplete> incomplete() {
            long v = uvarint();
            List<Incomplete> flags = new ArrayList<>();
            if ((v & 1) == 0) {
                long bits = v >>> 1;
                for (int i = 0; bits != 0; i++, bits >>>= 1) {
                    if ((bits & 1) != 0) flags.add(at(INCOMPLETE, i));
                }
            } else {
                long n = v >>> 1;
                if (n > remaining()) throw new IllegalStateException("truncated flags");
                for (long i = 0; i < n; i++) flags.add(at(INCOMPLETE, uvarint()));
            }
            return flags;
        }

        private Payload payload() {
            return switch (b()) {
                case 1 -> new ProcessStart(process(), b() != 0);
                case 2 -> new ProcessExit(process(), int32(), int32());
                case 3 -> {
                    FileChange.Action action = ordinal(FILE_ACTIONS);
                    String path = str();
                    String oldPath = str();
                    int flags = b();
                    if ((flags & ~3) != 0) throw new IllegalStateException("bad file flags " + flags);
                    ProcessInfo process = process();
                    yield (flags & 2) == 0 ? new FileChange(action, path, oldPath, flags == 1, process)
                            : new FileChange(action, path, oldPath, (flags & 1) != 0, process, str(), str(), str());
                }
                case 4 -> {
                    NetworkActivity.Action action = ordinal(NETWORK_ACTIONS);
                    yield new NetworkActivity(action, str(), str(), int32(), str(), int32(), b() != 0, process());
                }
                case 5 -> {
                    UserActivity.Action action = ordinal(USER_ACTIONS);
                    yield new UserActivity(action, str(), int32(), b() != 0, str(), str(), str(), str(), process());
                }
                case 6 -> new LossReport(str(), varint(), instant(), instant(), str());
                case 7 -> {
                    ExecutionBlocked.Attempt attempt = ordinal(BLOCKED_ATTEMPTS);
                    yield new ExecutionBlocked(attempt, str(), str(), str(), process());
                }
                case 8 -> yaraDetection();
                default -> throw new IllegalStateException("unknown payload tag");
            };
        }

        private YaraDetection yaraDetection() {
            YaraDetection.Trigger trigger = ordinal(YARA_TRIGGERS);
            boolean blocked = b() != 0;
            String path = str();
            String sha256 = str();
            String rule = str();
            String namespace = str();
            List<String> tags = strings();
            long n = uvarint();
            if (n > remaining()) throw new IllegalStateException("truncated string hits");
            List<YaraDetection.StringHit> hits = new ArrayList<>((int) n);
            for (long i = 0; i < n; i++) hits.add(new YaraDetection.StringHit(str(), varint(), int32(), str()));
            return new YaraDetection(trigger, blocked, path, sha256, rule, namespace, tags, hits, process());
        }

        private ProcessInfo process() {
            if (b() == 0) return null;
            String entityId = str();
            int pid = int32();
            Instant start = instant();
            ProcessInfo.ParentRef parent = b() == 0 ? null : new ProcessInfo.ParentRef(str(), int32(), str(), strings());
            String executable = str();
            List<String> args = strings();
            String cwd = str();
            String sha256 = str();
            String md5 = str();
            String sha1 = str();
            ProcessInfo.Credentials user = b() == 0 ? null
                    : new ProcessInfo.Credentials(int32(), str(), int32(), str(), int32(), int32(), int32());
            long session = varint();
            String tty = str();
            ProcessInfo.Namespaces ns = b() == 0 ? null
                    : new ProcessInfo.Namespaces(str(), str(), varint(), varint(), varint());
            return new ProcessInfo(entityId, pid, start, parent, executable, args, cwd, sha256, user, session, tty, ns, md5, sha1);
        }

        @Override
        public String str() {
            long tag = uvarint();
            if (tag == 0) return null;
            long argument = tag >>> 2;
            int kind = (int) (tag & 3);
            if (kind == REFERENCE) {
                if (argument >= table.size()) {
                    throw new IllegalStateException("string reference " + argument + " beyond the block's " + table.size() + " strings");
                }
                return table.get((int) argument);
            }
            if (kind != LITERAL && kind != INTERNED) throw new IllegalStateException("bad string tag " + tag);
            String s = utf8(argument);
            if (kind == INTERNED) table.add(s);
            return s;
        }
    }
}
