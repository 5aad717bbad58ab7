package dev.kiroku.detect.sigma.parse;

import java.util.ArrayList;
import java.util.List;

/** Expands {@code %name%} placeholders for values with the {@code expand} modifier. */
final class Placeholders {
    private Placeholders() {
    }

    /**
     * The values a string stands for; a null element means "unresolved placeholder" (only when the context
     * broadens unresolved placeholders; otherwise the rule is refused).
     */
    static List<SigmaValue.Str> expand(ValueChain c, SigmaValue.Str s, LoadContext context) throws RuleProblem {
        if (!c.expand) return List.of(s);
        List<SigmaValue.Part> parts = split(s);
        List<List<SigmaValue.Part>> variants = new ArrayList<>();
        variants.add(new ArrayList<>());
        for (SigmaValue.Part p : parts) {
            if (!(p instanceof SigmaValue.Placeholder(String name))) {
                for (List<SigmaValue.Part> v : variants) v.add(p);
                continue;
            }
            List<String> values = context.placeholders().get(name);
            if (values == null) {
                if (!context.broadenUnresolved()) throw c.problem("unresolved placeholder %" + name + "% (give a value for it or allow broadening)");
                List<SigmaValue.Str> out = new ArrayList<>();
                out.add(null);
                return out;
            }
            if (values.isEmpty()) throw c.problem("placeholder %" + name + "% has no values");
            List<List<SigmaValue.Part>> next = new ArrayList<>();
            for (List<SigmaValue.Part> v : variants) {
                for (String value : values) {
                    List<SigmaValue.Part> copy = new ArrayList<>(v);
                    copy.addAll(SigmaValue.Str.parse(value).parts());
                    next.add(copy);
                }
            }
            variants = next;
        }
        List<SigmaValue.Str> out = new ArrayList<>();
        for (List<SigmaValue.Part> v : variants) out.add(new SigmaValue.Str(v, s.raw(), s.bytes()));
        return out;
    }

    /** Splits literal parts at {@code %name%}; {@code \%} is a plain percent sign. */
    private static List<SigmaValue.Part> split(SigmaValue.Str s) {
        List<SigmaValue.Part> out = new ArrayList<>();
        for (SigmaValue.Part p : s.parts()) {
            if (!(p instanceof SigmaValue.Lit(String text))) {
                out.add(p);
                continue;
            }
            StringBuilder lit = new StringBuilder();
            int i = 0;
            while (i < text.length()) {
                char ch = text.charAt(i);
                if (ch == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '%') {
                    lit.append('%');
                    i += 2;
                } else if (ch == '%' && text.indexOf('%', i + 1) > i + 1) {
                    int end = text.indexOf('%', i + 1);
                    if (!lit.isEmpty()) out.add(new SigmaValue.Lit(lit.toString()));
                    lit.setLength(0);
                    out.add(new SigmaValue.Placeholder(text.substring(i + 1, end)));
                    i = end + 1;
                } else {
                    lit.append(ch);
                    i++;
                }
            }
            if (!lit.isEmpty()) out.add(new SigmaValue.Lit(lit.toString()));
        }
        return out;
    }
}
