package dev.kiroku.detect.sigma;

import dev.kiroku.detect.sigma.match.Values;
import dev.kiroku.detect.sigma.model.LogSource;
import dev.kiroku.detect.sigma.yaml.YNode;
import dev.kiroku.detect.sigma.yaml.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which Sigma logsources a raw Windows event belongs to, from its {@code Channel} and {@code EventID}, as the Sigma
 * taxonomy defines them (resource {@code sigma/windows-logsources.yml}): a service is a set of event log channels, a
 * category a channel and event ids (process_creation is Sysmon's event 1). Raw mode evaluates a rule on a Windows
 * event only if the rule's logsource covers the event; an event on a channel the table does not list, or without a
 * {@code Channel}, is not classified and every rule applies to it, as before.
 *
 * <p>A rule applies to a classified event when its product is absent or {@code windows}, its service (if any) is one
 * of the event's channel, and its category (if any) one of the event's channel and id. A service or category the
 * table does not know applies to every Windows event when the rule names {@code product: windows} (it may come from
 * elsewhere, e.g. an ETW provider), and to none when the rule names no product (web server, proxy, database logs).
 */
public final class WindowsLogSources {
    /**
     * The logsource class of a Windows event: its channel, and its event id when some category of the channel lists
     * it (else -1). One instance per class, numbered from 0 ({@link #ordinal}).
     */
    public record EventClass(int ordinal, String channel, int eventId, Set<String> services, Set<String> categories) {
    }

    /** The classes of one channel: by event id, and for every other id. */
    private record Channel(Map<Integer, EventClass> byEventId, EventClass other) {
    }

    private static final WindowsLogSources STANDARD = load();

    private final Map<String, Channel> channels;
    private final Map<String, Channel> channelsLowerCase = new HashMap<>();
    private final Set<String> knownServices;
    private final Set<String> knownCategories;
    private final List<EventClass> classes = new ArrayList<>();

    private WindowsLogSources(Map<String, Set<String>> services, Map<String, Map<Integer, Set<String>>> categoriesByChannel,
                              Set<String> knownServices, Set<String> knownCategories) {
        this.knownServices = Set.copyOf(knownServices);
        this.knownCategories = Set.copyOf(knownCategories);
        Set<String> names = new TreeSet<>(services.keySet());
        names.addAll(categoriesByChannel.keySet());
        Map<String, Channel> byName = new LinkedHashMap<>();
        for (String name : names) {
            Set<String> svc = Set.copyOf(services.getOrDefault(name, Set.of()));
            Map<Integer, EventClass> byId = new HashMap<>();
            for (Map.Entry<Integer, Set<String>> e : categoriesByChannel.getOrDefault(name, Map.of()).entrySet()) {
                byId.put(e.getKey(), add(name, e.getKey(), svc, Set.copyOf(e.getValue())));
            }
            Channel c = new Channel(Map.copyOf(byId), add(name, -1, svc, Set.of()));
            byName.put(name, c);
            channelsLowerCase.put(name.toLowerCase(Locale.ROOT), c);
        }
        this.channels = Map.copyOf(byName);
    }

    private EventClass add(String channel, int eventId, Set<String> services, Set<String> categories) {
        EventClass c = new EventClass(classes.size(), channel, eventId, services, categories);
        classes.add(c);
        return c;
    }

    /** The taxonomy's table (resource {@code sigma/windows-logsources.yml}). */
    public static WindowsLogSources standard() {
        return STANDARD;
    }

    private static WindowsLogSources load() {
        try (InputStream in = WindowsLogSources.class.getResourceAsStream("/sigma/windows-logsources.yml")) {
            if (in == null) throw new IllegalStateException("missing resource sigma/windows-logsources.yml");
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "sigma/windows-logsources.yml");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a table ({@code services: {name: [channel…]}, categories: {name: {channels: […], event_ids: […]}}}). */
    static WindowsLogSources parse(String yaml, String name) {
        List<YNode> docs;
        try {
            docs = YamlReader.readAll(yaml, name);
        } catch (YamlReader.YamlException e) {
            throw new IllegalArgumentException(name + ":" + e.line() + ": " + e.getMessage());
        }
        if (docs.size() != 1 || !(docs.getFirst() instanceof YNode.YMap root)
                || !(root.get("services") instanceof YNode.YMap services) || !(root.get("categories") instanceof YNode.YMap categories)) {
            throw new IllegalArgumentException(name + ": expected one map with 'services' and 'categories' maps");
        }
        Map<String, Set<String>> servicesOfChannel = new HashMap<>();
        Set<String> knownServices = new TreeSet<>();
        for (YNode.Entry e : services.entries()) {
            String service = e.key().text().toLowerCase(Locale.ROOT);
            knownServices.add(service);
            for (String channel : strings(e.value(), name)) servicesOfChannel.computeIfAbsent(channel, k -> new TreeSet<>()).add(service);
        }
        Map<String, Map<Integer, Set<String>>> categoriesByChannel = new HashMap<>();
        Set<String> knownCategories = new TreeSet<>();
        for (YNode.Entry e : categories.entries()) {
            String category = e.key().text().toLowerCase(Locale.ROOT);
            if (!(e.value() instanceof YNode.YMap m)) throw new IllegalArgumentException(name + ":" + e.value().line() + ": a category needs channels and event_ids");
            knownCategories.add(category);
            List<String> ids = strings(m.get("event_ids"), name);
            for (String channel : strings(m.get("channels"), name)) {
                for (String id : ids) {
                    int eventId;
                    try {
                        eventId = Integer.parseInt(id);
                    } catch (NumberFormatException x) {
                        throw new IllegalArgumentException(name + ":" + m.line() + ": event id '" + id + "' is not a number");
                    }
                    categoriesByChannel.computeIfAbsent(channel, k -> new HashMap<>()).computeIfAbsent(eventId, k -> new TreeSet<>()).add(category);
                }
            }
        }
        return new WindowsLogSources(servicesOfChannel, categoriesByChannel, knownServices, knownCategories);
    }

    private static List<String> strings(YNode node, String name) {
        if (!(node instanceof YNode.YSeq seq) || seq.items().isEmpty()) {
            throw new IllegalArgumentException(name + ":" + (node == null ? 0 : node.line()) + ": expected a non-empty list");
        }
        List<String> out = new ArrayList<>();
        for (YNode item : seq.items()) {
            if (!(item instanceof YNode.YScalar s) || s.isNull()) throw new IllegalArgumentException(name + ":" + item.line() + ": expected a scalar");
            out.add(s.text());
        }
        return out;
    }

    /** Every class, by ordinal. */
    public List<EventClass> classes() {
        return List.copyOf(classes);
    }

    /** The class of a Windows event on a listed channel; null for any other event (then every rule applies). */
    public EventClass classify(Document event) {
        if (!(event.get("Channel") instanceof String name)) return null;
        Channel channel = channels.get(name);
        if (channel == null) {
            channel = channelsLowerCase.get(name.toLowerCase(Locale.ROOT));
            if (channel == null) return null;
        }
        if (channel.byEventId().isEmpty()) return channel.other();
        EventClass c = channel.byEventId().get(eventId(event.get("EventID")));
        return c != null ? c : channel.other();
    }

    private static int eventId(Object value) {
        if (value instanceof Integer i) return i;
        String text = value instanceof List<?> ? null : Values.text(value);
        if (text == null || text.isEmpty() || text.length() > 9) return -1;
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) < '0' || text.charAt(i) > '9') return -1;
        return Integer.parseInt(text);
    }

    /** True if a rule of this logsource is evaluated on events of the class (always for a null class). */
    public boolean applies(LogSource rule, EventClass event) {
        if (event == null) return true;
        boolean windows = rule.product() != null;
        if (windows && !rule.product().equalsIgnoreCase("windows")) return false;
        return fits(rule.service(), knownServices, event.services(), windows)
                && fits(rule.category(), knownCategories, event.categories(), windows);
    }

    private static boolean fits(String wanted, Set<String> known, Set<String> ofEvent, boolean windowsRule) {
        if (wanted == null) return true;
        String w = wanted.toLowerCase(Locale.ROOT);
        return known.contains(w) ? ofEvent.contains(w) : windowsRule;
    }
}
