package dev.kiroku.indicators.expr;

/** How a {@link Compare} tests an event's field value against the indicator's value. */
public enum Operator {
    /** equal (case-insensitively unless the comparison is case-sensitive) */
    IS,
    CONTAINS,
    STARTS_WITH,
    ENDS_WITH,
    /** the value is a Java regular expression found anywhere in the field value */
    MATCHES,
    /** numeric comparison; non-numeric field values are false */
    GREATER_THAN,
    GREATER_OR_EQUAL,
    LESS_THAN,
    LESS_OR_EQUAL,
    /** the field value is an IP address inside the CIDR range (or equal to the address) */
    IN_CIDR,
    /** the field value is the domain or one of its subdomains */
    DOMAIN_OR_SUBDOMAIN,
    /** the field has a value (the indicator value is ignored) */
    EXISTS
}
