package dev.cronsentinel.score;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every family rule the code implements: its family, name, the signal id it fires and what it takes from the
 * rule file. The rule file may configure only these (unknown keys fail at start), and {@code docs/DETECTION.md}
 * maps each Pod Security Standards control to one of them.
 */
public final class FamilyCatalog {
    /** What a rule needs besides its weight. */
    public enum Takes { NOTHING, VALUES, PATTERN, PATTERN_AND_VALUES }

    /** One implemented rule. */
    public record Entry(String family, String rule, String signal, Takes takes) {}

    public static final String POD_SECURITY = "pod-security";
    public static final String PLACEMENT = "placement";
    public static final String IMAGE_PROVENANCE = "image-provenance";
    public static final String SERVICE_ACCOUNTS = "service-accounts";
    public static final String NAMESPACES = "namespaces";
    public static final String ANTI_FORENSICS = "anti-forensics";

    public static final String PSS_BASELINE = "pss-baseline";
    public static final String PSS_RESTRICTED = "pss-restricted";

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        // Pod Security Standards baseline controls not already read by a first-release signal.
        add(POD_SECURITY, "host-process", PSS_BASELINE, Takes.NOTHING);
        add(POD_SECURITY, "host-ports", PSS_BASELINE, Takes.NOTHING);
        add(POD_SECURITY, "capability-beyond-baseline", PSS_BASELINE, Takes.VALUES);
        add(POD_SECURITY, "apparmor-unconfined", PSS_BASELINE, Takes.VALUES);
        add(POD_SECURITY, "selinux-custom", PSS_BASELINE, Takes.VALUES);
        add(POD_SECURITY, "proc-mount-unmasked", PSS_BASELINE, Takes.VALUES);
        add(POD_SECURITY, "seccomp-unconfined", PSS_BASELINE, Takes.VALUES);
        add(POD_SECURITY, "unsafe-sysctl", PSS_BASELINE, Takes.VALUES);
        // Restricted-only controls.
        add(POD_SECURITY, "volume-type", PSS_RESTRICTED, Takes.VALUES);
        add(POD_SECURITY, "privilege-escalation-not-disabled", PSS_RESTRICTED, Takes.NOTHING);
        add(POD_SECURITY, "run-as-non-root-false", PSS_RESTRICTED, Takes.NOTHING);
        add(POD_SECURITY, "seccomp-not-set", PSS_RESTRICTED, Takes.NOTHING);
        add(POD_SECURITY, "capabilities-not-dropped", PSS_RESTRICTED, Takes.NOTHING);
        add(POD_SECURITY, "capability-beyond-restricted", PSS_RESTRICTED, Takes.VALUES);

        add(PLACEMENT, "control-plane-node", "control-plane-placement", Takes.VALUES);
        add(PLACEMENT, "tolerate-everything", "tolerate-everything", Takes.NOTHING);
        add(PLACEMENT, "node-name", "node-name-bypass", Takes.NOTHING);

        add(IMAGE_PROVENANCE, "bare-ip-public", "image-bare-ip", Takes.NOTHING);
        add(IMAGE_PROVENANCE, "bare-ip-private", "image-bare-ip", Takes.NOTHING);
        add(IMAGE_PROVENANCE, "system-image-impersonation", "image-impersonation", Takes.PATTERN_AND_VALUES);
        add(IMAGE_PROVENANCE, "mining-name", "image-mining-name", Takes.PATTERN);

        add(SERVICE_ACCOUNTS, "controller-service-account", "powerful-service-account", Takes.PATTERN);
        add(SERVICE_ACCOUNTS, "automount-token", "service-account-token-automount", Takes.NOTHING);

        add(NAMESPACES, "system-namespace", "system-namespace-workload", Takes.VALUES);
        add(NAMESPACES, "system-name-mimicry", "system-name-mimicry", Takes.PATTERN);

        add(ANTI_FORENSICS, "no-job-history", "anti-forensics", Takes.NOTHING);
        add(ANTI_FORENSICS, "ttl-zero", "anti-forensics", Takes.NOTHING);
        add(ANTI_FORENSICS, "every-minute-overlap", "anti-forensics", Takes.VALUES);
    }

    private FamilyCatalog() {}

    private static void add(String family, String rule, String signal, Takes takes) {
        ENTRIES.put(family + "/" + rule, new Entry(family, rule, signal, takes));
    }

    public static Entry entry(String family, String rule) {
        return ENTRIES.get(family + "/" + rule);
    }

    public static List<Entry> all() {
        return List.copyOf(ENTRIES.values());
    }

    /** The families, in catalogue order. */
    public static List<String> families() {
        return ENTRIES.values().stream().map(Entry::family).distinct().toList();
    }

    /** The signal ids the families fire. */
    public static List<String> signals() {
        return ENTRIES.values().stream().map(Entry::signal).distinct().toList();
    }
}
