package dev.kiroku.indicators.stix;

import dev.kiroku.indicators.expr.EcsTerms;
import dev.kiroku.indicators.expr.Field;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which STIX object paths Kiroku answers and with which ECS fields. Hash names are normalised
 * ({@code 'SHA-256'}, {@code SHA256}, {@code sha-256} are the same); {@code binary_ref} (2.0) and
 * {@code image_ref} (2.1) are the process executable.
 */
final class StixPaths {
    /** How a path compares: as an IP address, a case-insensitive name (hashes, domains), or as written. */
    enum ValueKind { IP, CASE_INSENSITIVE, CASE_SENSITIVE }

    record Mapping(Field field, ValueKind kind) {
    }

    private static final Map<String, List<String>> HASHES = Map.of(
            "md5", EcsTerms.MD5, "sha1", EcsTerms.SHA1, "sha256", EcsTerms.SHA256);

    private StixPaths() {
    }

    /** The mapping of {@code type:path}, or null when Kiroku records nothing that answers it. */
    static Mapping lookup(String type, String path) {
        String term = type + ":" + path;
        String p = path.replace("binary_ref.", "image_ref.");
        if (p.startsWith("hashes.") || p.startsWith("image_ref.hashes.")) {
            String algorithm = p.substring(p.lastIndexOf("hashes.") + 7).toLowerCase(Locale.ROOT).replace("-", "");
            List<String> fields = HASHES.get(algorithm);
            if (fields == null || !(type.equals("file") || type.equals("process") && p.startsWith("image_ref."))) return null;
            return new Mapping(new Field(term, type.equals("process") ? List.of("process.hash." + algorithm) : fields),
                    ValueKind.CASE_INSENSITIVE);
        }
        return switch (type + ":" + p) {
            case "file:name" -> sensitive(term, EcsTerms.FILE_NAME);
            case "file:parent_directory_ref.path", "directory:path" -> sensitive(term, List.of("file.directory"));
            case "ipv4-addr:value", "ipv6-addr:value", "network-traffic:dst_ref.value" ->
                    new Mapping(new Field(term, type.equals("network-traffic") ? List.of("destination.ip") : EcsTerms.IP), ValueKind.IP);
            case "network-traffic:src_ref.value" -> new Mapping(new Field(term, List.of("source.ip")), ValueKind.IP);
            case "network-traffic:dst_port" -> sensitive(term, List.of("destination.port"));
            case "network-traffic:src_port" -> sensitive(term, List.of("source.port"));
            case "network-traffic:protocols[*]", "network-traffic:protocols[0]" ->
                    new Mapping(new Field(term, List.of("network.transport")), ValueKind.CASE_INSENSITIVE);
            case "domain-name:value" -> new Mapping(new Field(term, EcsTerms.DOMAIN), ValueKind.CASE_INSENSITIVE);
            case "url:value" -> sensitive(term, EcsTerms.URL);
            case "process:name", "process:image_ref.name" -> sensitive(term, List.of("process.name"));
            case "process:command_line" -> sensitive(term, List.of("process.command_line"));
            case "process:pid" -> sensitive(term, List.of("process.pid"));
            case "process:cwd" -> sensitive(term, List.of("process.working_directory"));
            case "process:image_ref.parent_directory_ref.path" -> sensitive(term, List.of("kiroku.process.directory"));
            case "process:parent_ref.name", "process:parent_ref.image_ref.name" -> sensitive(term, List.of("process.parent.name"));
            case "process:parent_ref.command_line" -> sensitive(term, List.of("process.parent.command_line"));
            case "process:parent_ref.pid" -> sensitive(term, List.of("process.parent.pid"));
            case "user-account:account_login", "process:creator_user_ref.account_login" -> sensitive(term, List.of("user.name"));
            case "user-account:user_id", "process:creator_user_ref.user_id" -> sensitive(term, List.of("user.id"));
            default -> null;
        };
    }

    private static Mapping sensitive(String term, List<String> fields) {
        return new Mapping(new Field(term, fields), ValueKind.CASE_SENSITIVE);
    }
}
