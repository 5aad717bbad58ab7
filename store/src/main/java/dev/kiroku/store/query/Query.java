package dev.kiroku.store.query;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

/**
 * A parsed, type-checked query. Leaves carry the position in the query text they came from, so
 * that a back end can point at the problem if it cannot run them. Handle with an exhaustive switch.
 */
public sealed interface Query {

    /** Every event. */
    record All() implements Query {
    }

    record And(List<Query> clauses) implements Query {
        public And {
            clauses = List.copyOf(clauses);
        }
    }

    record Or(List<Query> clauses) implements Query {
        public Or {
            clauses = List.copyOf(clauses);
        }
    }

    record Not(Query clause) implements Query {
    }

    /** The keyword field equals the value exactly. */
    record Exact(String field, String value, int position) implements Query {
    }

    /**
     * The whole keyword value matches a pattern: {@code *} any characters, {@code ?} one character,
     * {@code \} escapes the next character.
     */
    record Pattern(String field, String pattern, int position) implements Query {
    }

    /**
     * The words of {@code text} appear consecutively in the field's words.
     *
     * @param fields the ECS fields whose words are searched (any of them may match)
     */
    record Words(List<String> fields, String text, int position) implements Query {
        public Words {
            fields = List.copyOf(fields);
        }
    }

    /** One word of the field matches a pattern (lower-cased; {@code *} and {@code ?}). */
    record WordPattern(List<String> fields, String pattern, int position) implements Query {
        public WordPattern {
            fields = List.copyOf(fields);
        }
    }

    /** A number between min and max, both inclusive. */
    record LongRange(String field, long min, long max, int position) implements Query {
    }

    /** An instant between from and to, both inclusive. */
    record TimeRange(String field, Instant from, Instant to, int position) implements Query {
    }

    /** An address between from and to, both inclusive (an exact address, a CIDR block or a range). */
    record IpRange(String field, InetAddress from, InetAddress to, int position) implements Query {
    }
}
