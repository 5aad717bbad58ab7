package dev.kiroku.yara.ffm;

import java.lang.foreign.MemorySegment;

/**
 * Field offsets of the libyara 4.2 structures Kiroku reads (x86_64/aarch64 LP64, {@code #pragma pack(8)}), as laid
 * out in {@code /usr/include/yara/types.h}. Each {@code DECLARE_REFERENCE} is an 8-byte union. The offsets were
 * checked with {@code offsetof} against Debian's libyara-dev 4.2.3.
 */
final class Structs {
    // YR_RULE
    static final long RULE_IDENTIFIER = 8;
    static final long RULE_TAGS = 16;
    static final long RULE_METAS = 24;
    static final long RULE_STRINGS = 32;
    static final long RULE_NS = 40;
    // YR_NAMESPACE
    static final long NS_NAME = 0;
    // YR_META (32 bytes)
    static final long META_SIZE = 32;
    static final long META_IDENTIFIER = 0;
    static final long META_STRING = 8;
    static final long META_INTEGER = 16;
    static final long META_TYPE = 24;
    static final long META_FLAGS = 28;
    static final int META_TYPE_INTEGER = 1;
    static final int META_TYPE_STRING = 2;
    static final int META_TYPE_BOOLEAN = 3;
    static final int META_FLAGS_LAST_IN_RULE = 1;
    // YR_STRING (56 bytes)
    static final long STRING_SIZE = 56;
    static final long STRING_FLAGS = 0;
    static final long STRING_IDX = 4;
    static final long STRING_IDENTIFIER = 48;
    static final int STRING_FLAGS_LAST_IN_RULE = 0x1000;
    static final int STRING_FLAGS_PRIVATE = 0x100000;
    // YR_SCAN_CONTEXT: the per-string match lists
    static final long CONTEXT_MATCHES = 160;
    // YR_MATCHES (24 bytes)
    static final long MATCHES_SIZE = 24;
    static final long MATCHES_HEAD = 0;
    static final long MATCHES_COUNT = 16;
    // YR_MATCH
    static final long MATCH_BASE = 0;
    static final long MATCH_OFFSET = 8;
    static final long MATCH_LENGTH = 16;
    static final long MATCH_DATA_LENGTH = 20;
    static final long MATCH_DATA = 24;
    static final long MATCH_NEXT = 40;
    // YR_MEMORY_BLOCK (32 bytes)
    static final long BLOCK_SIZE_FIELD = 0;
    static final long BLOCK_BASE = 8;
    static final long BLOCK_CONTEXT = 16;
    static final long BLOCK_FETCH_DATA = 24;
    static final long BLOCK_STRUCT_SIZE = 32;
    // YR_MEMORY_BLOCK_ITERATOR (40 bytes)
    static final long ITERATOR_FIRST = 8;
    static final long ITERATOR_NEXT = 16;
    static final long ITERATOR_FILE_SIZE = 24;
    static final long ITERATOR_LAST_ERROR = 32;
    static final long ITERATOR_STRUCT_SIZE = 40;

    private Structs() {
    }

    /** {@code p} seen as an unbounded segment, so fields and C strings behind it can be read. */
    static MemorySegment at(MemorySegment p) {
        return p.reinterpret(Long.MAX_VALUE);
    }

    /** The NUL-terminated UTF-8 string at {@code p}, or null for a NULL pointer. */
    static String cString(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? null : at(p).getString(0);
    }
}
