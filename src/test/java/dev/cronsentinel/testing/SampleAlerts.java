package dev.cronsentinel.testing;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertIds;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import java.time.Instant;
import java.util.List;

/** Fully populated alerts for sink tests: every field set, so a lossy encoding shows up as a difference. */
public final class SampleAlerts {
    private SampleAlerts() {}

    /** A workload alert whose id and content derive from {@code n}. */
    public static Alert workload(int n) {
        long t = 1_795_442_400_000L + n * 1000L;
        return new Alert(AlertIds.of(AlertKind.WORKLOAD, "audit-" + n, "r1"), AlertKind.WORKLOAD, "default", "r1", t,
                Instant.ofEpochMilli(t).toString(), "audit-" + n, "mallory", List.of("system:authenticated"),
                "kubectl/v1.31.0", "10.0.0." + (n % 250), "ns-" + n, "cronjobs", "job-" + n, "create", 201,
                List.of(new Signal("privileged-container", "privileged-container", 40, "spec.containers[0]", "true")),
                40 + n % 60, Severity.HIGH, Alert.TECHNIQUE_ID, Alert.TACTICS, List.of("busybox:1.36"), 1, t, t,
                List.of(), null, null);
    }

    /** An escalation with a chain, so nested lists are on the wire too. */
    public static Alert escalation(int n) {
        long t = 1_795_442_400_000L + n * 1000L;
        return new Alert(AlertIds.of(AlertKind.ESCALATION, "root-" + n, "r1"), AlertKind.ESCALATION, "default", "r1",
                t + 60_000, Instant.ofEpochMilli(t + 60_000).toString(), "audit-" + n, "mallory",
                List.of("system:authenticated"), "kubectl/v1.31.0", "10.0.0.1", "ns-" + n, "cronjobs", "cj-" + n,
                "create", 201, List.of(new Signal("host-path", "host-path-root", 50, "spec.volumes[0]", "/")), 90,
                Severity.CRITICAL, Alert.TECHNIQUE_ID, Alert.TACTICS, List.of("alpine:3"), 2, t, t + 60_000,
                List.of(new ChainLink("jobs", "cj-" + n + "-29000000", "uid-j" + n, t + 30_000),
                        new ChainLink("pods", "cj-" + n + "-29000000-abcde", "uid-p" + n, t + 60_000)),
                30_000L, null);
    }
}
