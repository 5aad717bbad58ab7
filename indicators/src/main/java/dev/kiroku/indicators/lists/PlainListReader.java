package dev.kiroku.indicators.lists;

import dev.kiroku.indicators.ImportProblem;
import dev.kiroku.indicators.ImportResult;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.IndicatorSource;
import dev.kiroku.indicators.IndicatorType;
import dev.kiroku.indicators.SourceFormat;
import dev.kiroku.indicators.expr.Compare;
import dev.kiroku.indicators.expr.Condition;
import dev.kiroku.indicators.expr.EcsTerms;
import dev.kiroku.indicators.expr.Field;
import dev.kiroku.indicators.expr.Operator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads indicator lists, one value per line: MD5/SHA-1/SHA-256 hashes, IPv4/IPv6 addresses and CIDR
 * ranges, domains, URLs and file names, recognised by their form ({@link ValueKinds}). {@code #}
 * starts a comment line; blank lines are ignored; {@code value;comment} and {@code value;score}
 * (signature-base's {@code hash-iocs.txt}, {@code c2-iocs.txt}) keep the part after the first
 * {@code ;} as the description. Files whose name contains {@code filename} are signature-base
 * file-name lists: {@code REGEX;SCORE[;FALSE-POSITIVE-REGEX]} over file paths and executables. The
 * comment block above an entry is its description when the entry has none. Junk lines are skipped,
 * each reported with file, line and reason.
 */
public final class PlainListReader {

    public ImportResult read(Path file, List<String> lines) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean signatureBase = name.matches(".*(hash|c2|filename)-iocs.*");
        boolean fileNameRegexes = name.contains("filename");
        SourceFormat format = signatureBase ? SourceFormat.SIGNATURE_BASE : SourceFormat.PLAIN_LIST;
        String origin = file.toString();
        List<Indicator> indicators = new ArrayList<>();
        List<ImportProblem> problems = new ArrayList<>();
        String comment = "";
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            if (line.startsWith("#")) {
                String text = line.replaceFirst("^#+", "").strip();
                if (!text.isEmpty() && !text.matches("[-=#\\s]*")) comment = text;
                continue;
            }
            IndicatorSource source = new IndicatorSource(format, origin, "line " + lineNo);
            try {
                indicators.add(fileNameRegexes ? fileNameRegex(line, source, comment) : value(line, source, comment));
            } catch (IllegalArgumentException e) {
                problems.add(new ImportProblem(origin, lineNo, e.getMessage()));
            }
        }
        return new ImportResult(origin, indicators, problems, false);
    }

    private static Indicator value(String line, IndicatorSource source, String comment) {
        int semicolon = line.indexOf(';');
        String value = semicolon < 0 ? line : line.substring(0, semicolon).strip();
        String rest = semicolon < 0 ? "" : line.substring(semicolon + 1).strip();
        ValueKinds.Typed typed = ValueKinds.classify(value).orElseThrow(() -> new IllegalArgumentException(
                "not a hash, IP address, CIDR range, domain, URL or file name: '" + abbreviate(line) + "'"));
        List<String> tags = new ArrayList<>();
        String description = rest;
        if (rest.matches("\\d{1,3}")) {
            tags.add("score:" + rest);
            description = comment;
        } else if (rest.isEmpty()) {
            description = comment;
        }
        return Indicator.of(typed.type().name().toLowerCase(Locale.ROOT) + ":" + typed.value(), source, typed.type(),
                typed.value(), ValueKinds.condition(typed), tags, description);
    }

    private static Indicator fileNameRegex(String line, IndicatorSource source, String comment) {
        String[] parts = line.split(";", -1);
        String regex = parts[0];
        if (regex.isEmpty()) throw new IllegalArgumentException("empty regular expression");
        if (parts.length > 1 && !parts[1].strip().matches("\\d{1,3}")) {
            throw new IllegalArgumentException("score '" + abbreviate(parts[1]) + "' is not a number (format REGEX;SCORE[;FALSE-POSITIVE-REGEX])");
        }
        if (parts.length > 3) throw new IllegalArgumentException("more than 3 ';'-separated fields (format REGEX;SCORE[;FALSE-POSITIVE-REGEX])");
        Field paths = new Field("file path", EcsTerms.FILE_PATH);
        Condition match = new Compare(paths, Operator.MATCHES, regex, true); // throws naming an invalid regex
        Condition condition = match;
        if (parts.length == 3 && !parts[2].isEmpty()) {
            condition = new Condition.All(List.of(match, new Condition.Not(new Compare(paths, Operator.MATCHES, parts[2], true))));
        }
        List<String> tags = parts.length > 1 ? List.of("score:" + parts[1].strip()) : List.of();
        return Indicator.of("file_path_regex:" + regex, source, IndicatorType.FILE_PATH_REGEX, regex, condition, tags, comment);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
