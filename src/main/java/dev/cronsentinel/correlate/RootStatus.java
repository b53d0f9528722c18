package dev.cronsentinel.correlate;

/** What correlation knows about the root a spawn belongs to. */
public enum RootStatus {
    /** A scored root at or above the alert threshold: its spawns escalate. */
    SUSPICIOUS,
    /**
     * A root whose spec the audit policy hid (Metadata level or truncated). Its spawns are judged on their own
     * spec; a suspicious spawn escalates with the root's actor.
     */
    UNSCORED,
    /** A scored root below the threshold, or allowlisted: its spawns stay quiet. */
    BENIGN,
    /** No root was seen (created before the job started, past retention, or outside its window): orphan rules apply. */
    UNKNOWN
}
