package dev.kiroku.detect.sigma.parse;

import dev.kiroku.detect.sigma.model.ValueTest.CompareOp;
import dev.kiroku.detect.sigma.model.ValueTest.TextOp;
import dev.kiroku.detect.sigma.model.ValueTest.TimeUnit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** The registry of Sigma value modifiers: one map of name to factory; a duplicate name fails at start-up. */
public final class Modifiers {
    private static final Map<String, Supplier<Modifier>> REGISTRY = build();
    private static final String DASHES = "-/\u2013\u2014\u2015";
    private static final int MAX_WINDASH_VARIANTS = 3125;

    private Modifiers() {
    }

    /** The names of every supported modifier. */
    public static Set<String> names() {
        return REGISTRY.keySet();
    }

    static Modifier lookup(String name) {
        Supplier<Modifier> factory = REGISTRY.get(name);
        return factory == null ? null : factory.get();
    }

    private static Map<String, Supplier<Modifier>> build() {
        Map<String, Supplier<Modifier>> m = new LinkedHashMap<>();
        register(m, "contains", () -> c -> textOp(c, TextOp.CONTAINS));
        register(m, "startswith", () -> c -> textOp(c, TextOp.STARTS_WITH));
        register(m, "endswith", () -> c -> textOp(c, TextOp.ENDS_WITH));
        register(m, "all", () -> c -> c.all = true);
        register(m, "cased", () -> c -> c.cased = true);
        register(m, "neq", () -> c -> c.neq = true);
        register(m, "exists", () -> Modifiers::exists);
        register(m, "windash", () -> Modifiers::windash);
        register(m, "re", () -> c -> kind(c, ValueChain.Kind.REGEX, "re"));
        register(m, "i", () -> c -> regexFlag(c, "i", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
        register(m, "ignorecase", () -> c -> regexFlag(c, "ignorecase", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
        register(m, "m", () -> c -> regexFlag(c, "m", Pattern.MULTILINE));
        register(m, "multiline", () -> c -> regexFlag(c, "multiline", Pattern.MULTILINE));
        register(m, "s", () -> c -> regexFlag(c, "s", Pattern.DOTALL));
        register(m, "dotall", () -> c -> regexFlag(c, "dotall", Pattern.DOTALL));
        register(m, "base64", () -> c -> base64(c, false));
        register(m, "base64offset", () -> c -> base64(c, true));
        register(m, "utf16le", () -> c -> utf16(c, false, false));
        register(m, "wide", () -> c -> utf16(c, false, false));
        register(m, "utf16be", () -> c -> utf16(c, true, false));
        register(m, "utf16", () -> c -> utf16(c, false, true));
        register(m, "cidr", () -> c -> kind(c, ValueChain.Kind.CIDR, "cidr"));
        register(m, "fieldref", () -> c -> kind(c, ValueChain.Kind.FIELDREF, "fieldref"));
        register(m, "expand", () -> c -> c.expand = true);
        register(m, "lt", () -> c -> compare(c, CompareOp.LT));
        register(m, "lte", () -> c -> compare(c, CompareOp.LTE));
        register(m, "gt", () -> c -> compare(c, CompareOp.GT));
        register(m, "gte", () -> c -> compare(c, CompareOp.GTE));
        register(m, "minute", () -> c -> time(c, TimeUnit.MINUTE));
        register(m, "hour", () -> c -> time(c, TimeUnit.HOUR));
        register(m, "day", () -> c -> time(c, TimeUnit.DAY));
        register(m, "week", () -> c -> time(c, TimeUnit.WEEK));
        register(m, "month", () -> c -> time(c, TimeUnit.MONTH));
        register(m, "year", () -> c -> time(c, TimeUnit.YEAR));
        return java.util.Collections.unmodifiableMap(m);
    }

    static void register(Map<String, Supplier<Modifier>> registry, String name, Supplier<Modifier> factory) {
        if (registry.putIfAbsent(name, factory) != null) {
            throw new IllegalStateException("duplicate Sigma modifier name: " + name);
        }
    }

    private static void textOp(ValueChain c, TextOp op) throws RuleProblem {
        if (c.op != TextOp.EQUALS && c.op != op) throw c.problem("conflicting modifiers: " + c.op + " and " + op);
        if (c.kind != ValueChain.Kind.PLAIN && c.kind != ValueChain.Kind.FIELDREF) {
            throw c.problem("modifier " + op.name().toLowerCase().replace("_", "") + " cannot follow " + c.kind.name().toLowerCase());
        }
        c.op = op;
    }

    private static void kind(ValueChain c, ValueChain.Kind kind, String name) throws RuleProblem {
        if (c.kind != ValueChain.Kind.PLAIN) throw c.problem("modifier '" + name + "' conflicts with " + c.kind.name().toLowerCase());
        if (c.op != TextOp.EQUALS && kind != ValueChain.Kind.FIELDREF) throw c.problem("modifier '" + name + "' cannot follow " + c.op.name().toLowerCase());
        c.kind = kind;
    }

    private static void regexFlag(ValueChain c, String name, int flag) throws RuleProblem {
        if (c.kind != ValueChain.Kind.REGEX) throw c.problem("regular expression flag '" + name + "' needs the 're' modifier before it");
        c.regexFlags |= flag;
    }

    private static void exists(ValueChain c) throws RuleProblem {
        if (c.values.size() != 1 || !(c.values.getFirst() instanceof SigmaValue.Bool)) {
            throw c.problem("modifier 'exists' needs a single boolean value");
        }
        kind(c, ValueChain.Kind.EXISTS, "exists");
    }

    private static void compare(ValueChain c, CompareOp op) throws RuleProblem {
        if (c.kind != ValueChain.Kind.PLAIN || c.compare != null) throw c.problem("modifier '" + op.name().toLowerCase() + "' conflicts with an earlier modifier");
        for (SigmaValue v : c.values) {
            boolean numeric = switch (v) {
                case SigmaValue.Num n -> true;
                case SigmaValue.Str s -> ValueBuilder.number(s.raw()) != null;
                case SigmaValue.Bool b -> false;
                case SigmaValue.Null n -> false;
            };
            if (!numeric) throw c.problem("modifier '" + op.name().toLowerCase() + "' needs a number");
        }
        c.kind = ValueChain.Kind.COMPARE;
        c.compare = op;
    }

    private static void time(ValueChain c, TimeUnit unit) throws RuleProblem {
        if (c.time != null) throw c.problem("two time modifiers");
        c.time = unit;
    }

    private static void windash(ValueChain c) throws RuleProblem {
        List<SigmaValue> out = new ArrayList<>();
        for (SigmaValue.Str s : c.strings("windash")) {
            List<List<SigmaValue.Part>> variants = new ArrayList<>();
            variants.add(new ArrayList<>());
            for (SigmaValue.Part part : s.parts()) {
                if (!(part instanceof SigmaValue.Lit(String text))) {
                    for (List<SigmaValue.Part> v : variants) v.add(part);
                    continue;
                }
                List<StringBuilder> texts = new ArrayList<>();
                texts.add(new StringBuilder());
                for (char ch : text.toCharArray()) {
                    if (DASHES.indexOf(ch) < 0) {
                        for (StringBuilder sb : texts) sb.append(ch);
                        continue;
                    }
                    List<StringBuilder> next = new ArrayList<>();
                    for (StringBuilder sb : texts) {
                        for (char d : DASHES.toCharArray()) next.add(new StringBuilder(sb).append(d));
                    }
                    texts = next;
                    if (texts.size() * variants.size() > MAX_WINDASH_VARIANTS) throw c.problem("windash: too many dashes in one value");
                }
                List<List<SigmaValue.Part>> next = new ArrayList<>();
                for (List<SigmaValue.Part> v : variants) {
                    for (StringBuilder sb : texts) {
                        List<SigmaValue.Part> copy = new ArrayList<>(v);
                        copy.add(new SigmaValue.Lit(sb.toString()));
                        next.add(copy);
                    }
                }
                variants = next;
            }
            for (List<SigmaValue.Part> v : variants) out.add(new SigmaValue.Str(v, s.raw(), s.bytes()));
        }
        c.values = out;
    }

    private static byte[] bytes(ValueChain c, SigmaValue.Str s, String modifier) throws RuleProblem {
        if (!s.plainLiteral()) throw c.problem("modifier '" + modifier + "' cannot encode a value with wildcards or placeholders");
        String text = s.literalText();
        if (!s.bytes()) return text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[text.length()];
        for (int i = 0; i < out.length; i++) out[i] = (byte) text.charAt(i);
        return out;
    }

    private static void base64(ValueChain c, boolean offsets) throws RuleProblem {
        String name = offsets ? "base64offset" : "base64";
        if (c.op != TextOp.EQUALS) throw c.problem("modifier '" + name + "' must come before contains/startswith/endswith");
        List<SigmaValue> out = new ArrayList<>();
        for (SigmaValue.Str s : c.strings(name)) {
            byte[] value = bytes(c, s, name);
            if (!offsets) {
                out.add(SigmaValue.Str.literal(Base64.getEncoder().encodeToString(value)));
                continue;
            }
            int[] start = {0, 2, 3};
            int[] endCut = {0, 3, 2};
            for (int i = 0; i < 3; i++) {
                byte[] shifted = new byte[value.length + i];
                for (int k = 0; k < i; k++) shifted[k] = ' ';
                System.arraycopy(value, 0, shifted, i, value.length);
                String enc = Base64.getEncoder().encodeToString(shifted);
                int end = enc.length() - endCut[(value.length + i) % 3];
                if (end > start[i]) out.add(SigmaValue.Str.literal(enc.substring(start[i], end)));
            }
        }
        c.values = out;
    }

    private static void utf16(ValueChain c, boolean bigEndian, boolean bom) throws RuleProblem {
        List<SigmaValue> out = new ArrayList<>();
        for (SigmaValue.Str s : c.strings("utf16")) {
            if (s.bytes()) throw c.problem("value is already encoded");
            List<SigmaValue.Part> parts = new ArrayList<>();
            if (bom) parts.add(new SigmaValue.Lit(bigEndian ? "\u00fe\u00ff" : "\u00ff\u00fe"));
            for (SigmaValue.Part p : s.parts()) {
                if (p instanceof SigmaValue.Lit(String text)) {
                    StringBuilder sb = new StringBuilder();
                    for (char ch : text.toCharArray()) {
                        char hi = (char) ((ch >> 8) & 0xff);
                        char lo = (char) (ch & 0xff);
                        if (bigEndian) sb.append(hi).append(lo);
                        else sb.append(lo).append(hi);
                    }
                    parts.add(new SigmaValue.Lit(sb.toString()));
                } else {
                    parts.add(p);
                }
            }
            out.add(new SigmaValue.Str(parts, s.raw(), true));
        }
        c.values = out;
    }
}
