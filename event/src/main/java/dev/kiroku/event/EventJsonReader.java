package dev.kiroku.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the canonical JSON of {@link EventCodec} straight from Jackson's token stream into the event records,
 * without the mapper's reflection, buffers and per-field deserializers: the server decodes every event it
 * receives. It takes the shape {@link EventJsonWriter} writes (the payload's {@code type} first) and ignores
 * unknown fields as the mapper does. Anything else (another shape, a coercion the mapper would make, an error)
 * makes it give up with {@link NotCanonical}, and {@link EventCodec#decode} asks the mapper, so every input is
 * read exactly as the mapper reads it. {@code EventJsonReaderTest} compares both on random and damaged events.
 * Thread-safe.
 */
final class EventJsonReader {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    /** The input is not canonical JSON this reader takes; the mapper decides what it is. */
    static final class NotCanonical extends Exception {
        NotCanonical(String message) {
            super(message, null, false, false);
        }
    }

    private EventJsonReader() {
    }

    static Event read(byte[] bytes, int offset, int length) throws NotCanonical {
        try (JsonParser p = FACTORY.createParser(bytes, offset, length)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            Event event = event(p);
            if (p.nextToken() != null) throw new NotCanonical("content after the event");
            return event;
        } catch (IOException | RuntimeException e) {
            throw new NotCanonical(e.toString());
        }
    }

    private static Event event(JsonParser p) throws IOException, NotCanonical {
        String agentId = null;
        String hostName = null;
        long sequence = 0;
        Instant timestamp = null;
        List<Incomplete> incomplete = null;
        Payload payload = null;
        for (String name; (name = p.nextFieldName()) != null; ) {
            JsonToken value = p.nextToken();
            switch (name) {
                case "agentId" -> agentId = string(p, value);
                case "sequence" -> sequence = longValue(p, value);
                case "timestamp" -> timestamp = instant(p, value);
                case "hostName" -> hostName = string(p, value);
                case "incomplete" -> incomplete = incomplete(p, value);
                case "payload" -> payload = payload(p, value);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        if (agentId == null || timestamp == null || payload == null) throw new NotCanonical("a required field is missing");
        return new Event(agentId, sequence, timestamp, hostName, incomplete, payload);
    }

    private static Payload payload(JsonParser p, JsonToken value) throws IOException, NotCanonical {
        expect(value, JsonToken.START_OBJECT);
        if (!"type".equals(p.nextFieldName())) throw new NotCanonical("the payload's type is not its first field");
        String type = string(p, p.nextToken());
        if (type == null) throw new NotCanonical("no payload type");
        return switch (type) {
            case "process_start" -> processStart(p);
            case "process_exit" -> processExit(p);
            case "file" -> fileChange(p);
            case "network" -> network(p);
            case "user" -> user(p);
            case "loss" -> loss(p);
            case "execution_blocked" -> executionBlocked(p);
            case "yara_detection" -> yaraDetection(p);
            default -> throw new NotCanonical("unknown payload type");
        };
    }

    private static ProcessStart processStart(JsonParser p) throws IOException, NotCanonical {
        ProcessInfo process = null;
        boolean snapshot = false;
        for (String name; (name = p.nextFieldName()) != null; ) {
            JsonToken value = p.nextToken();
            switch (name) {
                case "process" -> process = process(p, value);
                case "snapshot" -> snapshot = bool(value);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        return new ProcessStart(process, snapshot);
    }

    private static ProcessExit processExit(JsonParser p) throws IOException, NotCanonical {
        ProcessInfo process = null;
        int exitCode = 0;
        int signal = 0;
        for (String name; (name = p.nextFieldName()) != null; ) {
            JsonToken value = p.nextToken();
            switch (name) {
                case "process" -> process = process(p, value);
                case "exitCode" -> exitCode = intValue(p, value);
                case "signal" -> signal = intValue(p, value);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        return new ProcessExit(process, exitCode, signal);
    }

    private static FileChange fileChange(JsonParser p) throws IOException, NotCanonical {
        FileChange.Action action = null;
        String path = null;
        String oldPath = null;
        boolean directory = false;
        ProcessInfo process = null;
        String sha256 = null;
        String md5 = null;
        String sha1 = null;
        for (String name; (name = p.nextFieldName()) != null; ) {
            JsonToken value = p.nextToken();
            switch (name) {
                case "action" -> action = enumValue(p, value, FileChange.Action.class);
                case "path" -> path = string(p, value);
                case "oldPath" -> oldPath = string(p, value);
                case "directory" -> directory = bool(value);
                case "process" -> process = process(p, value);
                case "sha256" -> sha256 = string(p, value);
                case "md5" -> md5 = string(p, value);
                case "sha1" -> sha1 = string(p, value);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        return new FileChange(action, path, oldPath, directory, process, sha256, md5, sha1);
    }

    private static NetworkActivity network(JsonParser p) throws IOException, NotCanonical {
        NetworkActivity.Action action = null;
        String transport = null;
        String sourceIp = null;
        int sourcePort = 0;
        String destinationIp = null;
        int destinationPort = 0;
        boolean success = false;
        ProcessInfo process = null;
        for (String name; (name = p.nextFieldName()) != null; ) {
            JsonToken value = p.nextToken();
            switch (name) {
                case "action" -> action = enumValue(p, value, NetworkActivity.Action.class);
                case "transport" -> transport = string(p, value);
                case "sourceIp" -> sourceIp = string(p, value);
                case "sourcePort" -> sourcePort = intValue(p, value);
                case "destinationIp" -> destinationIp = string(p, value);
                case "destinationPort" -> destinationPort = intValue(p, value);
                case "success" -> success = bool(value);
                case "process" -> process = process(p, value);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        return new NetworkActivity(action, transport, sourceIp, sourcePort, destinationIp, destinationPort, success, process);
    }

    private static UserActivity user(JsonParser p) throws IOException, NotCanonical {
        UserActivity.Action action = null;
        String userName = null;
        int uid = 0;
        boolean success = false;
        String sourceIp = null;
        String terminal = null;
        String recordType = null;
        String message = null;
        ProcessInfo process = null;
        for (String name; (name = p.nextFieldName()) != null; ) {
            JsonToken value = p.nextToken();
            switch (name) {
                case "action" -> action = enumValue(p, value, UserActivity.Action.class);
                case "userName" -> userName = string(p, value);
                case "uid" -> uid = intValue(p, value);
                case "success" -> success = bool(value);
                case "sourceIp" -> sourceIp = string(p, value);
                case "terminal" -> terminal = string(p, value);
                case "recordType" -> recordType = string(p, value);
                case "message" -> message = string(p, value);
                case "process" -> process = process(p, value);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        return new UserActivity(action, userName, uid, success, sourceIp, terminal, recordType, message, process);
    }

    private static LossReport loss(JsonParser p) throws IOException, NotCanonical {
        String source = null;
        long count = 0;
        Instant from = null;
        Instant to = null;
        String reason = null;
        for (String name; (name = p.nextFieldName()) != null; ) {
            JsonToken value = p.nextToken();
            switch (name) {
                case "source" -> source = string(p, value);
                case "count" -> count = longValue(p, value);
                case "from" -> from = instant(p, value);
                case "to" -> to = instant(p, value);
                case "reason" -> reason = string(p, value);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        return new LossReport(source, count, from, to, reason);
    }

    private static ExecutionBlocked executionBlocked(JsonParser p) throws IOException, NotCanonical {
        ExecutionBlocked.Attempt attempt = null;
        String path = null;
        String sha256 = null;
        String reason = null;
        ProcessInfo process = null;
        for (String name; (name = p.nextFieldName()) != null; ) {
            JsonToken value = p.nextToken();
            switch (name) {
                case "attempt" -> attempt = enumValue(p, value, ExecutionBlocked.Attempt.class);
                case "path" -> path = string(p, value);
                case "sha256" -> sha256 = string(p, value);
                case "reason" -> reason = string(p, value);
                case "process" -> process = process(p, value);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        return new ExecutionBlocked(attempt, path, sha256, reason, process);
    }

    private static YaraDetection yaraDetection(JsonParser p) throws IOException, NotCanonical {
        YaraDetection.Trigger trigger = null;
        boolean blocked = false;
        String path = null;
        String sha256 = null;
        String rule = null;
        String namespace = null;
        List<String> tags = null;
        List<YaraDetection.StringHit> strings = null;
        ProcessInfo process = null;
        for (String name; (name = p.nextFieldName()) != null; ) {
            JsonToken value = p.nextToken();
            switch (name) {
                case "trigger" -> trigger = enumValue(p, value, YaraDetection.Trigger.class);
                case "blocked" -> blocked = bool(value);
                case "path" -> path = string(p, value);
                case "sha256" -> sha256 = string(p, value);
                case "rule" -> rule = string(p, value);
                case "namespace" -> namespace = string(p, value);
                case "tags" -> tags = strings(p, value);
                case "strings" -> strings = stringHits(p, value);
                case "process" -> process = process(p, value);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        return new YaraDetection(trigger, blocked, path, sha256, rule, namespace, tags, strings, process);
    }

    private static List<YaraDetection.StringHit> stringHits(JsonParser p, JsonToken value) throws IOException, NotCanonical {
        if (value == JsonToken.VALUE_NULL) return null;
        expect(value, JsonToken.START_ARRAY);
        List<YaraDetection.StringHit> hits = new ArrayList<>();
        for (JsonToken t; (t = p.nextToken()) != JsonToken.END_ARRAY; ) {
            expect(t, JsonToken.START_OBJECT);
            String identifier = null;
            long offset = 0;
            int length = 0;
            String preview = null;
            for (String name; (name = p.nextFieldName()) != null; ) {
                JsonToken v = p.nextToken();
                switch (name) {
                    case "identifier" -> identifier = string(p, v);
                    case "offset" -> offset = longValue(p, v);
                    case "length" -> length = intValue(p, v);
                    case "preview" -> preview = string(p, v);
                    default -> p.skipChildren();
                }
            }
            endOfObject(p);
            hits.add(new YaraDetection.StringHit(identifier, offset, length, preview));
        }
        return hits;
    }

    private static ProcessInfo process(JsonParser p, JsonToken value) throws IOException, NotCanonical {
        if (value == JsonToken.VALUE_NULL) return null;
        expect(value, JsonToken.START_OBJECT);
        String entityId = null;
        int pid = 0;
        Instant startTime = null;
        ProcessInfo.ParentRef parent = null;
        String executable = null;
        List<String> args = null;
        String workingDirectory = null;
        String sha256 = null;
        ProcessInfo.Credentials user = null;
        long session = 0;
        String tty = null;
        ProcessInfo.Namespaces namespaces = null;
        String md5 = null;
        String sha1 = null;
        for (String name; (name = p.nextFieldName()) != null; ) {
            JsonToken token = p.nextToken();
            switch (name) {
                case "entityId" -> entityId = string(p, token);
                case "pid" -> pid = intValue(p, token);
                case "startTime" -> startTime = instant(p, token);
                case "parent" -> parent = parent(p, token);
                case "executable" -> executable = string(p, token);
                case "args" -> args = strings(p, token);
                case "workingDirectory" -> workingDirectory = string(p, token);
                case "sha256" -> sha256 = string(p, token);
                case "user" -> user = credentials(p, token);
                case "session" -> session = longValue(p, token);
                case "tty" -> tty = string(p, token);
                case "namespaces" -> namespaces = namespaces(p, token);
                case "md5" -> md5 = string(p, token);
                case "sha1" -> sha1 = string(p, token);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        return new ProcessInfo(entityId, pid, startTime, parent, executable, args, workingDirectory, sha256, user, session,
                tty, namespaces, md5, sha1);
    }

    private static ProcessInfo.ParentRef parent(JsonParser p, JsonToken value) throws IOException, NotCanonical {
        if (value == JsonToken.VALUE_NULL) return null;
        expect(value, JsonToken.START_OBJECT);
        String entityId = null;
        int pid = 0;
        String executable = null;
        List<String> args = null;
        for (String name; (name = p.nextFieldName()) != null; ) {
            JsonToken token = p.nextToken();
            switch (name) {
                case "entityId" -> entityId = string(p, token);
                case "pid" -> pid = intValue(p, token);
                case "executable" -> executable = string(p, token);
                case "args" -> args = strings(p, token);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        return new ProcessInfo.ParentRef(entityId, pid, executable, args);
    }

    private static ProcessInfo.Credentials credentials(JsonParser p, JsonToken value) throws IOException, NotCanonical {
        if (value == JsonToken.VALUE_NULL) return null;
        expect(value, JsonToken.START_OBJECT);
        int uid = 0;
        String name = null;
        int euid = 0;
        String effectiveName = null;
        int loginUid = 0;
        int gid = 0;
        int egid = 0;
        for (String field; (field = p.nextFieldName()) != null; ) {
            JsonToken token = p.nextToken();
            switch (field) {
                case "uid" -> uid = intValue(p, token);
                case "name" -> name = string(p, token);
                case "euid" -> euid = intValue(p, token);
                case "effectiveName" -> effectiveName = string(p, token);
                case "loginUid" -> loginUid = intValue(p, token);
                case "gid" -> gid = intValue(p, token);
                case "egid" -> egid = intValue(p, token);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        return new ProcessInfo.Credentials(uid, name, euid, effectiveName, loginUid, gid, egid);
    }

    private static ProcessInfo.Namespaces namespaces(JsonParser p, JsonToken value) throws IOException, NotCanonical {
        if (value == JsonToken.VALUE_NULL) return null;
        expect(value, JsonToken.START_OBJECT);
        String cgroup = null;
        String containerId = null;
        long pidNamespace = 0;
        long mountNamespace = 0;
        long netNamespace = 0;
        for (String name; (name = p.nextFieldName()) != null; ) {
            JsonToken token = p.nextToken();
            switch (name) {
                case "cgroup" -> cgroup = string(p, token);
                case "containerId" -> containerId = string(p, token);
                case "pidNamespace" -> pidNamespace = longValue(p, token);
                case "mountNamespace" -> mountNamespace = longValue(p, token);
                case "netNamespace" -> netNamespace = longValue(p, token);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        return new ProcessInfo.Namespaces(cgroup, containerId, pidNamespace, mountNamespace, netNamespace);
    }

    private static List<Incomplete> incomplete(JsonParser p, JsonToken value) throws IOException, NotCanonical {
        if (value == JsonToken.VALUE_NULL) return null;
        expect(value, JsonToken.START_ARRAY);
        List<Incomplete> flags = new ArrayList<>(2);
        for (JsonToken t; (t = p.nextToken()) != JsonToken.END_ARRAY; ) flags.add(enumValue(p, t, Incomplete.class));
        return flags;
    }

    private static List<String> strings(JsonParser p, JsonToken value) throws IOException, NotCanonical {
        if (value == JsonToken.VALUE_NULL) return null;
        expect(value, JsonToken.START_ARRAY);
        List<String> values = new ArrayList<>();
        for (JsonToken t; (t = p.nextToken()) != JsonToken.END_ARRAY; ) {
            String s = string(p, t);
            if (s == null) throw new NotCanonical("null in a list of strings");
            values.add(s);
        }
        return values;
    }

    /** Only JSON strings and nulls: the mapper's coercions of numbers and booleans are left to the mapper. */
    private static String string(JsonParser p, JsonToken value) throws IOException, NotCanonical {
        if (value == JsonToken.VALUE_STRING) return p.getText();
        if (value == JsonToken.VALUE_NULL) return null;
        throw new NotCanonical("not a string");
    }

    private static <E extends Enum<E>> E enumValue(JsonParser p, JsonToken value, Class<E> type) throws IOException, NotCanonical {
        if (value == JsonToken.VALUE_NULL) return null;
        if (value != JsonToken.VALUE_STRING) throw new NotCanonical("not an enum constant");
        try {
            return Enum.valueOf(type, p.getText());
        } catch (IllegalArgumentException e) {
            throw new NotCanonical("unknown " + type.getSimpleName());
        }
    }

    private static long longValue(JsonParser p, JsonToken value) throws IOException, NotCanonical {
        if (value == JsonToken.VALUE_NUMBER_INT) return p.getLongValue();
        if (value == JsonToken.VALUE_NULL) return 0;
        throw new NotCanonical("not an integer");
    }

    private static int intValue(JsonParser p, JsonToken value) throws IOException, NotCanonical {
        if (value == JsonToken.VALUE_NUMBER_INT) return p.getIntValue();
        if (value == JsonToken.VALUE_NULL) return 0;
        throw new NotCanonical("not an integer");
    }

    private static boolean bool(JsonToken value) throws NotCanonical {
        return switch (value) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE, VALUE_NULL -> false;
            default -> throw new NotCanonical("not a boolean");
        };
    }

    private static Instant instant(JsonParser p, JsonToken value) throws IOException, NotCanonical {
        if (value == JsonToken.VALUE_NULL) return null;
        if (value != JsonToken.VALUE_STRING) throw new NotCanonical("not an ISO-8601 instant");
        Instant instant = IsoInstants.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        if (instant == null) throw new NotCanonical("not an instant as the writer writes them");
        return instant;
    }

    private static void expect(JsonToken actual, JsonToken expected) throws NotCanonical {
        if (actual != expected) throw new NotCanonical("expected " + expected + ", found " + actual);
    }

    /** After the last field: {@code nextFieldName} returned null, which is canonical only at the object's end. */
    private static void endOfObject(JsonParser p) throws NotCanonical {
        if (p.currentToken() != JsonToken.END_OBJECT) throw new NotCanonical("expected a field name, found " + p.currentToken());
    }
}
