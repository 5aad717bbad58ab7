package dev.kiroku.indicators;

/** What kind of indicator: a single value of a known kind, or an expression over event fields. */
public enum IndicatorType {
    MD5, SHA1, SHA256, IP, CIDR, DOMAIN, URL, FILE_NAME,
    /** a regular expression over file paths and executables (signature-base filename IOCs) */
    FILE_PATH_REGEX,
    /** an OpenIOC indicator tree */
    OPENIOC,
    /** a STIX 2.1 pattern */
    STIX_PATTERN
}
