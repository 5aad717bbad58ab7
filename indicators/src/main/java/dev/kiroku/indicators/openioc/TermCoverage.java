package dev.kiroku.indicators.openioc;

import dev.kiroku.indicators.expr.EcsTerms;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The coverage table of OpenIOC terms for docs/indicators.md: for each term the files use, how often,
 * the ECS fields that answer it or why Kiroku cannot; and how much of the OpenIOC 1.1 term list is
 * covered. {@code TermCoverageTest} checks the document against it.
 */
public final class TermCoverage {
    private TermCoverage() {
    }

    /** Whether Kiroku evaluates a term (it is mapped and some mapped field is recorded). */
    public static boolean evaluated(String term) {
        OpenIocTerms.Mapping m = OpenIocTerms.lookup(term);
        return m.mapped() && m.field().ecsFields().stream().anyMatch(EcsTerms::recorded);
    }

    /** How Kiroku answers a term, for the table. */
    public static String answer(String term) {
        OpenIocTerms.Mapping m = OpenIocTerms.lookup(term);
        if (!m.mapped()) return "no: " + m.unsupportedReason();
        List<String> recorded = m.field().ecsFields().stream().filter(EcsTerms::recorded).toList();
        if (recorded.isEmpty()) return "no: Kiroku records none of " + String.join(", ", m.field().ecsFields().stream().map(f -> "`" + f + "`").toList());
        return "yes: " + String.join(", ", recorded.stream().map(f -> "`" + f + "`").toList());
    }

    /** The terms used by the given OpenIOC documents' IndicatorItems, with their counts. */
    public static Map<String, Integer> termsUsed(Collection<byte[]> documents) {
        Map<String, Integer> counts = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (byte[] doc : documents) {
            try {
                NodeList contexts = SafeXml.parse(doc).getElementsByTagNameNS("*", "Context");
                for (int i = 0; i < contexts.getLength(); i++) {
                    String term = ((Element) contexts.item(i)).getAttribute("search");
                    if (!term.isEmpty()) counts.merge(term, 1, Integer::sum);
                }
            } catch (SafeXml.XmlRefusal ignored) {
                // a refused document uses no terms; lint reports it
            }
        }
        return counts;
    }

    /** The terms of an OpenIOC term list ({@code *.iocterms}). */
    public static List<String> termList(byte[] iocterms) throws SafeXml.XmlRefusal {
        NodeList terms = SafeXml.parse(iocterms).getElementsByTagNameNS("*", "iocterm");
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < terms.getLength(); i++) out.add(((Element) terms.item(i)).getAttribute("text"));
        return out;
    }

    /** The markdown table and summary. */
    public static String markdown(Map<String, Integer> used, List<String> termList) {
        StringBuilder md = new StringBuilder();
        int uses = used.values().stream().mapToInt(Integer::intValue).sum();
        int evaluatedUses = used.entrySet().stream().filter(e -> evaluated(e.getKey())).mapToInt(Map.Entry::getValue).sum();
        long evaluatedTerms = used.keySet().stream().filter(TermCoverage::evaluated).count();
        long listed = termList.stream().filter(TermCoverage::evaluated).count();
        md.append("Terms used by the ").append("shared OpenIOC files: ").append(used.size()).append(" distinct, ")
                .append(evaluatedTerms).append(" evaluated; ").append(evaluatedUses).append(" of ").append(uses)
                .append(" uses evaluated. OpenIOC 1.1 term list: ").append(listed).append(" of ").append(termList.size())
                .append(" terms evaluated.\n\n");
        md.append("| term | uses | evaluated by Kiroku |\n|---|---:|---|\n");
        used.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> md.append("| `").append(e.getKey()).append("` | ").append(e.getValue()).append(" | ")
                        .append(answer(e.getKey()).replace("|", "\\|")).append(" |\n"));
        return md.toString();
    }
}
