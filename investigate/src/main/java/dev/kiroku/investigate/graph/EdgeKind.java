package dev.kiroku.investigate.graph;

/** How two nodes are related; edges point in time order (cause to effect). */
public enum EdgeKind {
    /** process → child process */
    SPAWNED,
    /** file → the process that ran it (as image or script) */
    EXECUTED,
    /** process → file it created or wrote */
    WROTE,
    /** process → file renamed onto that path */
    RENAMED,
    /** process → file deleted */
    DELETED,
    /** process → network endpoint it connected to */
    CONNECTED,
    /** connecting process on one endpoint → the process on another endpoint that accepted the connection */
    ACCEPTED,
    /** user → process of a logon session */
    LOGGED_IN,
    /** host → process that runs on it */
    RUNS_ON
}
