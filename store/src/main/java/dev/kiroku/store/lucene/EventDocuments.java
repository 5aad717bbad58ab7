package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.Incomplete;
import dev.kiroku.event.LossReport;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.Payload;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.event.UserActivity;
import dev.kiroku.store.EventSchema;
import dev.kiroku.store.FieldSpec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.InetAddressPoint;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.util.BytesRef;

import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps an event to its Lucene document, field by field as {@link EventSchema} says. The fields are
 * produced straight from the records, with the names and values {@link Event#toEcs()} gives
 * ({@link #ofEcs} is the map-based reference the tests compare against).
 */
final class EventDocuments {
    /** Words with positions (for phrases), without norms: hits are sorted by time, never scored. */
    private static final FieldType WORDS = new FieldType();

    static {
        WORDS.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
        WORDS.setTokenized(true);
        WORDS.setOmitNorms(true);
        WORDS.freeze();
    }

    /** Keyword values longer than this are not indexed as keywords (their words still are), as in ECS. */
    static final int IGNORE_ABOVE = 1024;

    private static final Map<String, FieldSpec> SPECS = new HashMap<>(EventSchema.fields());

    /** Per-thread buffer for the stored event. */
    private static final ThreadLocal<EventBinary.Out> BUFFERS = ThreadLocal.withInitial(EventBinary.Out::new);

    private EventDocuments() {
    }

    /** @throws IllegalArgumentException when the event cannot be indexed (the reason is the message) */
    static Document of(Event event) {
        Document doc = envelope(event);
        new Direct(doc).event(event);
        return doc;
    }

    /** The same document built through {@link Event#toEcs()}; the reference for {@link #of}. */
    static Document ofEcs(Event event) {
        Document doc = envelope(event);
        for (Map.Entry<String, Object> entry : event.toEcs().entrySet()) {
            String name = entry.getKey();
            if (name.equals(EventSchema.TIMESTAMP)) continue;
            Object value = entry.getValue();
            FieldSpec spec = SPECS.get(name);
            if (value instanceof List<?> list) {
                for (Object item : list) add(doc, name, spec, item);
            } else {
                add(doc, name, spec, value);
            }
        }
        return doc;
    }

    private static Document envelope(Event event) {
        if (event.sequence() <= 0) throw new IllegalArgumentException("sequence must be positive but is " + event.sequence());
        if (event.agentId().isEmpty()) throw new IllegalArgumentException("agent id is empty");
        long timestamp;
        try {
            timestamp = Nanos.exactly(event.timestamp());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("timestamp out of range: " + event.timestamp());
        }
        Document doc = new Document();
        doc.add(new LongPoint(EventSchema.TIMESTAMP, timestamp));
        doc.add(new NumericDocValuesField(EventSchema.TIMESTAMP, timestamp));
        EventBinary.Out out = BUFFERS.get();
        EventBinary.encode(event, out);
        doc.add(new StoredField(Fields.SOURCE, out.toByteArray()));
        return doc;
    }

    private static void add(Document doc, String name, FieldSpec spec, Object value) {
        if (spec == null) {
            if (value instanceof Number n) doc.add(new LongPoint(name, n.longValue()));
            else if (value.toString().length() <= IGNORE_ABOVE) doc.add(new StringField(name, value.toString(), Field.Store.NO));
            return;
        }
        switch (spec.type()) {
            case KEYWORD -> keyword(doc, spec, value.toString());
            case KEYWORD_TEXT -> {
                keyword(doc, spec, value.toString());
                doc.add(new Field(Fields.words(name), value.toString(), WORDS));
            }
            case TEXT -> {
                if (spec.indexesOwnWords()) doc.add(new Field(Fields.words(name), value.toString(), WORDS));
            }
            case LONG -> number(doc, spec, ((Number) value).longValue());
            case DATE -> date(doc, name, value instanceof Instant t ? t : Instant.parse(value.toString()));
            case IP -> {
                String text = value.toString();
                InetAddress address;
                try {
                    address = InetAddress.ofLiteral(text);
                } catch (IllegalArgumentException e) {
                    doc.add(new StringField(name, text, Field.Store.NO));
                    return;
                }
                doc.add(new InetAddressPoint(name, address));
                if (spec.aggregatable()) doc.add(new SortedSetDocValuesField(name, new BytesRef(text)));
            }
        }
    }

    private static void number(Document doc, FieldSpec spec, long n) {
        String name = spec.name();
        if (name.equals(EventSchema.SEQUENCE)) {
            doc.add(new LongPoint(name, n));
            doc.add(new NumericDocValuesField(name, n));
        } else if (spec.aggregatable()) {
            doc.add(new LongField(name, n, Field.Store.NO)); // points and doc values in one field
        } else {
            doc.add(new LongPoint(name, n));
        }
    }

    private static void date(Document doc, String name, Instant t) {
        doc.add(new LongPoint(name, Nanos.of(t)));
    }

    private static void keyword(Document doc, FieldSpec spec, String value) {
        if (value.length() > IGNORE_ABOVE) return;
        if (!spec.aggregatable()) {
            doc.add(new StringField(spec.name(), value, Field.Store.NO));
        } else if (spec.name().equals(EventSchema.AGENT_ID)) {
            doc.add(new StringField(spec.name(), value, Field.Store.NO));
            doc.add(new SortedDocValuesField(spec.name(), new BytesRef(value)));
        } else {
            doc.add(new KeywordField(spec.name(), value, Field.Store.NO)); // term and doc values in one field
        }
    }

    /**
     * Emits the fields of {@code Event.toEcs()} without building the map: same names, same values,
     * same skipping of nulls and empty strings. Kept in step with the event module's EcsWriter by
     * a test comparing both for many events.
     */
    private static final class Direct {
        private final Document doc;

        Direct(Document doc) {
            this.doc = doc;
        }

        private void put(String field, String value) {
            if (value == null || value.isEmpty()) return;
            add(doc, field, SPECS.get(field), value);
        }

        private void put(String field, long value) {
            FieldSpec spec = SPECS.get(field);
            if (spec != null && spec.type() == dev.kiroku.store.FieldType.LONG) number(doc, spec, value);
            else add(doc, field, spec, value);
        }

        private void put(String field, Instant value) {
            if (value == null) return;
            FieldSpec spec = SPECS.get(field);
            if (spec != null && spec.type() == dev.kiroku.store.FieldType.DATE) date(doc, field, value);
            else add(doc, field, spec, value.toString());
        }

        void event(Event event) {
            put("event.kind", event.payload() instanceof LossReport ? "metric" : "event");
            put("event.sequence", event.sequence());
            put("agent.id", event.agentId());
            put("host.name", event.hostName());
            put("host.os.type", "linux");
            for (Incomplete flag : event.incomplete()) put("kiroku.incomplete", flag.name().toLowerCase());
            payload(event.payload());
        }

        private void payload(Payload payload) {
            switch (payload) {
                case ProcessStart start -> {
                    category("process", "start", start.snapshot() ? "already_running" : "exec");
                    process(start.process());
                }
                case ProcessExit exit -> {
                    category("process", "end", "exit");
                    process(exit.process());
                    put("process.exit_code", exit.exitCode());
                    if (exit.signal() != 0) put("process.exit_signal", exit.signal());
                }
                case FileChange file -> file(file);
                case NetworkActivity network -> network(network);
                case UserActivity user -> user(user);
                case LossReport loss -> {
                    category("host", "info", "events_lost");
                    put("kiroku.loss.source", loss.source());
                    put("kiroku.loss.count", loss.count());
                    put("kiroku.loss.from", loss.from());
                    put("kiroku.loss.to", loss.to());
                    put("kiroku.loss.reason", loss.reason());
                }
            }
        }

        private void category(String category, String type, String action) {
            put("event.category", category);
            put("event.type", type);
            put("event.action", action);
        }

        private void file(FileChange file) {
            String type = switch (file.action()) {
                case CREATE -> "creation";
                case MODIFY, RENAME, ATTRIBUTES -> "change";
                case DELETE -> "deletion";
            };
            String action = switch (file.action()) {
                case CREATE -> "creation";
                case MODIFY -> "modification";
                case DELETE -> "deletion";
                case RENAME -> "rename";
                case ATTRIBUTES -> "attributes_modification";
            };
            category("file", type, action);
            put("file.path", file.path());
            String name = file.name();
            put("file.name", name);
            int slash = file.path().lastIndexOf('/');
            if (slash > 0) put("file.directory", file.path().substring(0, slash));
            int dot = name.lastIndexOf('.');
            if (dot > 0 && dot < name.length() - 1) put("file.extension", name.substring(dot + 1));
            put("file.type", file.directory() ? "dir" : "file");
            put("file.Ext.original.path", file.oldPath());
            if (file.process() != null) processRef(file.process(), false);
        }

        private void network(NetworkActivity network) {
            String type = switch (network.action()) {
                case CONNECT, ACCEPT -> "connection";
                case LISTEN, BIND, LISTENING_SOCKET, ESTABLISHED_SOCKET -> "info";
            };
            String direction = switch (network.action()) {
                case CONNECT -> "egress";
                case ACCEPT -> "ingress";
                case LISTEN, BIND, LISTENING_SOCKET -> "listening";
                case ESTABLISHED_SOCKET -> "unknown";
            };
            category("network", type, network.action().name().toLowerCase());
            put("event.outcome", network.success() ? "success" : "failure");
            put("network.transport", network.transport());
            put("network.direction", direction);
            String anyIp = network.destinationIp() != null ? network.destinationIp() : network.sourceIp();
            if (anyIp != null) put("network.type", anyIp.contains(":") ? "ipv6" : "ipv4");
            put("source.ip", network.sourceIp());
            if (network.sourcePort() > 0) put("source.port", network.sourcePort());
            put("destination.ip", network.destinationIp());
            if (network.destinationPort() > 0) put("destination.port", network.destinationPort());
            if (network.process() != null) processRef(network.process(), false);
        }

        private void user(UserActivity user) {
            String category = switch (user.action()) {
                case LOGON, LOGOFF -> "session";
                case AUTHENTICATION -> "authentication";
                case PRIVILEGE_CHANGE, ACCOUNT_CHANGE -> "iam";
            };
            String type = switch (user.action()) {
                case LOGON -> "start";
                case LOGOFF -> "end";
                case AUTHENTICATION -> "info";
                case PRIVILEGE_CHANGE, ACCOUNT_CHANGE -> "change";
            };
            category(category, type, user.action().name().toLowerCase());
            put("event.outcome", user.success() ? "success" : "failure");
            // In the ECS map a later put of the same key replaces the earlier value: the account
            // acted upon wins over the acting process's user, and the terminal over its tty.
            boolean ownUser = user.userName() != null && !user.userName().isEmpty();
            boolean ownUid = user.uid() >= 0;
            if (user.process() != null) processRef(user.process(), ownUser, ownUid);
            put("user.name", user.userName());
            if (ownUid) put("user.id", Integer.toString(user.uid()));
            put("source.ip", user.sourceIp());
            put("process.tty.name", user.terminal());
            put("kiroku.audit.record_type", user.recordType());
            put("message", user.message());
        }

        /** The full process fields, for process events. */
        private void process(ProcessInfo p) {
            processRef(p, false);
            put("process.hash.sha256", p.sha256());
            put("process.working_directory", p.workingDirectory());
            put("process.start", p.startTime());
            if (p.session() >= 0) put("process.session_id", p.session());
            put("process.tty.name", p.tty());
            ProcessInfo.Namespaces ns = p.namespaces();
            if (ns != null) {
                put("process.cgroup", ns.cgroup());
                put("container.id", ns.containerId());
                if (ns.pidNamespace() != 0) put("process.pid_namespace", ns.pidNamespace());
                if (ns.mountNamespace() != 0) put("process.mnt_namespace", ns.mountNamespace());
                if (ns.netNamespace() != 0) put("process.net_namespace", ns.netNamespace());
            }
        }

        private void processRef(ProcessInfo p, boolean unused) {
            processRef(p, false, false);
        }

        /** The process fields every event caused by a process carries; skips what a later put replaces. */
        private void processRef(ProcessInfo p, boolean skipUserName, boolean skipUserId) {
            put("process.entity_id", p.entityId());
            put("process.pid", p.pid());
            put("process.executable", p.executable());
            put("process.name", p.name());
            if (!p.args().isEmpty()) {
                // process.args borrows the words of process.command_line: nothing of its own to index
                put("process.args_count", p.args().size());
                put("process.command_line", p.commandLine());
            }
            ProcessInfo.ParentRef parent = p.parent();
            if (parent != null) {
                put("process.parent.entity_id", parent.entityId());
                put("process.parent.pid", parent.pid());
                put("process.parent.executable", parent.executable());
                put("process.parent.name", parent.name());
                if (!parent.args().isEmpty()) {
                    put("process.parent.command_line", CommandLine.join(parent.args()));
                }
            }
            ProcessInfo.Credentials user = p.user();
            if (user != null) {
                if (!skipUserId) put("user.id", Integer.toString(user.uid()));
                if (!skipUserName) put("user.name", user.name());
                put("user.effective.id", Integer.toString(user.euid()));
                put("user.effective.name", user.effectiveName());
                if (user.loginUid() >= 0 && user.loginUid() != 0xFFFFFFFF) put("process.user.login_id", Integer.toString(user.loginUid()));
                put("group.id", Integer.toString(user.gid()));
            }
        }
    }
}
