package dev.kiroku.store.lucene;

/** Lucene field names beyond the ECS names themselves. */
final class Fields {
    /** The event in the store's compact binary form ({@link EventBinary}; EventCodec JSON in older documents). */
    static final String SOURCE = "_source";

    private Fields() {
    }

    /** The analysed words of an ECS field. */
    static String words(String ecsField) {
        return ecsField + ".words";
    }
}
