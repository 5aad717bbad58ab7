package dev.kiroku.indicators.stix;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.indicators.ImportProblem;
import dev.kiroku.indicators.ImportResult;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.IndicatorAction;
import dev.kiroku.indicators.IndicatorSource;
import dev.kiroku.indicators.IndicatorType;
import dev.kiroku.indicators.SourceFormat;
import dev.kiroku.indicators.expr.Condition;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Imports STIX 2.1 JSON: a bundle, a single object or an array of objects. Every {@code indicator}
 * with {@code pattern_type} stix becomes an {@link Indicator}; {@code valid_until} is its expiry;
 * {@code indicator_types}, {@code labels}, kill-chain phases, MITRE ATT&amp;CK external references and the
 * names of the campaigns, intrusion sets, malware and attack patterns it {@code indicates}
 * (relationships in the same bundle) are its tags. A pattern with a syntax error is skipped with the
 * object, the position and the problem; the other indicators still load.
 */
public final class StixBundleReader {
    public static final int MAX_BYTES = 64 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    public ImportResult read(String origin, byte[] content) {
        if (content.length > MAX_BYTES) {
            return ImportResult.refused(origin, 0, "file is " + content.length + " bytes, more than the limit of " + MAX_BYTES);
        }
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            return ImportResult.refused(origin, line, "malformed JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            return ImportResult.refused(origin, 0, "cannot read JSON: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) return ImportResult.refused(origin, 0, "empty input");
        List<JsonNode> objects = new ArrayList<>();
        if (root.isArray()) root.forEach(objects::add);
        else if ("bundle".equals(root.path("type").asText())) root.path("objects").forEach(objects::add);
        else if (root.isObject()) objects.add(root);
        else return ImportResult.refused(origin, 0, "not a STIX bundle, object or array of objects");

        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode o : objects) byId.put(o.path("id").asText(), o);
        Map<String, Set<String>> related = relatedNames(objects, byId);

        List<Indicator> indicators = new ArrayList<>();
        List<ImportProblem> problems = new ArrayList<>();
        boolean anyIndicator = false;
        for (int i = 0; i < objects.size(); i++) {
            JsonNode o = objects.get(i);
            if (!"indicator".equals(o.path("type").asText())) continue;
            anyIndicator = true;
            String id = o.path("id").asText("");
            String where = "objects[" + i + "]" + (id.isEmpty() ? "" : " (" + id + ")");
            try {
                indicators.add(indicator(origin, o, id.isEmpty() ? origin + "#" + i : id, related.getOrDefault(id, Set.of())));
            } catch (StixPatternException e) {
                problems.add(new ImportProblem(origin, 0, where + ": pattern " + e.getMessage()));
            } catch (IllegalArgumentException e) {
                problems.add(new ImportProblem(origin, 0, where + ": " + e.getMessage()));
            }
        }
        if (!anyIndicator) problems.add(new ImportProblem(origin, 0, "no indicator objects"));
        return new ImportResult(origin, indicators, problems, false);
    }

    /** An indicator built from one STIX pattern, for callers that hold the pattern alone. */
    public static Indicator fromPattern(String id, IndicatorSource source, String pattern, List<String> tags, String description)
            throws StixPatternException {
        StixPatternParser.Parsed parsed = StixPatternParser.parse(pattern);
        List<Condition> leaves = parsed.leaves();
        Condition any = leaves.size() == 1 ? leaves.getFirst() : new Condition.Any(leaves);
        StixSequence sequence = Observation.singleEvent(parsed.root()) ? null : new StixSequence(parsed.root(), leaves);
        return new Indicator(id, source, IndicatorType.STIX_PATTERN, pattern, any, sequence, IndicatorAction.ALERT, null, tags, description);
    }

    private static Indicator indicator(String origin, JsonNode o, String id, Set<String> relatedTags) throws StixPatternException {
        String patternType = o.path("pattern_type").asText("stix");
        if (!patternType.equals("stix")) throw new IllegalArgumentException("pattern_type '" + patternType + "' is not supported (only stix)");
        if (!o.path("pattern").isTextual()) throw new IllegalArgumentException("indicator has no pattern");
        Set<String> tags = new LinkedHashSet<>();
        o.path("indicator_types").forEach(t -> tags.add("type:" + t.asText()));
        o.path("labels").forEach(t -> tags.add(t.asText()));
        o.path("kill_chain_phases").forEach(k -> tags.add(k.path("kill_chain_name").asText() + ":" + k.path("phase_name").asText()));
        attack(o, tags);
        tags.addAll(relatedTags);
        String name = o.path("name").asText("");
        String description = o.path("description").asText("");
        Indicator indicator = fromPattern(id, new IndicatorSource(SourceFormat.STIX_2_1, origin, id), o.path("pattern").asText(),
                List.copyOf(tags), name + (description.isEmpty() ? "" : (name.isEmpty() ? "" : ": ") + description));
        if (o.hasNonNull("valid_until")) indicator = indicator.withExpiry(instant(o.path("valid_until").asText(), "valid_until"));
        return indicator;
    }

    private static Instant instant(String text, String field) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " '" + text + "' is not an RFC 3339 timestamp");
        }
    }

    private static void attack(JsonNode o, Set<String> tags) {
        o.path("external_references").forEach(ref -> {
            if (ref.path("source_name").asText().equals("mitre-attack") && ref.hasNonNull("external_id")) {
                tags.add("attack." + ref.path("external_id").asText().toLowerCase(Locale.ROOT));
            }
        });
    }

    /** indicator id → tags naming what it indicates (campaign:…, intrusion-set:…, malware:…, attack.tNNNN). */
    private static Map<String, Set<String>> relatedNames(List<JsonNode> objects, Map<String, JsonNode> byId) {
        Map<String, Set<String>> out = new HashMap<>();
        for (JsonNode o : objects) {
            if (!"relationship".equals(o.path("type").asText()) || !"indicates".equals(o.path("relationship_type").asText())) continue;
            JsonNode target = byId.get(o.path("target_ref").asText());
            if (target == null) continue;
            Set<String> tags = out.computeIfAbsent(o.path("source_ref").asText(), k -> new LinkedHashSet<>());
            String type = target.path("type").asText();
            if (!target.path("name").asText("").isEmpty()) tags.add(type + ":" + target.path("name").asText());
            if (type.equals("attack-pattern")) attack(target, tags);
        }
        return out;
    }
}
