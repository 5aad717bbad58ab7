package dev.kiroku.sandbox.statics;

import dev.kiroku.sandbox.Reason;

import java.util.ArrayList;
import java.util.List;

/** Embedded URLs, public IP addresses and domain names. */
public final class NetworkIndicatorCheck implements StaticCheck {
    @Override
    public List<Reason> check(StaticSubject s) {
        List<Reason> reasons = new ArrayList<>();
        Indicators found = s.indicators();
        if (!found.urls().isEmpty())
            reasons.add(new Reason("static.indicator.url", Math.min(20, 10 * found.urls().size()), "embedded URLs", s.name() + ": " + limit(found.urls())));
        List<String> publicIps = found.ips().stream().filter(Indicators::isPublic).toList();
        if (!publicIps.isEmpty())
            reasons.add(new Reason("static.indicator.ip", Math.min(20, 10 * publicIps.size()), "embedded public IP addresses", s.name() + ": " + limit(publicIps)));
        if (!found.domains().isEmpty())
            reasons.add(new Reason("static.indicator.domain", Math.min(10, 5 * found.domains().size()), "embedded domain names", s.name() + ": " + limit(found.domains())));
        return reasons;
    }

    private static String limit(List<String> values) {
        return String.join(", ", values.subList(0, Math.min(values.size(), 10))) + (values.size() > 10 ? " (+" + (values.size() - 10) + " more)" : "");
    }
}
