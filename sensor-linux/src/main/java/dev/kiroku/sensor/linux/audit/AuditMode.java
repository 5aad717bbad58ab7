package dev.kiroku.sensor.linux.audit;

/** How an {@link AuditSource} receives records. */
public enum AuditMode {
    /** Not running. */
    STOPPED,
    /** Registered as the audit daemon (AUDIT_SET pid): records are unicast to the source, which controls backlog settings. */
    DAEMON,
    /**
     * Another process is the audit daemon (AUDIT_SET pid gave EEXIST): the source reads the
     * read-only multicast group AUDIT_NLGRP_READLOG and leaves backlog settings to the daemon.
     */
    MULTICAST
}
