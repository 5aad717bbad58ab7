package dev.kiroku.store.lucene;

import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.StoredFieldVisitor;

/** Reads only the stored event of a document and stops there. */
final class SourceVisitor extends StoredFieldVisitor {
    private byte[] source;

    void reset() {
        source = null;
    }

    byte[] source() {
        if (source == null) throw new IllegalStateException("document has no stored event");
        return source;
    }

    @Override
    public Status needsField(FieldInfo fieldInfo) {
        if (source != null) return Status.STOP;
        return fieldInfo.name.equals(Fields.SOURCE) ? Status.YES : Status.NO;
    }

    @Override
    public void binaryField(FieldInfo fieldInfo, byte[] value) {
        source = value;
    }
}
