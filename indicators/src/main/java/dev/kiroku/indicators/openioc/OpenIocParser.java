package dev.kiroku.indicators.openioc;

import dev.kiroku.indicators.ImportProblem;
import dev.kiroku.indicators.ImportResult;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.IndicatorSource;
import dev.kiroku.indicators.IndicatorType;
import dev.kiroku.indicators.SourceFormat;
import dev.kiroku.indicators.expr.Condition;
import dev.kiroku.indicators.expr.EcsTerms;
import dev.kiroku.indicators.expr.Operator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads OpenIOC 1.0 ({@code <ioc>}, namespace {@code http://schemas.mandiant.com/2010/ioc}) and 1.1
 * ({@code <OpenIOC>}, {@code http://openioc.org/schemas/OpenIOC_1.1}) files into one {@link Indicator}
 * whose condition is the file's indicator tree.
 *
 * <ul>
 *   <li>{@code Indicator} elements are AND/OR nodes; {@code IndicatorItem}s are comparisons of the
 *   term in {@code Context/@search} with {@code Content}.</li>
 *   <li>Conditions: {@code is, contains, matches, starts-with, ends-with, greater-than, less-than}
 *   (1.1, with {@code negate="true"}) and {@code isnot, containsnot} (1.0). 1.1
 *   {@code preserve-case="true"} makes the comparison case-sensitive; otherwise it is not.</li>
 *   <li>Terms Kiroku cannot evaluate (see {@link OpenIocTerms}) become {@link Condition.Unsupported},
 *   which is UNKNOWN: they never make the IOC match, and an IOC that only they could satisfy is not
 *   evaluable ({@link Indicator#evaluable()}).</li>
 *   <li>An empty {@code Indicator} element is unsupported too (an empty AND would match everything).</li>
 * </ul>
 */
public final class OpenIocParser {
    static final String NS_10 = "http://schemas.mandiant.com/2010/ioc";
    static final String NS_11 = "http://openioc.org/schemas/OpenIOC_1.1";
    private static final Pattern ATTACK = Pattern.compile("\\bT\\d{4}(?:\\.\\d{3})?\\b");

    /** Parses one file; never throws for bad content (the result is refused with the reason). */
    public ImportResult parse(String origin, byte[] content) {
        Document document;
        try {
            document = SafeXml.parse(content);
        } catch (SafeXml.XmlRefusal e) {
            return ImportResult.refused(origin, e.line(), e.getMessage());
        }
        Element root = document.getDocumentElement();
        SourceFormat format;
        Element criteria;
        Element metadata;
        if ("ioc".equals(root.getLocalName()) && NS_10.equals(root.getNamespaceURI())) {
            format = SourceFormat.OPENIOC_1_0;
            criteria = child(root, "definition");
            metadata = root;
        } else if ("OpenIOC".equals(root.getLocalName()) && NS_11.equals(root.getNamespaceURI())) {
            format = SourceFormat.OPENIOC_1_1;
            criteria = child(root, "criteria");
            metadata = child(root, "metadata");
        } else {
            return ImportResult.refused(origin, 0, "not an OpenIOC 1.0 or 1.1 document: root element is {"
                    + root.getNamespaceURI() + "}" + root.getLocalName());
        }
        if (criteria == null) {
            return ImportResult.refused(origin, 0, "no " + (format == SourceFormat.OPENIOC_1_0 ? "definition" : "criteria") + " element");
        }
        List<Element> tops = children(criteria, "Indicator");
        if (tops.isEmpty()) return ImportResult.refused(origin, 0, "the indicator tree is empty");
        List<ImportProblem> problems = new ArrayList<>();
        List<Condition> roots = new ArrayList<>();
        for (Element top : tops) roots.add(indicator(top, format));
        Condition condition = roots.size() == 1 ? roots.getFirst() : new Condition.Any(roots);

        String id = root.getAttribute("id");
        if (id.isEmpty()) id = "openioc:" + origin;
        String shortDescription = text(child(metadata, "short_description"));
        String description = text(child(metadata, "description"));
        Indicator indicator = Indicator.of(id, new IndicatorSource(format, origin, id), IndicatorType.OPENIOC, null,
                condition, tags(metadata), shortDescription + (description.isEmpty() ? "" : ": " + description));
        return new ImportResult(origin, List.of(indicator), problems, false);
    }

    private Condition indicator(Element element, SourceFormat format) {
        boolean or = "OR".equalsIgnoreCase(element.getAttribute("operator"));
        List<Condition> parts = new ArrayList<>();
        for (Element child : children(element, null)) {
            switch (child.getLocalName()) {
                case "Indicator" -> parts.add(indicator(child, format));
                case "IndicatorItem" -> parts.add(item(child, format));
                default -> { }
            }
        }
        Condition node;
        if (parts.isEmpty()) node = new Condition.Unsupported("Indicator " + element.getAttribute("id"), "empty Indicator element");
        else if (parts.size() == 1) node = parts.getFirst();
        else node = or ? new Condition.Any(parts) : new Condition.All(parts);
        return negated(element) ? new Condition.Not(node) : node;
    }

    private Condition item(Element item, SourceFormat format) {
        Element context = child(item, "Context");
        Element content = child(item, "Content");
        String term = context == null ? "" : context.getAttribute("search");
        if (term.isEmpty()) return new Condition.Unsupported("IndicatorItem " + item.getAttribute("id"), "no Context/@search term");
        OpenIocTerms.Mapping mapping = OpenIocTerms.lookup(term);
        if (!mapping.mapped()) return new Condition.Unsupported(term, mapping.unsupportedReason());
        String value = text(content);
        String conditionName = item.getAttribute("condition").toLowerCase(Locale.ROOT);
        boolean negate = negated(item);
        Operator operator;
        switch (conditionName) {
            case "is" -> operator = Operator.IS;
            case "isnot" -> { operator = Operator.IS; negate = !negate; }
            case "contains" -> operator = Operator.CONTAINS;
            case "containsnot" -> { operator = Operator.CONTAINS; negate = !negate; }
            case "matches" -> operator = Operator.MATCHES;
            case "starts-with", "startswith" -> operator = Operator.STARTS_WITH;
            case "ends-with", "endswith" -> operator = Operator.ENDS_WITH;
            case "greater-than", "greaterthan" -> operator = Operator.GREATER_THAN;
            case "less-than", "lessthan" -> operator = Operator.LESS_THAN;
            default -> {
                return new Condition.Unsupported(term, "unknown condition '" + conditionName + "'");
            }
        }
        if (operator == Operator.IS && mapping.ipValued()) operator = Operator.IN_CIDR;
        boolean caseSensitive = format == SourceFormat.OPENIOC_1_1 && "true".equalsIgnoreCase(item.getAttribute("preserve-case"));
        Condition compare = EcsTerms.compare(mapping.field(), operator, value, caseSensitive);
        return negate ? new Condition.Not(compare) : compare;
    }

    private static boolean negated(Element element) {
        return "true".equalsIgnoreCase(element.getAttribute("negate"));
    }

    private static List<String> tags(Element metadata) {
        Set<String> tags = new LinkedHashSet<>();
        if (metadata == null) return List.of();
        Element links = child(metadata, "links");
        if (links != null) {
            for (Element link : children(links, "link")) {
                String rel = link.getAttribute("rel");
                String value = text(link);
                if (value.isEmpty() || rel.equalsIgnoreCase("license") || value.startsWith("http")) continue;
                tags.add(rel.isEmpty() ? value : rel.toLowerCase(Locale.ROOT) + ":" + value);
            }
        }
        String keywords = text(child(metadata, "keywords"));
        for (String keyword : keywords.split("[\\s,]+")) if (!keyword.isBlank()) tags.add("keyword:" + keyword);
        Matcher attack = ATTACK.matcher(keywords + " " + text(child(metadata, "description")));
        while (attack.find()) tags.add("attack." + attack.group().toLowerCase(Locale.ROOT));
        return List.copyOf(tags);
    }

    private static Element child(Element parent, String localName) {
        if (parent == null) return null;
        List<Element> found = children(parent, localName);
        return found.isEmpty() ? null : found.getFirst();
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (localName == null || localName.equals(e.getLocalName()))) out.add(e);
        }
        return out;
    }

    private static String text(Element element) {
        return element == null ? "" : element.getTextContent().strip();
    }
}
