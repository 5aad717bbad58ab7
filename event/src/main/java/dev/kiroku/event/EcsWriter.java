package dev.kiroku.event;

import java.util.List;
import java.util.Map;

/** Flattens an {@link Event} into Elastic Common Schema field names; see docs/schema.md. */
final class EcsWriter {
    private final EcsFields fields;

    private EcsWriter(EcsFields fields) {
        this.fields = fields;
    }

    static void write(Event event, EcsFields fields) {
        EcsWriter writer = new EcsWriter(fields);
        writer.envelope(event);
        writer.payload(event.payload());
    }

    private void put(String field, Object value) {
        if (value == null) return;
        if (value instanceof String s && s.isEmpty()) return;
        fields.put(field, value);
    }

    private void envelope(Event event) {
        if (fields.wants("@timestamp")) fields.time("@timestamp", event.timestamp());
        put("event.kind", event.payload() instanceof LossReport ? "metric" : "event");
        put("event.sequence", event.sequence());
        put("agent.id", event.agentId());
        put("host.name", event.hostName());
        put("host.os.type", "linux");
        if (!event.incomplete().isEmpty()) {
            put("kiroku.incomplete", event.incomplete().stream().map(f -> f.name().toLowerCase()).toList());
        }
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
                fields.time("kiroku.loss.from", loss.from());
                fields.time("kiroku.loss.to", loss.to());
                put("kiroku.loss.reason", loss.reason());
            }
            case ExecutionBlocked blocked -> blocked(blocked);
            case YaraDetection yara -> yara(yara);
        }
    }

    private void category(String category, String type, String action) {
        put("event.category", List.of(category));
        put("event.type", List.of(type));
        put("event.action", action);
    }

    /** A refused execution: intrusion_detection and process, outcome failure; the refused file and the process that tried. */
    private void blocked(ExecutionBlocked blocked) {
        put("event.category", List.of("intrusion_detection", "process"));
        put("event.type", List.of("denied", "start"));
        put("event.action", "exec_blocked");
        put("event.outcome", "failure");
        put("event.reason", blocked.reason());
        if (blocked.attempt() != null) put("kiroku.block.attempt", blocked.attempt().name().toLowerCase());
        put("file.path", blocked.path());
        put("file.name", blocked.name());
        put("file.hash.sha256", blocked.sha256());
        if (blocked.process() != null) processRef(blocked.process());
    }

    /** A YARA rule matched a file scanned by policy; outcome failure when its execution was refused. */
    private void yara(YaraDetection yara) {
        put("event.category", List.of("intrusion_detection", "file"));
        put("event.type", yara.blocked() ? List.of("denied", "info") : List.of("info"));
        put("event.action", "yara_match");
        if (yara.blocked()) put("event.outcome", "failure");
        if (yara.trigger() != null) put("kiroku.yara.trigger", yara.trigger().name().toLowerCase());
        put("rule.name", yara.rule());
        put("rule.ruleset", yara.namespace());
        if (!yara.tags().isEmpty()) put("tags", yara.tags());
        put("file.path", yara.path());
        put("file.name", yara.name());
        put("file.hash.sha256", yara.sha256());
        if (!yara.strings().isEmpty()) {
            List<Map<String, Object>> strings = new java.util.ArrayList<>(yara.strings().size());
            for (YaraDetection.StringHit hit : yara.strings()) {
                Map<String, Object> s = new java.util.LinkedHashMap<>();
                s.put("identifier", hit.identifier());
                s.put("offset", hit.offset());
                s.put("length", hit.length());
                s.put("preview", hit.preview());
                strings.add(s);
            }
            put("yara.strings", strings);
        }
        if (yara.process() != null) processRef(yara.process());
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
        put("file.name", file.name());
        int slash = file.path().lastIndexOf('/');
        if (slash > 0 && fields.wants("file.directory")) put("file.directory", file.path().substring(0, slash));
        int dot = file.name().lastIndexOf('.');
        if (dot > 0 && dot < file.name().length() - 1 && fields.wants("file.extension")) put("file.extension", file.name().substring(dot + 1));
        put("file.type", file.directory() ? "dir" : "file");
        put("file.Ext.original.path", file.oldPath());
        put("file.hash.md5", file.md5());
        put("file.hash.sha1", file.sha1());
        put("file.hash.sha256", file.sha256());
        if (file.process() != null) processRef(file.process());
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
        if (network.process() != null) processRef(network.process());
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
        // The account acted upon wins over the acting process's user: each field is written once.
        if (user.process() != null) processRef(user.process(), user.userName() == null, user.uid() < 0);
        put("user.name", user.userName());
        if (user.uid() >= 0) put("user.id", Integer.toString(user.uid()));
        put("source.ip", user.sourceIp());
        put("process.tty.name", user.terminal());
        put("kiroku.audit.record_type", user.recordType());
        put("message", user.message());
    }

    /** The full process fields, for process events. */
    private void process(ProcessInfo p) {
        processRef(p);
        put("process.hash.md5", p.md5());
        put("process.hash.sha1", p.sha1());
        put("process.hash.sha256", p.sha256());
        put("process.working_directory", p.workingDirectory());
        if (p.startTime() != null && fields.wants("process.start")) fields.time("process.start", p.startTime());
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

    /** The process fields every event caused by a process carries. */
    private void processRef(ProcessInfo p) {
        processRef(p, true, true);
    }

    private void processRef(ProcessInfo p, boolean withUserName, boolean withUserId) {
        put("process.entity_id", p.entityId());
        put("process.pid", p.pid());
        put("process.executable", p.executable());
        if (fields.wants("process.name")) put("process.name", p.name());
        if (!p.args().isEmpty()) {
            put("process.args", p.args());
            put("process.args_count", p.args().size());
            if (fields.wants("process.command_line")) put("process.command_line", p.commandLine());
        }
        ProcessInfo.ParentRef parent = p.parent();
        if (parent != null) {
            put("process.parent.entity_id", parent.entityId());
            put("process.parent.pid", parent.pid());
            put("process.parent.executable", parent.executable());
            if (fields.wants("process.parent.name")) put("process.parent.name", parent.name());
            if (!parent.args().isEmpty()) {
                put("process.parent.args", parent.args());
                if (fields.wants("process.parent.command_line")) put("process.parent.command_line", CommandLines.join(parent.args()));
            }
        }
        ProcessInfo.Credentials user = p.user();
        if (user != null) {
            if (withUserId && fields.wants("user.id")) put("user.id", Integer.toString(user.uid()));
            if (withUserName) put("user.name", user.name());
            if (fields.wants("user.effective.id")) put("user.effective.id", Integer.toString(user.euid()));
            put("user.effective.name", user.effectiveName());
            if (user.loginUid() >= 0 && user.loginUid() != 0xFFFFFFFF && fields.wants("process.user.login_id")) {
                put("process.user.login_id", Integer.toString(user.loginUid()));
            }
            if (fields.wants("group.id")) put("group.id", Integer.toString(user.gid()));
        }
    }
}
