package dev.kiroku.indicators.expr;

import java.util.Locale;

/** Domain-name normalisation and suffix tests. */
public final class Domains {
    private Domains() {
    }

    /** Lower-cased, without surrounding whitespace or a trailing root dot. */
    public static String normalize(String name) {
        String s = name.strip().toLowerCase(Locale.ROOT);
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Whether {@code candidate} equals {@code domain} or is a subdomain of it (both normalised). */
    public static boolean isSameOrSubdomain(String candidate, String domain) {
        if (!candidate.endsWith(domain)) return false;
        int boundary = candidate.length() - domain.length();
        return boundary == 0 || candidate.charAt(boundary - 1) == '.';
    }
}
