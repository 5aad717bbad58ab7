package dev.kiroku.detect.sigma.parse;

import dev.kiroku.detect.sigma.model.ValueTest;
import java.util.ArrayList;
import java.util.List;

/** The values of one field item while its modifiers are applied, in the order they are written. */
final class ValueChain {
    enum Kind { PLAIN, REGEX, CIDR, COMPARE, EXISTS, FIELDREF }

    List<SigmaValue> values;
    final int line;
    Kind kind = Kind.PLAIN;
    ValueTest.TextOp op = ValueTest.TextOp.EQUALS;
    boolean all;
    boolean cased;
    boolean neq;
    boolean expand;
    int regexFlags;
    ValueTest.CompareOp compare;
    ValueTest.TimeUnit time;
    final List<String> names = new ArrayList<>();

    ValueChain(List<SigmaValue> values, int line) {
        this.values = new ArrayList<>(values);
        this.line = line;
    }

    boolean has(String modifier) {
        return names.contains(modifier);
    }

    RuleProblem problem(String message) {
        return new RuleProblem(message, line);
    }

    /** The values as strings; numbers become their text, booleans and null are refused. */
    List<SigmaValue.Str> strings(String modifier) throws RuleProblem {
        List<SigmaValue.Str> out = new ArrayList<>();
        for (SigmaValue v : values) {
            switch (v) {
                case SigmaValue.Str s -> out.add(s);
                case SigmaValue.Num n -> out.add(SigmaValue.Str.parse(n.text()));
                case SigmaValue.Bool b -> throw problem("modifier '" + modifier + "' needs a string, got a boolean");
                case SigmaValue.Null n -> throw problem("modifier '" + modifier + "' cannot be applied to null");
            }
        }
        return out;
    }
}
