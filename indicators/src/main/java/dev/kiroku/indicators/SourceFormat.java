package dev.kiroku.indicators;

/** The format an indicator was imported from. */
public enum SourceFormat {
    OPENIOC_1_0, OPENIOC_1_1, STIX_2_1, PLAIN_LIST, SIGNATURE_BASE
}
