package dev.kiroku.store.lucene;

import java.util.Set;

/** Lucene field names beyond the ECS names themselves. */
final class Fields {
    /** The event in the store's compact binary form ({@link EventBinary}; EventCodec JSON in older documents). */
    static final String SOURCE = "_source";

    /**
     * Sorted doc values (not searchable) with the SHA-256 of the process behind a file, network or
     * user event, where ECS has no {@code process.hash.sha256}: a few executables repeat over
     * millions of events, and doc values keep each once per segment instead of once per event.
     */
    static final String PROCESS_SHA256 = "_process_sha256";

    /**
     * Sorted doc values (not searchable) with the MD5 and SHA-1 of the event's process, for every
     * event that has them (process events also index them as {@code process.hash.md5/sha1}): like
     * the SHA-256, they repeat per executable and cost an ordinal per event instead of 38 stored bytes.
     */
    static final String PROCESS_MD5 = "_process_md5";

    /**
     * Sorted doc values (not searchable; {@code process.parent.executable} is searched by its terms)
     * with the executable of the event's parent process, which the stored event then leaves out: a
     * few hundred executables are parents of millions of events.
     */
    static final String PARENT_EXECUTABLE = "_parent_executable";
    static final String PROCESS_SHA1 = "_process_sha1";

    /**
     * Sorted doc values (not searchable) with the event's process record in {@link EventBinary}'s
     * form, which the stored event then leaves out: a process's file, network and exit events
     * repeat its entity id, arguments, parent and user, and doc values keep each distinct record
     * once per segment behind an ordinal per event.
     */
    static final String PROCESS = "_process";

    /**
     * Keyword fields with few distinct values whose words are found from the keyword terms when a
     * query runs ({@link WordsOfKeywordsQuery}) instead of a {@code .words} field in every document:
     * executables repeat over millions of events, and their words were a sixth of the postings.
     */
    static final Set<String> WORDS_FROM_KEYWORDS = Set.of("process.executable", "process.parent.executable");

    private Fields() {
    }

    /** The analysed words of an ECS field. */
    static String words(String ecsField) {
        return ecsField + ".words";
    }
}
