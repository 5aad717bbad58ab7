package dev.kiroku.indicators.lists;

import dev.kiroku.indicators.IndicatorType;
import dev.kiroku.indicators.expr.Condition;
import dev.kiroku.indicators.expr.Domains;
import dev.kiroku.indicators.expr.EcsTerms;
import dev.kiroku.indicators.expr.Field;
import dev.kiroku.indicators.expr.IpRange;
import dev.kiroku.indicators.expr.Operator;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognises what a bare indicator value is (hash, address, range, domain, URL, file name) and
 * builds its condition. Defanged values ({@code hxxp://}, {@code example[.]com}) are refanged.
 */
public final class ValueKinds {
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
    private static final Pattern DOMAIN = Pattern.compile("(?i)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.)+[a-z][a-z0-9-]{0,62}[a-z0-9]\\.?");
    private static final Pattern FILE_NAME = Pattern.compile("[^/\\\\\\s:*?\"<>|]{1,255}");
    private static final Pattern URL = Pattern.compile("(?i)[a-z][a-z0-9+.-]*://\\S+");

    /** A recognised value: its type and normalised form. */
    public record Typed(IndicatorType type, String value) {
    }

    private ValueKinds() {
    }

    public static String refang(String value) {
        return value.replace("[.]", ".").replace("(.)", ".").replace("[:]", ":")
                .replaceFirst("(?i)^hxxp", "http").replaceFirst("(?i)^fxp", "ftp");
    }

    /** The kind of a value, or empty when it is none Kiroku knows. */
    public static Optional<Typed> classify(String raw) {
        String v = refang(raw.strip());
        if (v.isEmpty() || v.length() > 2048) return Optional.empty();
        if (HEX.matcher(v).matches()) {
            String hex = v.toLowerCase(Locale.ROOT);
            return switch (v.length()) {
                case 32 -> Optional.of(new Typed(IndicatorType.MD5, hex));
                case 40 -> Optional.of(new Typed(IndicatorType.SHA1, hex));
                case 64 -> Optional.of(new Typed(IndicatorType.SHA256, hex));
                default -> Optional.empty();
            };
        }
        if (IpRange.address(v).isPresent()) return Optional.of(new Typed(IndicatorType.IP, IpRange.parse(v).toString()));
        if (v.indexOf('/') > 0 && IpRange.address(v.substring(0, v.indexOf('/'))).isPresent()) {
            try {
                return Optional.of(new Typed(IndicatorType.CIDR, IpRange.parse(v).toString()));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        if (URL.matcher(v).matches()) return Optional.of(new Typed(IndicatorType.URL, v));
        if (DOMAIN.matcher(v).matches() && !looksLikeFileName(v)) {
            return Optional.of(new Typed(IndicatorType.DOMAIN, Domains.normalize(v)));
        }
        if (FILE_NAME.matcher(v).matches() && v.indexOf('.') > 0) return Optional.of(new Typed(IndicatorType.FILE_NAME, v));
        return Optional.empty();
    }

    /** Common executable and document extensions: {@code evil.exe} is a file, not a domain. */
    private static boolean looksLikeFileName(String v) {
        String ext = v.substring(v.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "exe", "dll", "sys", "bat", "cmd", "ps1", "vbs", "js", "jar", "elf", "bin", "so", "dat", "tmp", "txt",
                 "doc", "docx", "xls", "xlsx", "pdf", "zip", "rar", "7z", "lnk", "hta", "scr", "msi", "py", "pl", "php",
                 "jsp", "aspx", "asp", "dmp", "log", "ini", "cfg", "conf", "gz", "tar", "ko", "service" -> true;
            default -> false;
        };
    }

    /** The condition a single value of a type stands for. */
    public static Condition condition(Typed typed) {
        String v = typed.value();
        return switch (typed.type()) {
            case MD5 -> EcsTerms.compare(new Field("md5", EcsTerms.MD5), Operator.IS, v, false);
            case SHA1 -> EcsTerms.compare(new Field("sha1", EcsTerms.SHA1), Operator.IS, v, false);
            case SHA256 -> EcsTerms.compare(new Field("sha256", EcsTerms.SHA256), Operator.IS, v, false);
            case IP, CIDR -> EcsTerms.compare(new Field("ip", EcsTerms.IP), Operator.IN_CIDR, v, false);
            case DOMAIN -> EcsTerms.compare(new Field("domain", EcsTerms.DOMAIN), Operator.DOMAIN_OR_SUBDOMAIN, v, false);
            case URL -> EcsTerms.compare(new Field("url", EcsTerms.URL), Operator.IS, v, false);
            case FILE_NAME -> EcsTerms.compare(new Field("file name", EcsTerms.FILE_NAME), Operator.IS, v, false);
            case FILE_PATH_REGEX -> EcsTerms.compare(new Field("file path", EcsTerms.FILE_PATH), Operator.MATCHES, v, true);
            case OPENIOC, STIX_PATTERN -> throw new IllegalArgumentException(typed.type() + " is not a single value");
        };
    }
}
