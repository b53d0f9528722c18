package dev.cronsentinel.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.io.Serializable;
import java.util.List;

/**
 * Limits and identities the decoder works with (keys under {@code ingest.}).
 *
 * @param maxRecordBytes largest source record (an {@code EventList} batch may hold hundreds of events)
 * @param maxEventBytes largest single audit event that is parsed; larger ones are dead-lettered
 * @param maxDepth deepest JSON nesting that is parsed
 * @param maxStringLength longest JSON string that is parsed
 * @param deadLetterPrefixBytes how much of an undecodable record the dead letter keeps
 * @param controllers identities of the CronJob and Job controllers: their Job/Pod creates are spawns, their
 *     other writes are housekeeping
 * @param outOfScopePodCreators RE2J pattern of identities whose Pod creates are not ours to judge (other
 *     workload controllers, kubelets' mirror pods)
 * @param gkeControllers GKE's own control-plane and managed-agent identities ({@code ingest.gke-controllers}),
 *     judged like {@code controllers} but only on events unwrapped from a GKE Cloud Audit Logs entry: on any
 *     other cluster these names are whatever a certificate or token issuer chose to call someone
 */
public record DecoderConfig(
        int maxRecordBytes,
        int maxEventBytes,
        int maxDepth,
        int maxStringLength,
        int deadLetterPrefixBytes,
        List<String> controllers,
        String outOfScopePodCreators,
        List<String> gkeControllers) implements Serializable {

    public static final List<String> DEFAULT_CONTROLLERS = List.of(
            "system:serviceaccount:kube-system:cronjob-controller",
            "system:serviceaccount:kube-system:job-controller",
            "system:kube-controller-manager");

    public static final String DEFAULT_OUT_OF_SCOPE_POD_CREATORS =
            "^system:serviceaccount:kube-system:(replicaset|daemonset|statefulset|replication|disruption)-controller$|^system:node:";

    /**
     * The identities GKE's managed control plane and add-ons write with (docs/DETECTION.md, "GKE Cloud Audit
     * Logs"). The CronJob and Job controllers themselves keep their upstream service-account names on GKE, so
     * {@link #DEFAULT_CONTROLLERS} already covers the spawns.
     */
    public static final List<String> DEFAULT_GKE_CONTROLLERS = List.of(
            "system:addon-manager",
            "system:gcp-controller-manager",
            "system:cloud-controller-manager",
            "system:gke-common-webhooks",
            "system:clustermetrics",
            "system:l7-lb-controller",
            "system:managed-certificate-controller");

    /** A configuration without GKE-specific identities beyond the defaults. */
    public DecoderConfig(int maxRecordBytes, int maxEventBytes, int maxDepth, int maxStringLength, int deadLetterPrefixBytes,
            List<String> controllers, String outOfScopePodCreators) {
        this(maxRecordBytes, maxEventBytes, maxDepth, maxStringLength, deadLetterPrefixBytes, controllers, outOfScopePodCreators,
                DEFAULT_GKE_CONTROLLERS);
    }

    public static DecoderConfig defaults() {
        return new DecoderConfig(16 << 20, 1 << 20, 64, 1 << 20, 64 << 10, DEFAULT_CONTROLLERS, DEFAULT_OUT_OF_SCOPE_POD_CREATORS);
    }

    public static DecoderConfig from(ConfigSource c) {
        int maxEvent = c.intValue("ingest.max-event-bytes", 1 << 20, 1024, 256 << 20);
        DecoderConfig cfg = new DecoderConfig(
                c.intValue("ingest.max-record-bytes", 16 << 20, maxEvent, 1 << 30),
                maxEvent,
                c.intValue("ingest.max-depth", 64, 8, 1000),
                c.intValue("ingest.max-string-length", 1 << 20, 1024, 256 << 20),
                c.intValue("ingest.dead-letter-prefix-bytes", 64 << 10, 0, 64 << 20),
                c.list("ingest.controllers", DEFAULT_CONTROLLERS),
                c.string("ingest.out-of-scope-pod-creators", DEFAULT_OUT_OF_SCOPE_POD_CREATORS),
                c.list("ingest.gke-controllers", DEFAULT_GKE_CONTROLLERS));
        try {
            Pattern.compile(cfg.outOfScopePodCreators());
        } catch (PatternSyntaxException e) {
            throw ConfigException.forKey("ingest.out-of-scope-pod-creators", "malformed pattern: " + e.getDescription());
        }
        return cfg;
    }
}
