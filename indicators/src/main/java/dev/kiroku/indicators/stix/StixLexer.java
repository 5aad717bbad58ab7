package dev.kiroku.indicators.stix;

import java.util.ArrayList;
import java.util.List;

/** Splits a STIX 2.1 pattern into tokens, each with its position. */
final class StixLexer {
    enum Kind { LBRACKET, RBRACKET, LPAREN, RPAREN, COMMA, COLON, DOT, OP, WORD, STRING, NUMBER, TIMESTAMP, HEX, BINARY, STAR, END }

    record Token(Kind kind, String text, int position) {
        boolean is(Kind k, String t) {
            return kind == k && text.equals(t);
        }

        boolean isWord(String keyword) {
            return kind == Kind.WORD && text.equals(keyword);
        }
    }

    private StixLexer() {
    }

    static List<Token> tokens(String pattern) throws StixPatternException {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            switch (c) {
                case '[' -> { out.add(new Token(Kind.LBRACKET, "[", i)); i++; }
                case ']' -> { out.add(new Token(Kind.RBRACKET, "]", i)); i++; }
                case '(' -> { out.add(new Token(Kind.LPAREN, "(", i)); i++; }
                case ')' -> { out.add(new Token(Kind.RPAREN, ")", i)); i++; }
                case ',' -> { out.add(new Token(Kind.COMMA, ",", i)); i++; }
                case ':' -> { out.add(new Token(Kind.COLON, ":", i)); i++; }
                case '.' -> { out.add(new Token(Kind.DOT, ".", i)); i++; }
                case '*' -> { out.add(new Token(Kind.STAR, "*", i)); i++; }
                case '=' -> { out.add(new Token(Kind.OP, "=", i)); i++; }
                case '!', '<', '>' -> {
                    if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '=') {
                        out.add(new Token(Kind.OP, c + "=", i));
                        i += 2;
                    } else if (c == '!') {
                        throw new StixPatternException(i, "expected '!=' but found '!'");
                    } else {
                        out.add(new Token(Kind.OP, String.valueOf(c), i));
                        i++;
                    }
                }
                case '\'' -> {
                    StringBuilder s = new StringBuilder();
                    i = string(pattern, i, s);
                    out.add(new Token(Kind.STRING, s.toString(), start));
                }
                default -> {
                    if ((c == 't' || c == 'h' || c == 'b') && i + 1 < pattern.length() && pattern.charAt(i + 1) == '\'') {
                        StringBuilder s = new StringBuilder();
                        i = string(pattern, i + 1, s);
                        out.add(new Token(c == 't' ? Kind.TIMESTAMP : c == 'h' ? Kind.HEX : Kind.BINARY, s.toString(), start));
                    } else if (Character.isDigit(c) || c == '-' && i + 1 < pattern.length() && Character.isDigit(pattern.charAt(i + 1))) {
                        i++;
                        while (i < pattern.length() && (Character.isDigit(pattern.charAt(i)) || pattern.charAt(i) == '.')) i++;
                        out.add(new Token(Kind.NUMBER, pattern.substring(start, i), start));
                    } else if (Character.isLetter(c) || c == '_') {
                        while (i < pattern.length() && (Character.isLetterOrDigit(pattern.charAt(i))
                                || pattern.charAt(i) == '_' || pattern.charAt(i) == '-')) {
                            i++;
                        }
                        out.add(new Token(Kind.WORD, pattern.substring(start, i), start));
                    } else {
                        throw new StixPatternException(i, "unexpected character '" + c + "'");
                    }
                }
            }
        }
        out.add(new Token(Kind.END, "end of pattern", pattern.length()));
        return out;
    }

    /** Reads a quoted string starting at the opening quote; returns the index after the closing quote. */
    private static int string(String p, int open, StringBuilder out) throws StixPatternException {
        int i = open + 1;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '\\') {
                if (i + 1 >= p.length()) break;
                char e = p.charAt(i + 1);
                if (e != '\'' && e != '\\') throw new StixPatternException(i, "invalid escape '\\" + e + "' (only \\' and \\\\ are allowed)");
                out.append(e);
                i += 2;
            } else if (c == '\'') {
                return i + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        throw new StixPatternException(open, "string not terminated");
    }
}
