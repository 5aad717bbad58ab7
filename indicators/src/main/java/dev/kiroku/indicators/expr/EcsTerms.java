package dev.kiroku.indicators.expr;

import dev.kiroku.store.EventSchema;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ECS fields each kind of indicator value is looked up in, shared by every format, and the
 * factory that turns a term into a {@link Compare} only when Kiroku records one of its fields.
 */
public final class EcsTerms {
    public static final List<String> MD5 = List.of("process.hash.md5", "file.hash.md5");
    public static final List<String> SHA1 = List.of("process.hash.sha1", "file.hash.sha1");
    public static final List<String> SHA256 = List.of("process.hash.sha256", "file.hash.sha256");
    /** Both ends: a hit on the local address is as telling as on the remote one. */
    public static final List<String> IP = List.of("destination.ip", "source.ip");
    public static final List<String> DOMAIN = List.of("dns.question.name", "url.domain", "destination.domain",
            EventView.COMMAND_LINE_HOSTS);
    public static final List<String> URL = List.of("url.full", "url.original", EventView.COMMAND_LINE_URLS);
    public static final List<String> FILE_NAME = List.of("file.name", "process.name");
    public static final List<String> FILE_PATH = List.of("file.path", "process.executable", "file.Ext.original.path");

    private static final Set<String> RECORDED = recorded();

    private EcsTerms() {
    }

    /** Whether Kiroku's events carry this field (the store schema plus {@link EventView}'s derived fields). */
    public static boolean recorded(String ecsField) {
        return RECORDED.contains(ecsField);
    }

    /**
     * A comparison on a term, or {@link Condition.Unsupported} (with the reason) when Kiroku records none of the
     * term's fields or the value is invalid for the operator.
     */
    public static Condition compare(Field field, Operator operator, String value, boolean caseSensitive) {
        if (field.ecsFields().stream().noneMatch(EcsTerms::recorded)) {
            return new Condition.Unsupported(field.term(), "Kiroku records none of " + String.join(", ", field.ecsFields()));
        }
        if (value.isEmpty() && operator != Operator.EXISTS) return new Condition.Unsupported(field.term(), "empty value");
        try {
            return new Compare(field, operator, value, caseSensitive);
        } catch (IllegalArgumentException e) {
            return new Condition.Unsupported(field.term(), e.getMessage());
        }
    }

    private static Set<String> recorded() {
        Set<String> fields = new LinkedHashSet<>(EventSchema.fields().keySet());
        fields.add(EventView.PROCESS_DIRECTORY);
        fields.add(EventView.COMMAND_LINE_HOSTS);
        fields.add(EventView.COMMAND_LINE_URLS);
        return Set.copyOf(fields);
    }
}
