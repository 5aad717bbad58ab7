package dev.kiroku.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ECS fields the store knows, with how each is indexed. Queries may only name these fields;
 * an event field missing here is still stored and indexed by its value's type, as a keyword or number.
 */
public final class EventSchema {
    public static final String TIMESTAMP = "@timestamp";
    public static final String SEQUENCE = "event.sequence";
    public static final String AGENT_ID = "agent.id";
    public static final String HOST_NAME = "host.name";

    /** Fields bare words (no {@code field:}) search. */
    public static final List<String> DEFAULT_WORD_FIELDS =
            List.of("process.command_line", "process.executable", "file.path", "message");

    private static final Map<String, FieldSpec> FIELDS = new LinkedHashMap<>();

    static {
        for (String f : List.of(TIMESTAMP, "process.start", "kiroku.loss.from", "kiroku.loss.to")) {
            add(f, FieldType.DATE, f.equals(TIMESTAMP), null);
        }
        for (String f : List.of(SEQUENCE, "process.pid", "process.parent.pid", "process.args_count",
                "process.exit_code", "process.exit_signal", "process.session_id", "process.pid_namespace",
                "process.mnt_namespace", "process.net_namespace", "source.port", "kiroku.loss.count")) {
            add(f, FieldType.LONG, f.equals(SEQUENCE), null);
        }
        add("destination.port", FieldType.LONG, true, null);
        add("source.ip", FieldType.IP, false, null);
        add("destination.ip", FieldType.IP, true, null);
        add("process.command_line", FieldType.TEXT, false, "process.command_line");
        add("process.args", FieldType.TEXT, false, "process.command_line");
        add("process.parent.command_line", FieldType.TEXT, false, "process.parent.command_line");
        add("process.parent.args", FieldType.TEXT, false, "process.parent.command_line");
        add("process.executable", FieldType.KEYWORD_TEXT, true, "process.executable");
        add("process.parent.executable", FieldType.KEYWORD_TEXT, false, "process.parent.executable");
        add("file.path", FieldType.KEYWORD_TEXT, false, "file.path");
        add("file.Ext.original.path", FieldType.KEYWORD_TEXT, false, "file.Ext.original.path");
        add("message", FieldType.KEYWORD_TEXT, false, "message");
        for (String f : List.of(AGENT_ID, "host.name", "event.action", "event.category", "process.name",
                "process.parent.name", "user.name", "file.extension", "process.hash.sha256", "network.transport")) {
            add(f, FieldType.KEYWORD, true, null);
        }
        for (String f : List.of("event.kind", "host.os.type", "kiroku.incomplete", "event.type",
                "event.outcome", "process.entity_id", "process.parent.entity_id", "process.working_directory",
                "process.tty.name", "process.hash.md5", "process.hash.sha1", "process.cgroup", "container.id", "process.user.login_id", "user.id",
                "user.effective.id", "user.effective.name", "group.id", "file.name", "file.directory",
                "file.type", "network.direction", "network.type", "kiroku.loss.source", "kiroku.loss.reason",
                "kiroku.audit.record_type", "file.hash.sha256", "event.reason", "kiroku.block.attempt",
                "file.hash.md5", "file.hash.sha1")) {
            add(f, FieldType.KEYWORD, false, null);
        }
    }

    private EventSchema() {
    }

    private static void add(String name, FieldType type, boolean aggregatable, String wordsField) {
        if (FIELDS.put(name, new FieldSpec(name, type, aggregatable, wordsField)) != null) {
            throw new IllegalStateException("field declared twice: " + name);
        }
    }

    public static Optional<FieldSpec> field(String name) {
        return Optional.ofNullable(FIELDS.get(name));
    }

    public static Map<String, FieldSpec> fields() {
        return java.util.Collections.unmodifiableMap(FIELDS);
    }
}
