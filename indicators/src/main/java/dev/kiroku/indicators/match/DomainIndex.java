package dev.kiroku.indicators.match;

import dev.kiroku.indicators.expr.Domains;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Domains looked up by suffix: a name matches a listed domain when it is the domain or a subdomain of
 * it ({@code a.b.evil.example} matches {@code evil.example}); a lookup probes once per label.
 *
 * @param <T> what a domain stands for
 */
final class DomainIndex<T> {
    private final Map<String, List<T>> domains = new HashMap<>();

    void add(String domain, T value) {
        domains.computeIfAbsent(Domains.normalize(domain), k -> new ArrayList<>(1)).add(value);
    }

    boolean isEmpty() {
        return domains.isEmpty();
    }

    void lookup(String name, Consumer<? super T> found) {
        String n = Domains.normalize(name);
        int from = 0;
        while (true) {
            List<T> values = domains.get(from == 0 ? n : n.substring(from));
            if (values != null) values.forEach(found);
            int dot = n.indexOf('.', from);
            if (dot < 0) return;
            from = dot + 1;
        }
    }
}
