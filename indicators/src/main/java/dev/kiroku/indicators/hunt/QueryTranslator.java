package dev.kiroku.indicators.hunt;

import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.expr.Compare;
import dev.kiroku.indicators.expr.Condition;
import dev.kiroku.indicators.expr.EventView;
import dev.kiroku.indicators.expr.IpRange;
import dev.kiroku.indicators.expr.Operator;
import dev.kiroku.store.EventSchema;
import dev.kiroku.store.FieldSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Translates an indicator's condition into the store's query language (store/README.md). The query
 * selects a superset of the indicator's events, which the hunt re-checks exactly; where the language
 * cannot narrow a term it is left open.
 *
 * <ul>
 *   <li>{@code is} on keyword fields: the value as written, and lower-cased when the term is
 *   case-insensitive ({@code field:"v"}); on path fields the exact value ({@code field:="v"}); on
 *   command lines the value's words as a phrase.</li>
 *   <li>contains / starts-with / ends-with and regex literals: wildcards on keyword fields
 *   ({@code *v*}), a word pattern or a phrase on command lines.</li>
 *   <li>Addresses and CIDR ranges, numbers and numeric comparisons map one to one; "contains" a whole IPv4
 *   address selects that address (no other IPv4 address contains it as text).</li>
 *   <li>Hash fields hold lower-case hex: a hash is looked up lower-cased only.</li>
 *   <li>Domains and URLs found in command lines: a phrase of their words on {@code process.command_line}.</li>
 *   <li>"contains" a piece of an IPv4 address selects the few networks whose addresses contain it
 *   ({@code "103.41.124."} → {@code 103.41.124.0/24}, {@link Ipv4Fragments}); any other comparison of an address field
 *   selects at least the events that have an address there.</li>
 *   <li>A regex on the process's directory selects executables containing its required literals.</li>
 *   <li>NOT, EXISTS and regexes without literal text are left open; unsupported terms and fields the
 *   store does not index select nothing.</li>
 * </ul>
 */
public final class QueryTranslator {
    /** Fields of lower-case hex digests ({@code process.hash.md5}, {@code .sha1}, {@code .sha256}, {@code file.hash.*}). */
    private static final java.util.Set<String> HASH_FIELDS = java.util.Set.of("process.hash.md5", "process.hash.sha1",
            "process.hash.sha256", "file.hash.md5", "file.hash.sha1", "file.hash.sha256");
    private static final java.util.regex.Pattern IPV4 =
            java.util.regex.Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private QueryTranslator() {
    }

    /** The store query for an indicator: "*" when it cannot be narrowed, empty when nothing can match. */
    public static Optional<String> translate(Indicator indicator) {
        StoreQuery q = query(indicator.condition());
        return q.kind() == StoreQuery.Kind.NOTHING ? Optional.empty() : Optional.of(q.text());
    }

    static StoreQuery query(Condition condition) {
        return switch (condition) {
            case Condition.All all -> StoreQuery.and(all.parts().stream().map(QueryTranslator::query).toList());
            case Condition.Any any -> StoreQuery.or(any.parts().stream().map(QueryTranslator::query).toList());
            case Condition.Not ignored -> StoreQuery.everything();
            case Condition.Unsupported ignored -> StoreQuery.nothing();
            case Compare compare -> StoreQuery.or(compare.field().ecsFields().stream().map(f -> field(compare, f)).toList());
        };
    }

    private static StoreQuery field(Compare c, String ecsField) {
        String v = c.value();
        if (ecsField.equals(EventView.PROCESS_DIRECTORY)) {
            return switch (c.operator()) {
                case IS -> StoreQuery.text("process.executable:" + wildcard(v + "/") + "*");
                case CONTAINS, STARTS_WITH, ENDS_WITH -> StoreQuery.text("process.executable:*" + wildcard(v) + "*");
                // the directory is a prefix of the executable's path: a literal the regex needs in one is in the other
                case MATCHES -> literals(c, l -> StoreQuery.text("process.executable:*" + wildcard(l) + "*"));
                default -> StoreQuery.everything();
            };
        }
        if (ecsField.equals(EventView.COMMAND_LINE_HOSTS) || ecsField.equals(EventView.COMMAND_LINE_URLS)) {
            return words("process.command_line", v);
        }
        Optional<FieldSpec> spec = EventSchema.field(ecsField);
        if (spec.isEmpty()) return StoreQuery.nothing();
        String f = spec.get().name();
        return switch (spec.get().type()) {
            case KEYWORD, KEYWORD_TEXT -> HASH_FIELDS.contains(f) && c.operator() == Operator.IS
                    ? StoreQuery.text(f + ":" + quote(v.toLowerCase(Locale.ROOT)))
                    : keyword(c, f, spec.get().type() == dev.kiroku.store.FieldType.KEYWORD_TEXT);
            case TEXT -> text(c, f);
            case LONG -> number(c, f);
            case IP -> ip(c, f);
            case DATE -> StoreQuery.everything();
        };
    }

    private static StoreQuery keyword(Compare c, String f, boolean pathLike) {
        String v = c.value();
        String exact = pathLike ? ":=" : ":";
        if (pathLike && (c.operator() == Operator.CONTAINS || c.operator() == Operator.STARTS_WITH || c.operator() == Operator.ENDS_WITH)) {
            StoreQuery inner = innerWords(f, v);
            // a phrase of path words: no leading-wildcard scan of the values (a word pattern would apply to the whole value here)
            if (inner.kind() == StoreQuery.Kind.TEXT && inner.text().startsWith(f + ":\"")) return inner;
        }
        return switch (c.operator()) {
            case IS -> {
                List<StoreQuery> variants = new ArrayList<>(List.of(StoreQuery.text(f + exact + quote(v))));
                String lower = v.toLowerCase(Locale.ROOT);
                if (!c.caseSensitive() && !lower.equals(v)) variants.add(StoreQuery.text(f + exact + quote(lower)));
                yield StoreQuery.or(variants);
            }
            case CONTAINS -> StoreQuery.text(f + ":*" + wildcard(v) + "*");
            case STARTS_WITH -> StoreQuery.text(f + ":" + wildcard(v) + "*");
            case ENDS_WITH -> StoreQuery.text(f + ":*" + wildcard(v));
            case MATCHES -> literals(c, l -> StoreQuery.text(f + ":*" + wildcard(l) + "*"));
            case DOMAIN_OR_SUBDOMAIN -> StoreQuery.or(List.of(StoreQuery.text(f + ":" + quote(v)), StoreQuery.text(f + ":*." + wildcard(v))));
            default -> StoreQuery.everything();
        };
    }

    private static StoreQuery text(Compare c, String f) {
        return switch (c.operator()) {
            case IS -> words(f, c.value());
            case CONTAINS, STARTS_WITH, ENDS_WITH -> innerWords(f, c.value());
            case MATCHES -> literals(c, l -> innerWords(f, l));
            default -> StoreQuery.everything();
        };
    }

    /** The words of a value as a phrase; a value without words cannot narrow the search. */
    private static StoreQuery words(String f, String value) {
        String[] words = value.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}_]+");
        List<String> kept = new ArrayList<>();
        for (String w : words) if (!w.isEmpty()) kept.add(w);
        if (kept.isEmpty()) return StoreQuery.everything();
        return StoreQuery.text(f + ":" + quote(String.join(" ", kept)));
    }

    /**
     * The words of a substring that are whole words wherever it occurs: a first (last) word that the
     * substring may cut is left out. Their phrase selects a superset of the values containing it.
     */
    private static StoreQuery innerWords(String f, String value) {
        List<String> words = new ArrayList<>(List.of(value.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}_]+")));
        words.removeIf(String::isEmpty);
        if (words.isEmpty()) return StoreQuery.everything();
        boolean startCut = isWordChar(value.charAt(0));             // the first word may be the end of a longer word
        boolean endCut = isWordChar(value.charAt(value.length() - 1)); // the last word may be the start of a longer word
        List<String> kept = new ArrayList<>(words);
        if (startCut) kept.removeFirst();
        if (endCut && !kept.isEmpty()) kept.removeLast();
        if (!kept.isEmpty()) return StoreQuery.text(f + ":" + quote(String.join(" ", kept)));
        if (words.size() == 1) {
            String w = words.getFirst();
            // "-t": some word starts with t (a prefix: a seek, not a scan of every word, and far fewer events than *t*)
            if (!startCut) return StoreQuery.text(f + ":" + wildcard(w) + "*");
            if (!endCut) return StoreQuery.text(f + ":*" + wildcard(w)); // "t-": some word ends with t
            return StoreQuery.text(f + ":*" + wildcard(w) + "*");       // some word contains it
        }
        // "ab-cd", both ends cut: a word ends with ab and the next starts with cd
        return StoreQuery.and(List.of(StoreQuery.text(f + ":*" + wildcard(words.getFirst())),
                StoreQuery.text(f + ":" + wildcard(words.getLast()) + "*")));
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static StoreQuery literals(Compare c, java.util.function.Function<String, StoreQuery> each) {
        return dev.kiroku.indicators.match.RegexLiterals.required(c.value())
                .map(ls -> StoreQuery.or(ls.stream().map(each).toList()))
                .orElse(StoreQuery.everything());
    }

    private static StoreQuery number(Compare c, String f) {
        Long n = parseLong(c.value());
        if (n == null) return c.operator() == Operator.IS ? StoreQuery.nothing() : StoreQuery.everything();
        return switch (c.operator()) {
            case IS -> StoreQuery.text(f + ":" + n);
            case GREATER_THAN -> StoreQuery.text(f + ":>" + n);
            case GREATER_OR_EQUAL -> StoreQuery.text(f + ":>=" + n);
            case LESS_THAN -> StoreQuery.text(f + ":<" + n);
            case LESS_OR_EQUAL -> StoreQuery.text(f + ":<=" + n);
            default -> StoreQuery.everything();
        };
    }

    private static StoreQuery ip(Compare c, String f) {
        return switch (c.operator()) {
            case IN_CIDR -> StoreQuery.text(f + ":" + IpRange.parse(c.value()));
            case IS -> IpRange.address(c.value()).isPresent() ? StoreQuery.text(f + ":" + IpRange.parse(c.value())) : StoreQuery.nothing();
            case CONTAINS -> IPV4.matcher(c.value().strip()).matches()
                    ? StoreQuery.text(f + ":" + IpRange.parse(c.value().strip()))
                    : Ipv4Fragments.networksContaining(c.value())
                            .map(networks -> StoreQuery.or(networks.stream().map(n -> StoreQuery.text(f + ":" + n)).toList()))
                            .orElseGet(() -> withAddress(f));
            default -> withAddress(f);
        };
    }

    /** Events that have an address in field {@code f} at all (any IPv4 or IPv6 network): never more than the field's events. */
    private static StoreQuery withAddress(String f) {
        return StoreQuery.or(List.of(StoreQuery.text(f + ":0.0.0.0/0"), StoreQuery.text(f + ":" + quote("::/0"))));
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A quoted value: {@code "} and {@code \} escaped. */
    static String quote(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A value inside an unquoted wildcard pattern: every character that is not a letter or digit escaped. */
    static String wildcard(String v) {
        StringBuilder out = new StringBuilder();
        for (char ch : v.toCharArray()) {
            if (!Character.isLetterOrDigit(ch) && ch != '.' && ch != '/' && ch != '-' && ch != '_') out.append('\\');
            out.append(ch);
        }
        return out.toString();
    }
}
