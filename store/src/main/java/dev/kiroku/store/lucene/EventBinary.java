package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.event.EventCodec;
import dev.kiroku.event.ExecutionBlocked;
import dev.kiroku.event.YaraDetection;
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
import dev.kiroku.event.binary.BinaryReader;
import dev.kiroku.event.binary.BinaryWriter;
import dev.kiroku.store.EventSchema;

import org.apache.lucene.util.BytesRef;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored copy of an event in the Lucene store: a compact binary form of the records (about a
 * third of the JSON, and several times faster to write and read). It round-trips every
 * {@link Event} exactly. Documents written before this format (EventCodec JSON, first byte
 * {@code '{'}) are still read.
 *
 * <p>Layout: a version byte, then the envelope and the payload as tag-prefixed records. Integers are
 * zig-zag varints; strings are a varint (length + 1, 0 = null) and UTF-8 bytes; lower-case hex of
 * 32 bytes (SHA-256) is written as its 32 bytes (MD5 and SHA-1 likewise as 16 and 20); instants are seconds and
 * nanoseconds. A process record starts with 1, or with 2 when its MD5 and SHA-1 follow at its end (added without a
 * version change: documents without them are unchanged).
 *
 * <p>What the index already keeps per document in column form is not stored again: the agent id,
 * sequence and timestamp (the sort key, which every hit carries) and the SHA-256 of the event's
 * process ({@code process.hash.sha256} doc values for process events, {@link Fields#PROCESS_SHA256}
 * for the others; since version 3, version 2 kept only process events' there). Decoding is given them as an
 * {@link Envelope}.
 */
final class EventBinary {
    /**
     * Version 4 (layout 5): the host name, the process executable and the parent's executable are
     * written as 1 when the document's {@code host.name} / {@code process.executable} /
     * {@link Fields#PARENT_EXECUTABLE} doc values hold them (as a string's length + 2 otherwise), and
     * MD5 / SHA-1 as hash kind 3 when {@link Fields#PROCESS_MD5} / {@link Fields#PROCESS_SHA1} hold them.
     */
    private static final byte VERSION = 5;
    /**
     * Version 4 (layout 5): as 5, but every process record is inline. Version 5 (layout 9) writes a
     * process record as marker 3 when the document's {@link Fields#PROCESS} doc values hold it.
     */
    private static final byte VERSION_4 = 4;
    /** Version 3: the process hash of file, network and user events may come from doc values too. */
    private static final byte VERSION_3 = 3;
    /** Version 2 documents have the same layout as 3 (only process events' hashes in doc values). */
    private static final byte VERSION_2 = 2;
    /** A process record's first byte: 0 = none, 1 = a process, 2 = a process followed by its MD5 and SHA-1. */
    private static final int PROCESS = 1;
    private static final int PROCESS_WITH_MORE_HASHES = 2;
    /** A process record's first byte since version 5: the record is the document's {@link Fields#PROCESS} doc value. */
    private static final int PROCESS_IN_COLUMN = 3;
    /**
     * Process records up to this many bytes go to the {@link Fields#PROCESS} doc values; a longer one
     * (a 100 KB argument vector) stays in the stored event. Lucene takes values up to 32,766 bytes,
     * but reading one hit's record decompresses its block of 64, which long records would make slow.
     */
    static final int PROCESS_COLUMN_MAX = 4 * 1024;
    /** Payload tag of a file change whose content's SHA-256, MD5 and SHA-1 follow its process (tag 3: without). */
    private static final int FILE_WITH_DIGESTS = 9;
    private static final Incomplete[] INCOMPLETE = Incomplete.values();
    private static final FileChange.Action[] FILE_ACTIONS = FileChange.Action.values();
    private static final NetworkActivity.Action[] NETWORK_ACTIONS = NetworkActivity.Action.values();
    private static final UserActivity.Action[] USER_ACTIONS = UserActivity.Action.values();
    private static final ExecutionBlocked.Attempt[] BLOCKED_ATTEMPTS = ExecutionBlocked.Attempt.values();
    private static final YaraDetection.Trigger[] YARA_TRIGGERS = YaraDetection.Trigger.values();
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private EventBinary() {
    }

    // ------------------------------------------------------------------ writing

    /** A growable output buffer; one per thread is enough. */
    static final class Out extends BinaryWriter {
        /** The event's process record when it goes to the {@link Fields#PROCESS} doc values, else empty. */
        private final Out processRecord;

        Out() {
            this(true);
        }

        private Out(boolean withProcessRecord) {
            super(512);
            processRecord = withProcessRecord ? new Out(false) : null;
        }

        /** The process record of the event last encoded that belongs in the {@link Fields#PROCESS} doc values, or null. */
        byte[] processColumn() {
            return processRecord.length() == 0 ? null : processRecord.toByteArray();
        }

        @Override
        public void str(String s) {
            if (s == null) b(0);
            else utf8(s, 0, 1);
        }

        /** A string that is usually 64 lower-case hex digits: 0 = null, 1 = 32 raw bytes, 2 = other string. */
        void hash(String s) {
            hash(s, 32);
        }

        /** A string that is usually {@code 2 * bytes} lower-case hex digits: 0 = null, 1 = raw bytes, 2 = other string. */
        void hash(String s, int bytes) {
            if (s == null) {
                b(0);
            } else if (isHex(s, bytes)) {
                b(1);
                for (int i = 0; i < 2 * bytes; i += 2) b((hex(s.charAt(i)) << 4) | hex(s.charAt(i + 1)));
            } else {
                b(2);
                str(s);
            }
        }

        /**
         * An entity id ({@link dev.kiroku.event.EntityIds}: 20 characters of URL-safe base64): 0 = null,
         * 1 = its 15 bytes, 2 = another string.
         */
        void entityId(String id) {
            byte[] raw = id == null ? null : EntityIdBytes.decode(id);
            if (id == null) {
                b(0);
            } else if (raw != null) {
                b(1);
                bytes(raw, 0, raw.length);
            } else {
                b(2);
                str(id);
            }
        }

        /** A string that the document's doc values may hold ({@code inColumn}): 0 = null, 1 = in the doc values, else length + 2 and UTF-8. */
        void strOrColumn(String s, boolean inColumn) {
            if (s == null) {
                b(0);
            } else if (inColumn) {
                b(1);
            } else {
                utf8(s, 0, 2);
            }
        }
    }

    private static boolean isHex(String s, int bytes) {
        if (s.length() != 2 * bytes) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    private static int hex(char c) {
        return c <= '9' ? c - '0' : c - 'a' + 10;
    }

    /** The parts of a stored event that the index keeps in column form. */
    interface Envelope {
        String agentId();

        long sequence();

        Instant timestamp();

        /** The process hash doc value of the document ({@code process.hash.sha256}, else {@link Fields#PROCESS_SHA256}). */
        String hash();

        /** The (first) doc value of a keyword field of the document, or null. */
        String column(String field);

        /** The document's {@link Fields#PROCESS} doc value (a process record), or null. */
        BytesRef processColumn();
    }

    /** The envelope of a known event (tests, and re-encoding). */
    static Envelope envelopeOf(Event e) {
        return new Envelope() {
            public String agentId() {
                return e.agentId();
            }

            public long sequence() {
                return e.sequence();
            }

            public Instant timestamp() {
                return e.timestamp();
            }

            public String hash() {
                ProcessInfo p = processOf(e.payload());
                return p == null ? null : p.sha256();
            }

            public String column(String field) {
                ProcessInfo p = processOf(e.payload());
                return switch (field) {
                    case EventSchema.HOST_NAME -> e.hostName();
                    case "process.executable" -> p == null ? null : p.executable();
                    case Fields.PARENT_EXECUTABLE -> p == null || p.parent() == null ? null : p.parent().executable();
                    case Fields.PROCESS_MD5 -> p == null ? null : p.md5();
                    case Fields.PROCESS_SHA1 -> p == null ? null : p.sha1();
                    default -> null;
                };
            }

            public BytesRef processColumn() {
                Out out = new Out();
                encode(e, out);
                byte[] record = out.processColumn();
                return record == null ? null : new BytesRef(record);
            }
        };
    }

    /** The process an event's payload is about or was caused by, or null. */
    static ProcessInfo processOf(Payload payload) {
        return switch (payload) {
            case ProcessStart p -> p.process();
            case ProcessExit p -> p.process();
            case FileChange f -> f.process();
            case NetworkActivity n -> n.process();
            case UserActivity u -> u.process();
            case LossReport ignored -> null;
            case ExecutionBlocked x -> x.process();
            case YaraDetection y -> y.process();
        };
    }

    /**
     * The SHA-256 of the process behind a file, network or user event, which the document keeps as
     * {@link Fields#PROCESS_SHA256} doc values instead of in the stored bytes (a process event's
     * is in {@code process.hash.sha256}); null when there is none to keep.
     */
    static String hashOfCause(Event e) {
        if (e.payload() instanceof ProcessStart || e.payload() instanceof ProcessExit) return null;
        ProcessInfo p = processOf(e.payload());
        return hashInDocValues(p) ? p.sha256() : null;
    }

    /**
     * True when a keyword value is kept in doc values, so the stored bytes need not repeat it: the
     * ECS writer leaves out null and empty values, and the store indexes keywords up to
     * {@link EventDocuments#IGNORE_ABOVE}.
     */
    static boolean inColumn(String value) {
        return value != null && !value.isEmpty() && value.length() <= EventDocuments.IGNORE_ABOVE;
    }

    /** True when the hash of this process is kept as doc values (see EventDocuments). */
    private static boolean hashInDocValues(ProcessInfo p) {
        return p != null && p.sha256() != null && !p.sha256().isEmpty() && p.sha256().length() <= EventDocuments.IGNORE_ABOVE;
    }

    static byte[] encode(Event event) {
        Out out = new Out();
        encode(event, out);
        return out.toByteArray();
    }

    static void encode(Event e, Out out) {
        out.reset();
        out.processRecord.reset();
        out.b(VERSION);
        out.strOrColumn(e.hostName(), inColumn(e.hostName()));
        out.uvarint(e.incomplete().size());
        for (Incomplete i : e.incomplete()) out.uvarint(i.ordinal());
        switch (e.payload()) {
            case ProcessStart p -> {
                out.b(1);
                process(out, p.process(), hashInDocValues(p.process()));
                out.bool(p.snapshot());
            }
            case ProcessExit p -> {
                out.b(2);
                process(out, p.process(), hashInDocValues(p.process()));
                out.varint(p.exitCode());
                out.varint(p.signal());
            }
            case FileChange f -> {
                out.b(f.hashed() ? FILE_WITH_DIGESTS : 3);
                out.ordinal(f.action());
                out.str(f.path());
                out.str(f.oldPath());
                out.bool(f.directory());
                process(out, f.process(), hashInDocValues(f.process()));
                if (f.hashed()) {
                    out.hash(f.sha256());
                    out.hash(f.md5(), 16);
                    out.hash(f.sha1(), 20);
                }
            }
            case NetworkActivity n -> {
                out.b(4);
                out.ordinal(n.action());
                out.str(n.transport());
                out.str(n.sourceIp());
                out.varint(n.sourcePort());
                out.str(n.destinationIp());
                out.varint(n.destinationPort());
                out.bool(n.success());
                process(out, n.process(), hashInDocValues(n.process()));
            }
            case UserActivity u -> {
                out.b(5);
                out.ordinal(u.action());
                out.str(u.userName());
                out.varint(u.uid());
                out.bool(u.success());
                out.str(u.sourceIp());
                out.str(u.terminal());
                out.str(u.recordType());
                out.str(u.message());
                process(out, u.process(), hashInDocValues(u.process()));
            }
            case LossReport l -> {
                out.b(6);
                out.str(l.source());
                out.varint(l.count());
                out.instant(l.from());
                out.instant(l.to());
                out.str(l.reason());
            }
            case ExecutionBlocked x -> {
                out.b(7);
                out.ordinal(x.attempt());
                out.str(x.path());
                out.hash(x.sha256());
                out.str(x.reason());
                process(out, x.process(), hashInDocValues(x.process()));
            }
            case YaraDetection y -> {
                out.b(8);
                out.ordinal(y.trigger());
                out.bool(y.blocked());
                out.str(y.path());
                out.hash(y.sha256());
                out.str(y.rule());
                out.str(y.namespace());
                out.strings(y.tags());
                out.uvarint(y.strings().size());
                for (YaraDetection.StringHit hit : y.strings()) {
                    out.str(hit.identifier());
                    out.varint(hit.offset());
                    out.varint(hit.length());
                    out.str(hit.preview());
                }
                process(out, y.process(), hashInDocValues(y.process()));
            }
        }
    }

    /** The process record, in the {@link Fields#PROCESS} doc values when it is short enough, else inline. */
    private static void process(Out out, ProcessInfo p, boolean hashInDocValues) {
        if (p == null) {
            out.b(0);
            return;
        }
        Out column = out.processRecord;
        processRecord(column, p, hashInDocValues);
        if (column.length() <= PROCESS_COLUMN_MAX) {
            out.b(PROCESS_IN_COLUMN);
        } else {
            out.bytes(column.buffer(), 0, column.length());
            column.reset();
        }
    }

    /**
     * A process record (version 5). What a host's processes share comes first and what is the
     * process's own last (parent, user, namespaces, directory, executable and arguments, then its
     * entity id, pid and start): the {@link Fields#PROCESS} doc values keep their distinct records
     * sorted, and sorted neighbours then share long prefixes, which Lucene writes once.
     */
    private static void processRecord(Out out, ProcessInfo p, boolean hashInDocValues) {
        boolean moreHashes = p.md5() != null || p.sha1() != null;
        out.b(moreHashes ? PROCESS_WITH_MORE_HASHES : PROCESS);
        ProcessInfo.ParentRef parent = p.parent();
        if (parent == null) {
            out.b(0);
        } else {
            out.b(1);
            out.entityId(parent.entityId());
            out.varint(parent.pid());
            out.strOrColumn(parent.executable(), inColumn(parent.executable()));
            out.strings(parent.args());
        }
        credentials(out, p.user());
        out.varint(p.session());
        out.str(p.tty());
        namespaces(out, p.namespaces());
        out.str(p.workingDirectory());
        out.strOrColumn(p.executable(), inColumn(p.executable()));
        out.strings(p.args());
        if (hashInDocValues) out.b(3);
        else out.hash(p.sha256());
        if (moreHashes) {
            if (inColumn(p.md5())) out.b(3);
            else out.hash(p.md5(), 16);
            if (inColumn(p.sha1())) out.b(3);
            else out.hash(p.sha1(), 20);
        }
        out.entityId(p.entityId());
        out.varint(p.pid());
        out.instant(p.startTime());
    }

    private static void credentials(Out out, ProcessInfo.Credentials c) {
        if (c == null) {
            out.b(0);
            return;
        }
        out.b(1);
        out.varint(c.uid());
        out.str(c.name());
        out.varint(c.euid());
        out.str(c.effectiveName());
        out.varint(c.loginUid());
        out.varint(c.gid());
        out.varint(c.egid());
    }

    private static void namespaces(Out out, ProcessInfo.Namespaces ns) {
        if (ns == null) {
            out.b(0);
            return;
        }
        out.b(1);
        out.str(ns.cgroup());
        out.str(ns.containerId());
        out.varint(ns.pidNamespace());
        out.varint(ns.mountNamespace());
        out.varint(ns.netNamespace());
    }

    // ------------------------------------------------------------------ reading

    /** @throws MalformedEventException when the bytes are neither this format nor EventCodec JSON */
    static Event decode(byte[] bytes, int offset, int length, Envelope envelope) {
        if (length > 0 && bytes[offset] == '{') return EventCodec.decode(bytes, offset, length);
        if (length == 0 || bytes[offset] != VERSION && bytes[offset] != VERSION_4 && bytes[offset] != VERSION_3 && bytes[offset] != VERSION_2) {
            throw new MalformedEventException("not a stored Kiroku event (format byte)", null);
        }
        try {
            return new In(bytes, offset + 1, offset + length, bytes[offset], envelope).event();
        } catch (RuntimeException e) {
            throw new MalformedEventException("corrupt stored event: " + e, e);
        }
    }

    private static final class In extends BinaryReader {
        private final Envelope envelope;
        private final int version;

        In(byte[] buf, int pos, int end, int version, Envelope envelope) {
            super(buf, pos, end);
            this.version = version;
            this.envelope = envelope;
        }

        @Override
        public String str() {
            long n = uvarint();
            return n == 0 ? null : utf8(n - 1);
        }

        /** A string written by {@link Out#strOrColumn}: inline, or the first doc value of {@code field}. */
        String strOrColumn(String field) {
            long n = uvarint();
            if (n == 0) return null;
            if (n == 1) return column(field);
            return utf8(n - 2);
        }

        private String column(String field) {
            String value = envelope.column(field);
            if (value == null) throw new IllegalStateException("no " + field + " doc value");
            return value;
        }

        /** A hash written by {@link Out#hash(String, int)}, or kind 3: the doc value of {@code field}. */
        String hash(int bytes, String field) {
            int kind = b();
            if (kind == 0) return null;
            if (kind == 2) return str();
            if (kind == 3) return column(field);
            if (kind != 1) throw new IllegalStateException("bad hash kind " + kind);
            return hex(bytes);
        }

        private String hex(int bytes) {
            int at = skip(bytes);
            byte[] buf = array();
            byte[] hex = new byte[2 * bytes];
            for (int i = 0; i < bytes; i++) {
                int v = buf[at + i] & 0xFF;
                hex[2 * i] = HEX[v >>> 4];
                hex[2 * i + 1] = HEX[v & 0xF];
            }
            return new String(hex, StandardCharsets.US_ASCII);
        }

        String hash() {
            int kind = b();
            if (kind == 0) return null;
            if (kind == 2) return str();
            if (kind == 3) {
                String hash = envelope.hash();
                if (hash == null) throw new IllegalStateException("no process hash doc value");
                return hash;
            }
            return hex(32);
        }

        Event event() {
            String host = version >= VERSION_4 ? strOrColumn(EventSchema.HOST_NAME) : str();
            int flags = Math.toIntExact(uvarint());
            List<Incomplete> incomplete = new ArrayList<>(Math.min(flags, INCOMPLETE.length));
            for (int i = 0; i < flags; i++) incomplete.add(BinaryReader.at(INCOMPLETE, uvarint()));
            Payload payload = switch (b()) {
                case 1 -> new ProcessStart(process(), bool());
                case 2 -> new ProcessExit(process(), int32(), int32());
                case 3 -> {
                    FileChange.Action action = ordinal(FILE_ACTIONS);
                    yield new FileChange(action, str(), str(), bool(), process());
                }
                case FILE_WITH_DIGESTS -> {
                    FileChange.Action action = ordinal(FILE_ACTIONS);
                    String path = str();
                    String oldPath = str();
                    boolean directory = bool();
                    ProcessInfo process = process();
                    yield new FileChange(action, path, oldPath, directory, process, hash(32, "file.hash.sha256"),
                            hash(16, "file.hash.md5"), hash(20, "file.hash.sha1"));
                }
                case 4 -> {
                    NetworkActivity.Action action = ordinal(NETWORK_ACTIONS);
                    yield new NetworkActivity(action, str(), str(), int32(), str(), int32(), bool(), process());
                }
                case 5 -> {
                    UserActivity.Action action = ordinal(USER_ACTIONS);
                    yield new UserActivity(action, str(), int32(), bool(), str(), str(), str(), str(), process());
                }
                case 6 -> new LossReport(str(), varint(), instant(), instant(), str());
                case 7 -> {
                    ExecutionBlocked.Attempt attempt = ordinal(BLOCKED_ATTEMPTS);
                    yield new ExecutionBlocked(attempt, str(), hash(), str(), process());
                }
                case 8 -> {
                    YaraDetection.Trigger trigger = ordinal(YARA_TRIGGERS);
                    boolean blocked = bool();
                    String path = str();
                    String sha256 = hash();
                    String rule = str();
                    String namespace = str();
                    List<String> tags = strings();
                    int n = Math.toIntExact(uvarint());
                    if (n > remaining()) throw new IllegalStateException("truncated list");
                    List<YaraDetection.StringHit> hits = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) hits.add(new YaraDetection.StringHit(str(), varint(), Math.toIntExact(varint()), str()));
                    yield new YaraDetection(trigger, blocked, path, sha256, rule, namespace, tags, hits, process());
                }
                default -> throw new IllegalStateException("unknown payload tag");
            };
            if (!atEnd()) throw new IllegalStateException("trailing bytes");
            return new Event(envelope.agentId(), envelope.sequence(), envelope.timestamp(), host, incomplete, payload);
        }

        ProcessInfo process() {
            int marker = b();
            if (marker == 0) return null;
            if (marker == PROCESS_IN_COLUMN && version >= VERSION) {
                BytesRef record = envelope.processColumn();
                if (record == null) throw new IllegalStateException("no " + Fields.PROCESS + " doc value");
                In column = new In(record.bytes, record.offset, record.offset + record.length, version, envelope);
                ProcessInfo process = column.processRecord(column.b());
                if (!column.atEnd()) throw new IllegalStateException("trailing bytes in " + Fields.PROCESS);
                return process;
            }
            return version >= VERSION ? processRecord(marker) : processBeforeVersion5(marker);
        }

        /** The rest of a process record of version 5 after its marker (the order of {@link EventBinary#processRecord}). */
        private ProcessInfo processRecord(int marker) {
            checkProcessMarker(marker);
            ProcessInfo.ParentRef parent = null;
            if (b() != 0) parent = new ProcessInfo.ParentRef(entityId(), int32(), strOrColumn(Fields.PARENT_EXECUTABLE), strings());
            ProcessInfo.Credentials user = credentials();
            long session = varint();
            String tty = str();
            ProcessInfo.Namespaces ns = namespaces();
            String cwd = str();
            String executable = strOrColumn("process.executable");
            List<String> args = strings();
            String sha = hash();
            String md5 = marker == PROCESS_WITH_MORE_HASHES ? hash(16, Fields.PROCESS_MD5) : null;
            String sha1 = marker == PROCESS_WITH_MORE_HASHES ? hash(20, Fields.PROCESS_SHA1) : null;
            String entityId = entityId();
            int pid = int32();
            Instant start = instant();
            return new ProcessInfo(entityId, pid, start, parent, executable, args, cwd, sha, user, session, tty, ns, md5, sha1);
        }

        /** The rest of a process record of versions 2 to 4 after its marker. */
        private ProcessInfo processBeforeVersion5(int marker) {
            checkProcessMarker(marker);
            String entityId = str();
            int pid = int32();
            Instant start = instant();
            ProcessInfo.ParentRef parent = null;
            if (b() != 0) {
                String parentId = str();
                int parentPid = int32();
                String parentExecutable = version >= VERSION_4 ? strOrColumn(Fields.PARENT_EXECUTABLE) : str();
                parent = new ProcessInfo.ParentRef(parentId, parentPid, parentExecutable, strings());
            }
            String executable = version >= VERSION_4 ? strOrColumn("process.executable") : str();
            List<String> args = strings();
            String cwd = str();
            String sha = hash();
            ProcessInfo.Credentials user = credentials();
            long session = varint();
            String tty = str();
            ProcessInfo.Namespaces ns = namespaces();
            String md5 = marker == PROCESS_WITH_MORE_HASHES ? hash(16, Fields.PROCESS_MD5) : null;
            String sha1 = marker == PROCESS_WITH_MORE_HASHES ? hash(20, Fields.PROCESS_SHA1) : null;
            return new ProcessInfo(entityId, pid, start, parent, executable, args, cwd, sha, user, session, tty, ns, md5, sha1);
        }

        private static void checkProcessMarker(int marker) {
            if (marker != PROCESS && marker != PROCESS_WITH_MORE_HASHES) throw new IllegalStateException("bad process marker " + marker);
        }

        private ProcessInfo.Credentials credentials() {
            return b() == 0 ? null : new ProcessInfo.Credentials(int32(), str(), int32(), str(), int32(), int32(), int32());
        }

        private ProcessInfo.Namespaces namespaces() {
            return b() == 0 ? null : new ProcessInfo.Namespaces(str(), str(), varint(), varint(), varint());
        }

        /** An entity id written by {@link Out#entityId}. */
        private String entityId() {
            int kind = b();
            if (kind == 0) return null;
            if (kind == 2) return str();
            if (kind != 1) throw new IllegalStateException("bad entity id kind " + kind);
            return EntityIdBytes.encode(array(), skip(EntityIdBytes.LENGTH));
        }
    }
}
