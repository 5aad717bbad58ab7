package dev.kiroku.indicators.openioc;

import dev.kiroku.indicators.expr.EcsTerms;
import dev.kiroku.indicators.expr.EventView;
import dev.kiroku.indicators.expr.Field;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which OpenIOC terms ({@code Context/@search}) Kiroku answers, with the ECS fields they read, and
 * why the others cannot be evaluated. {@code eventItem/} prefixes (OpenIOC 1.1 event terms) are
 * ignored: {@code eventItem/processEvent/process} is {@code processEvent/process}.
 */
public final class OpenIocTerms {

    /** How Kiroku answers a term: the ECS fields, or the reason it cannot. */
    public record Mapping(String term, Field field, boolean ipValued, String unsupportedReason) {
        public boolean mapped() {
            return field != null;
        }
    }

    private static final Map<String, List<String>> FIELDS = new LinkedHashMap<>();
    private static final Map<String, String> IP_TERMS = new LinkedHashMap<>();
    /** Reasons by term prefix, longest prefix first wins. */
    private static final Map<String, String> UNSUPPORTED = new LinkedHashMap<>();

    private static final String NO_HTTP = "HTTP requests are not recorded";
    private static final String NO_CONTENT = "file content is not recorded (scan it with YARA)";
    private static final String NO_PE = "PE structure is not recorded (Linux endpoints; scan with YARA)";
    private static final String NO_MEMORY = "process memory, handles and modules are not recorded";
    private static final String WINDOWS = "Windows-only artefact, absent on Linux endpoints";

    static {
        String pname = "process.name", pexe = "process.executable", pid = "process.pid", user = "user.name";
        // files
        map("FileItem/FileName", EcsTerms.FILE_NAME);
        map("FileItem/FullPath", EcsTerms.FILE_PATH);
        map("FileItem/FilePath", List.of("file.directory", EventView.PROCESS_DIRECTORY));
        map("FileItem/FileExtension", List.of("file.extension"));
        map("FileItem/Md5sum", EcsTerms.MD5);
        map("FileItem/Sha1sum", EcsTerms.SHA1);
        map("FileItem/Sha256sum", EcsTerms.SHA256);
        // processes
        map("ProcessItem/name", List.of(pname));
        map("ProcessItem/path", List.of(EventView.PROCESS_DIRECTORY));
        map("ProcessItem/arguments", List.of("process.command_line"));
        map("ProcessItem/pid", List.of(pid));
        map("ProcessItem/parentpid", List.of("process.parent.pid"));
        map("ProcessItem/Username", List.of(user));
        // listening and connected ports
        ip("PortItem/remoteIP", "destination.ip");
        ip("PortItem/localIP", "source.ip");
        map("PortItem/remotePort", List.of("destination.port"));
        map("PortItem/localPort", List.of("source.port"));
        map("PortItem/protocol", List.of("network.transport"));
        map("PortItem/process", List.of(pname));
        map("PortItem/path", List.of(pexe));
        map("PortItem/pid", List.of(pid));
        // names: Kiroku records no DNS; host names are read from command lines
        map("Network/DNS", EcsTerms.DOMAIN);
        map("DnsEntryItem/RecordName", EcsTerms.DOMAIN);
        map("DnsEntryItem/Host", EcsTerms.DOMAIN);
        // 1.1 event terms
        map("processEvent/process", List.of(pname));
        map("processEvent/processPath", List.of(pexe));
        map("processEvent/processCmdLine", List.of("process.command_line"));
        map("processEvent/parentProcess", List.of("process.parent.name"));
        map("processEvent/parentProcessPath", List.of("process.parent.executable"));
        map("processEvent/pid", List.of(pid));
        map("processEvent/parentPid", List.of("process.parent.pid"));
        map("processEvent/username", List.of(user));
        map("processEvent/eventType", List.of("event.type"));
        map("processEvent/md5", List.of("process.hash.md5"));
        map("fileWriteEvent/fileName", List.of("file.name"));
        map("fileWriteEvent/fullPath", List.of("file.path"));
        map("fileWriteEvent/filePath", List.of("file.directory"));
        map("fileWriteEvent/fileExtension", List.of("file.extension"));
        map("fileWriteEvent/md5", List.of("file.hash.md5"));
        for (String event : List.of("fileWriteEvent", "dnsLookupEvent", "urlMonitorEvent", "ipv4NetworkEvent")) {
            map(event + "/process", List.of(pname));
            map(event + "/processPath", List.of(pexe));
            map(event + "/pid", List.of(pid));
            map(event + "/username", List.of(user));
        }
        map("dnsLookupEvent/hostname", EcsTerms.DOMAIN);
        map("urlMonitorEvent/hostname", EcsTerms.DOMAIN);
        map("urlMonitorEvent/requestUrl", EcsTerms.URL);
        ip("ipv4NetworkEvent/remoteIP", "destination.ip");
        ip("ipv4NetworkEvent/localIP", "source.ip");
        map("ipv4NetworkEvent/remotePort", List.of("destination.port"));
        map("ipv4NetworkEvent/localPort", List.of("source.port"));
        map("ipv4NetworkEvent/protocol", List.of("network.transport"));

        UNSUPPORTED.put("FileItem/PEInfo/", NO_PE);
        UNSUPPORTED.put("FileItem/StringList/", NO_CONTENT);
        UNSUPPORTED.put("FileItem/", "this file attribute is not recorded (Kiroku records path, name, directory, extension)");
        UNSUPPORTED.put("ProcessItem/", NO_MEMORY);
        UNSUPPORTED.put("PortItem/", "this socket attribute is not recorded");
        UNSUPPORTED.put("fileWriteEvent/", NO_CONTENT);
        UNSUPPORTED.put("urlMonitorEvent/", NO_HTTP);
        UNSUPPORTED.put("Network/", NO_HTTP);
        UNSUPPORTED.put("DnsEntryItem/", "DNS records are not recorded (host names are read from command lines)");
        UNSUPPORTED.put("dnsLookupEvent/", "DNS records are not recorded (host names are read from command lines)");
        UNSUPPORTED.put("imageLoadEvent/", "module loads are not recorded");
        UNSUPPORTED.put("ModuleItem/", NO_MEMORY);
        UNSUPPORTED.put("HookItem/", NO_MEMORY);
        UNSUPPORTED.put("Yara/", "content rules belong to the YARA engine (kiroku-yara), not to event matching");
        for (String windows : List.of("RegistryItem/", "regKeyEvent/", "EventLogItem/", "TaskItem/", "ServiceItem/",
                "DriverItem/", "HiveItem/", "PrefetchItem/", "SystemRestoreItem/", "QuarantineEventItem/",
                "QuarantineListItem/")) {
            UNSUPPORTED.put(windows, WINDOWS);
        }
        UNSUPPORTED.put("Email/", "e-mail is not endpoint telemetry");
        UNSUPPORTED.put("Snort/", "network signatures belong to a network sensor");
        for (String history : List.of("UrlHistoryItem/", "CookieHistoryItem/", "FormHistoryItem/", "FileDownloadHistoryItem/")) {
            UNSUPPORTED.put(history, "browser history is not recorded");
        }
    }

    private OpenIocTerms() {
    }

    private static void map(String term, List<String> ecs) {
        FIELDS.put(term, ecs);
    }

    private static void ip(String term, String ecs) {
        FIELDS.put(term, List.of(ecs));
        IP_TERMS.put(term, ecs);
    }

    /** How Kiroku answers a term (never null; unknown terms are unsupported with that reason). */
    public static Mapping lookup(String search) {
        String term = search.startsWith("eventItem/") ? search.substring("eventItem/".length()) : search;
        List<String> ecs = FIELDS.get(term);
        if (ecs != null) return new Mapping(search, new Field(search, ecs), IP_TERMS.containsKey(term), null);
        return new Mapping(search, null, false, unsupportedReason(term));
    }

    private static String unsupportedReason(String term) {
        Optional<String> reason = UNSUPPORTED.entrySet().stream()
                .filter(e -> term.startsWith(e.getKey()))
                .max(java.util.Comparator.comparingInt(e -> e.getKey().length()))
                .map(Map.Entry::getValue);
        return reason.orElse("not recorded by Kiroku's sensor");
    }

    /** Every term with an ECS mapping (whether Kiroku records its fields is {@link EcsTerms#recorded}). */
    public static Map<String, List<String>> mappedTerms() {
        return java.util.Collections.unmodifiableMap(FIELDS);
    }
}
