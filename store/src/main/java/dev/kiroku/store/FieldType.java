package dev.kiroku.store;

/** How a field of the event schema is indexed and therefore how a query may address it. */
public enum FieldType {
    /** Exact value, case-sensitive; wildcards and prefixes match the whole value. */
    KEYWORD,
    /** Exact value like {@link #KEYWORD}, plus its words for full-text search (paths, executables). */
    KEYWORD_TEXT,
    /** Words only (command lines, argument vectors): tokenised, lower-cased. */
    TEXT,
    /** A 64-bit integer: ports, pids, sizes, counts. */
    LONG,
    /** An instant; ISO-8601 in queries. */
    DATE,
    /** An IPv4 or IPv6 address; matches exact addresses, CIDR blocks and ranges. */
    IP
}
