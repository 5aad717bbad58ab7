package dev.kiroku.detect.sigma;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.Reader;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Splits a stream of JSON values into items, one at a time and in constant memory: JSON lines, one JSON array of
 * objects, or objects written one after another (pretty-printed or not). Each item is then parsed on its own, so a
 * malformed item is reported with its position and skipped without losing the rest.
 */
public final class JsonItems implements Iterator<JsonItems.Item> {
    /** Largest item accepted, in chars. */
    public static final int MAX_ITEM_CHARS = 16 * 1024 * 1024;

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    /**
     * One item: its 1-based index and starting line, and either the parsed object or the reason it is malformed.
     */
    public record Item(long index, long line, Map<String, Object> object, String error) {
    }

    private final Reader in;
    private final char[] buf = new char[65536];
    private int pos;
    private int len;
    private long line = 1;
    private boolean inArray;
    private long index;
    private Item next;
    private boolean done;

    public JsonItems(Reader in) {
        this.in = in;
    }

    private int read() throws IOException {
        if (pos == len) {
            len = in.read(buf, 0, buf.length);
            pos = 0;
            if (len <= 0) {
                len = 0;
                return -1;
            }
        }
        char c = buf[pos++];
        if (c == '\n') line++;
        return c;
    }

    private int peekNonSpace() throws IOException {
        while (true) {
            if (pos == len) {
                len = in.read(buf, 0, buf.length);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    return -1;
                }
            }
            char c = buf[pos];
            if (Character.isWhitespace(c) || c == '\uFEFF') {
                read();
            } else if (c == ',' && inArray) {
                read();
            } else if (c == ']' && inArray) {
                read();
                inArray = false;
            } else {
                return c;
            }
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) next = advance();
        return next != null;
    }

    @Override
    public Item next() {
        if (!hasNext()) throw new NoSuchElementException();
        Item i = next;
        next = null;
        return i;
    }

    private Item advance() {
        try {
            int c = peekNonSpace();
            if (c == '[' && !inArray) {
                read();
                inArray = true;
                c = peekNonSpace();
            }
            if (c < 0) {
                done = true;
                return null;
            }
            long startLine = line;
            index++;
            StringBuilder sb = new StringBuilder();
            if (c != '{') {
                // Skip to the end of the line: not an object.
                int ch;
                while ((ch = read()) >= 0 && ch != '\n') if (sb.length() < 80) sb.append((char) ch);
                return new Item(index, startLine, null, "not a JSON object: " + sb.toString().strip());
            }
            int depth = 0;
            boolean inString = false;
            boolean escape = false;
            boolean tooBig = false;
            int ch;
            while ((ch = read()) >= 0) {
                if (!tooBig) {
                    sb.append((char) ch);
                    if (sb.length() > MAX_ITEM_CHARS) {
                        tooBig = true;
                        sb.setLength(0);
                    }
                }
                if (inString) {
                    if (escape) escape = false;
                    else if (ch == '\\') escape = true;
                    else if (ch == '"') inString = false;
                    else if (ch == '\n') {
                        return new Item(index, startLine, null, "unterminated string");
                    }
                } else if (ch == '"') {
                    inString = true;
                } else if (ch == '{' || ch == '[') {
                    depth++;
                } else if (ch == '}' || ch == ']') {
                    depth--;
                    if (depth == 0) break;
                }
            }
            if (tooBig) return new Item(index, startLine, null, "item larger than " + MAX_ITEM_CHARS + " chars");
            if (depth != 0) return new Item(index, startLine, null, "truncated JSON object");
            return parse(index, startLine, sb.toString());
        } catch (IOException e) {
            done = true;
            return new Item(index, line, null, "read error: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Item parse(long index, long line, String text) {
        try (JsonParser p = MAPPER.createParser(text)) {
            Map<String, Object> m = MAPPER.readValue(p, Map.class);
            if (p.nextToken() != null) return new Item(index, line, null, "trailing data after object");
            return new Item(index, line, m, null);
        } catch (JsonProcessingException e) {
            return new Item(index, line, null, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return new Item(index, line, null, "malformed JSON: " + e.getMessage());
        }
    }
}
