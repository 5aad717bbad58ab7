package dev.kiroku.indicators.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiroku.indicators.expr.Compare;
import dev.kiroku.indicators.expr.Condition;
import dev.kiroku.indicators.expr.Field;
import dev.kiroku.indicators.expr.Operator;

import java.util.ArrayList;
import java.util.List;

/** A condition tree as JSON, for storage: {@code all}, {@code any}, {@code not}, {@code unsupported}, or a comparison. */
final class ConditionCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConditionCodec() {
    }

    static String write(Condition condition) {
        return node(condition).toString();
    }

    static Condition read(String json) {
        try {
            return condition(JSON.readTree(json));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("stored condition is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static JsonNode node(Condition c) {
        ObjectNode o = JSON.createObjectNode();
        switch (c) {
            case Condition.All all -> parts(o.putArray("all"), all.parts());
            case Condition.Any any -> parts(o.putArray("any"), any.parts());
            case Condition.Not not -> o.set("not", node(not.inner()));
            case Condition.Unsupported u -> o.put("unsupported", u.term()).put("reason", u.reason());
            case Compare cmp -> {
                o.put("term", cmp.field().term());
                ArrayNode fields = o.putArray("fields");
                cmp.field().ecsFields().forEach(fields::add);
                o.put("op", cmp.operator().name()).put("value", cmp.value()).put("case_sensitive", cmp.caseSensitive());
            }
        }
        return o;
    }

    private static void parts(ArrayNode array, List<Condition> parts) {
        parts.forEach(p -> array.add(node(p)));
    }

    private static Condition condition(JsonNode n) {
        if (n.has("all")) return new Condition.All(list(n.get("all")));
        if (n.has("any")) return new Condition.Any(list(n.get("any")));
        if (n.has("not")) return new Condition.Not(condition(n.get("not")));
        if (n.has("unsupported")) return new Condition.Unsupported(n.get("unsupported").asText(), n.path("reason").asText());
        List<String> fields = new ArrayList<>();
        n.path("fields").forEach(f -> fields.add(f.asText()));
        return new Compare(new Field(n.path("term").asText(), fields), Operator.valueOf(n.path("op").asText()),
                n.path("value").asText(), n.path("case_sensitive").asBoolean());
    }

    private static List<Condition> list(JsonNode array) {
        List<Condition> out = new ArrayList<>();
        array.forEach(p -> out.add(condition(p)));
        return out;
    }
}
