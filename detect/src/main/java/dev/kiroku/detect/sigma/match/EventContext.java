package dev.kiroku.detect.sigma.match;

import dev.kiroku.detect.sigma.Document;
import dev.kiroku.detect.sigma.model.ValueTest;
import java.util.ArrayList;
import java.util.List;

/** Per-event cache: each field is looked up, converted to text and lower-cased at most once for all rules. */
final class EventContext {
    private static final Object UNSET = new Object();
    private static final String[] NONE = new String[0];

    private final String[] names;
    Document doc;
    private final Object[] raw;
    private final String[][] texts;
    private final String[][] lower;
    /** Per field: 0 not yet known, 1 every text is ASCII, 2 some text has a non-ASCII char. */
    private final byte[] nonAscii;
    /** Fields touched by the current event, to reset them cheaply. */
    private final int[] touched;
    private int touchedCount;
    private List<Object> keywordValues;
    private List<String> keywordTexts;
    private java.util.IdentityHashMap<String, String> lowered;
    /** Per literal id, the stamp of the last event in whose scanned values it occurred. */
    private int[] literalStamp = new int[0];
    private int stamp;

    EventContext(String[] names) {
        this.names = names;
        this.raw = new Object[names.length];
        java.util.Arrays.fill(raw, UNSET);
        this.texts = new String[names.length][];
        this.lower = new String[names.length][];
        this.nonAscii = new byte[names.length];
        this.touched = new int[names.length];
    }

    /** Forgets the previous event (only the fields it touched) and takes the next one. */
    void reset(Document next) {
        for (int i = 0; i < touchedCount; i++) {
            int f = touched[i];
            raw[f] = UNSET;
            texts[f] = null;
            lower[f] = null;
            nonAscii[f] = 0;
        }
        touchedCount = 0;
        keywordValues = null;
        keywordTexts = null;
        if (lowered != null) lowered.clear();
        doc = next;
    }

    /** Makes {@link #seen} answer from the prefilter's stamps of the current event. */
    void literals(int[] literalStamp, int stamp) {
        this.literalStamp = literalStamp;
        this.stamp = stamp;
    }

    /** True if the literal with this id occurred (case-folded) in a scanned value of its field in this event. */
    boolean seen(int literal) {
        return literalStamp[literal] == stamp;
    }

    Object raw(int field) {
        Object v = raw[field];
        if (v == UNSET) {
            v = doc.get(names[field]);
            raw[field] = v;
            touched[touchedCount++] = field;
        }
        return v;
    }

    /** Sets a value already fetched (by the prefilter) so it is not looked up again. */
    void preset(int field, Object value) {
        if (raw[field] == UNSET) {
            raw[field] = value;
            touched[touchedCount++] = field;
        }
    }

    boolean has(int field) {
        return doc.has(names[field]);
    }

    String[] texts(int field) {
        String[] t = texts[field];
        if (t == null) {
            t = toTexts(raw(field));
            texts[field] = t;
        }
        return t;
    }

    /** True if some text of the field has a non-ASCII char. */
    boolean nonAscii(int field) {
        byte known = nonAscii[field];
        if (known == 0) {
            known = 1;
            for (String t : texts(field)) {
                for (int i = 0; i < t.length(); i++) {
                    if (t.charAt(i) >= 128) {
                        known = 2;
                        break;
                    }
                }
                if (known == 2) break;
            }
            nonAscii[field] = known;
        }
        return known == 2;
    }

    String[] lowerTexts(int field) {
        String[] l = lower[field];
        if (l == null) {
            String[] t = texts(field);
            l = new String[t.length];
            for (int i = 0; i < t.length; i++) l[i] = lowerOf(t[i]);
            lower[field] = l;
        }
        return l;
    }

    /** Lower-cases long texts once per event even when reached through several field names. */
    private String lowerOf(String s) {
        if (s.length() < 24) return Values.lower(s);
        if (lowered == null) lowered = new java.util.IdentityHashMap<>();
        return lowered.computeIfAbsent(s, Values::lower);
    }

    static String[] toTexts(Object v) {
        if (v == null) return NONE;
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object o : list) {
                String s = o instanceof List<?> ? null : Values.text(o);
                if (s != null) out.add(s);
            }
            return out.toArray(NONE);
        }
        String s = Values.text(v);
        return s == null ? NONE : new String[] {s};
    }

    boolean anyScalar(int field, ValueTest test) {
        Object v = raw(field);
        if (v instanceof List<?> list) {
            for (Object o : list) if (!(o instanceof List<?>) && Oracle.scalar(test, o, doc)) return true;
            return false;
        }
        return Oracle.scalar(test, v, doc);
    }

    /** Every value of the event as text (list elements one by one). */
    List<String> keywordTexts() {
        if (keywordTexts == null) {
            keywordTexts = new ArrayList<>();
            for (Object v : doc.values()) {
                if (v instanceof String s) keywordTexts.add(s);
                else for (String s : toTexts(v)) keywordTexts.add(s);
            }
        }
        return keywordTexts;
    }

    boolean anyKeyword(ValueTest test) {
        if (keywordValues == null) {
            keywordValues = new ArrayList<>();
            for (Object v : doc.values()) keywordValues.add(v);
        }
        if (test instanceof ValueTest.Text t && !t.cased()) {
            String p = Values.lower(t.value());
            for (String s : keywordTexts()) if (Values.textFolded(t.op(), s, p)) return true;
            return false;
        }
        for (Object v : keywordValues) {
            if (v instanceof List<?> list) {
                for (Object o : list) if (!(o instanceof List<?>) && Oracle.scalar(test, o, doc)) return true;
            } else if (Oracle.scalar(test, v, doc)) {
                return true;
            }
        }
        return false;
    }
}
