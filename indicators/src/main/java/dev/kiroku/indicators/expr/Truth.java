package dev.kiroku.indicators.expr;

/**
 * Three-valued (Kleene) logic for indicator conditions: {@link #UNKNOWN} is what a term Kiroku cannot
 * evaluate yields, so an unsupported branch can neither make an indicator match nor rule a match out.
 */
public enum Truth {
    TRUE, FALSE, UNKNOWN;

    public static Truth of(boolean value) {
        return value ? TRUE : FALSE;
    }

    public Truth and(Truth other) {
        if (this == FALSE || other == FALSE) return FALSE;
        if (this == TRUE && other == TRUE) return TRUE;
        return UNKNOWN;
    }

    public Truth or(Truth other) {
        if (this == TRUE || other == TRUE) return TRUE;
        if (this == FALSE && other == FALSE) return FALSE;
        return UNKNOWN;
    }

    public Truth not() {
        return switch (this) {
            case TRUE -> FALSE;
            case FALSE -> TRUE;
            case UNKNOWN -> UNKNOWN;
        };
    }
}
