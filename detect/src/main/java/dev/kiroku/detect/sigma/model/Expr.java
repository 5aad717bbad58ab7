package dev.kiroku.detect.sigma.model;

import java.util.List;

/** A rule's detection logic after modifiers and the condition have been resolved. */
public sealed interface Expr permits Expr.And, Expr.Or, Expr.Not, Expr.AtLeast, Expr.Field, Expr.Keyword, Expr.Const {

    record And(List<Expr> items) implements Expr {
        public And {
            items = List.copyOf(items);
        }
    }

    record Or(List<Expr> items) implements Expr {
        public Or {
            items = List.copyOf(items);
        }
    }

    record Not(Expr item) implements Expr {
    }

    /** At least {@code count} of the items hold ("2 of selection_*"). */
    record AtLeast(int count, List<Expr> items) implements Expr {
        public AtLeast {
            items = List.copyOf(items);
        }
    }

    /** One value test on one field (any element, when the field holds a list). */
    record Field(String field, ValueTest test) implements Expr {
    }

    /** A keyword test against every value of the event. */
    record Keyword(ValueTest test) implements Expr {
    }

    record Const(boolean value) implements Expr {
    }
}
