package dev.cronsentinel.score;

import java.util.List;

/** The ids of the structural signals, as rule files and alerts name them. */
public final class Signals {
    public static final String SUSPICIOUS_IMAGE = "suspicious-image";
    public static final String SHELL_COMMAND = "shell-command";
    public static final String HOSTPATH_VOLUME = "hostpath-volume";
    public static final String SENSITIVE_MOUNT = "sensitive-mount";
    public static final String PRIVILEGED = "privileged-container";
    public static final String HOST_NETWORK = "host-network";
    public static final String HOST_PID = "host-pid";
    public static final String HOST_IPC = "host-ipc";
    public static final String ADDED_CAPABILITY = "added-capability";
    public static final String PRIVILEGE_ESCALATION = "privilege-escalation";
    public static final String RUN_AS_ROOT = "run-as-root";
    /**
     * Not a finding: the weight-0 entry that ends an evidence list cut to its highest weights and says how many
     * signals were left out (they still count in the score).
     */
    public static final String EVIDENCE_TRUNCATED = "evidence-truncated";

    /**
     * Not a signal: what an allowlist entry names in {@code silences} to silence the verdict on a CronJob or
     * Job write whose body the audit policy hid (or a refused one without a body).
     */
    public static final String UNSCORED = "unscored";

    /** Signals whose weight is a single number in the rule file. */
    public static final List<String> FLAT = List.of(
            HOSTPATH_VOLUME, SENSITIVE_MOUNT, PRIVILEGED, HOST_NETWORK, HOST_PID, HOST_IPC,
            ADDED_CAPABILITY, PRIVILEGE_ESCALATION, RUN_AS_ROOT);

    private Signals() {}
}
