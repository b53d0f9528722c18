package dev.cronsentinel.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.WorkloadEvent;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Builds one kube-apiserver audit event (audit.k8s.io/v1, stage ResponseComplete, level RequestResponse) of a
 * CronJob, Job or Pod write, as the API server writes it, for tests that need many variations of who, from
 * where, when and with what image. {@link #json()} is the audit line; {@link #decoded()} runs it through the
 * real decoder and {@link #scored()} through the real scorer.
 */
public final class AuditEvents {
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory N = JsonNodeFactory.instance;

    private String auditId;
    private Instant at;
    private String verb = "create";
    private String resource;
    private String namespace;
    private String name;
    private String user = "alice@example.com";
    private List<String> groups = List.of("system:authenticated");
    private String userAgent = "kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46";
    private String sourceIp = "10.20.0.5";
    private int code = 201;
    private List<String> images = List.of("registry.example.com/team/app:1.0");
    private List<String> command = List.of("/app/run");
    private String hostPath;
    private final java.util.Map<String, String> env = new java.util.LinkedHashMap<>();

    private AuditEvents(String resource, String namespace, String name) {
        this.resource = resource;
        this.namespace = namespace;
        this.name = name;
    }

    public static AuditEvents cronJob(String namespace, String name) {
        return new AuditEvents("cronjobs", namespace, name);
    }

    public static AuditEvents job(String namespace, String name) {
        return new AuditEvents("jobs", namespace, name);
    }

    public static AuditEvents pod(String namespace, String name) {
        return new AuditEvents("pods", namespace, name);
    }

    public AuditEvents id(String id) {
        this.auditId = id;
        return this;
    }

    public AuditEvents at(Instant t) {
        this.at = t;
        return this;
    }

    public AuditEvents verb(String v) {
        this.verb = v;
        return this;
    }

    public AuditEvents by(String username, String... userGroups) {
        this.user = username;
        if (userGroups.length > 0) {
            this.groups = List.of(userGroups);
        }
        return this;
    }

    public AuditEvents agent(String ua) {
        this.userAgent = ua;
        return this;
    }

    public AuditEvents from(String ip) {
        this.sourceIp = ip;
        return this;
    }

    public AuditEvents code(int responseCode) {
        this.code = responseCode;
        return this;
    }

    public AuditEvents images(String... imgs) {
        this.images = List.of(imgs);
        return this;
    }

    public AuditEvents command(String... cmd) {
        this.command = List.of(cmd);
        return this;
    }

    /** A literal env var on every container. */
    public AuditEvents env(String name, String value) {
        this.env.put(name, value);
        return this;
    }

    public AuditEvents hostPath(String path) {
        this.hostPath = path;
        return this;
    }

    public String json() {
        if (auditId == null || at == null) {
            throw new IllegalStateException("id and time are required");
        }
        ObjectNode e = N.objectNode();
        e.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1").put("level", "RequestResponse")
                .put("auditID", auditId).put("stage", "ResponseComplete");
        String group = resource.equals("pods") ? "/api/v1" : "/apis/batch/v1";
        e.put("requestURI", group + "/namespaces/" + namespace + "/" + resource);
        e.put("verb", verb);
        ObjectNode u = e.putObject("user");
        u.put("username", user);
        ArrayNode g = u.putArray("groups");
        groups.forEach(g::add);
        e.putArray("sourceIPs").add(sourceIp);
        if (userAgent != null) {
            e.put("userAgent", userAgent);
        }
        ObjectNode ref = e.putObject("objectRef");
        ref.put("resource", resource).put("namespace", namespace).put("name", name);
        if (!resource.equals("pods")) {
            ref.put("apiGroup", "batch");
        }
        ref.put("apiVersion", "v1");
        ObjectNode status = e.putObject("responseStatus");
        status.putObject("metadata");
        status.put("code", code);
        if (code < 400) {
            e.set("requestObject", object());
        }
        e.put("requestReceivedTimestamp", MICROS.format(at.minusMillis(12)));
        e.put("stageTimestamp", MICROS.format(at));
        ObjectNode ann = e.putObject("annotations");
        ann.put("authorization.k8s.io/decision", code == 403 ? "forbid" : "allow").put("authorization.k8s.io/reason", "");
        try {
            return MAPPER.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private ObjectNode object() {
        ObjectNode podSpec = N.objectNode();
        if (hostPath != null) {
            ObjectNode v = podSpec.putArray("volumes").addObject();
            v.put("name", "host");
            v.putObject("hostPath").put("path", hostPath).put("type", "");
        }
        ArrayNode cs = podSpec.putArray("containers");
        for (int i = 0; i < images.size(); i++) {
            ObjectNode c = cs.addObject();
            c.put("name", "c" + i).put("image", images.get(i));
            ArrayNode cmd = c.putArray("command");
            command.forEach(cmd::add);
            if (!env.isEmpty()) {
                ArrayNode ev = c.putArray("env");
                env.forEach((k, v) -> ev.addObject().put("name", k).put("value", v));
            }
            c.putObject("resources");
            if (hostPath != null) {
                c.putArray("volumeMounts").addObject().put("name", "host").put("mountPath", "/host");
            }
            c.put("terminationMessagePath", "/dev/termination-log").put("terminationMessagePolicy", "File")
                    .put("imagePullPolicy", "IfNotPresent");
        }
        podSpec.put("restartPolicy", resource.equals("pods") ? "Never" : "OnFailure");
        podSpec.put("dnsPolicy", "ClusterFirst");
        ObjectNode meta = N.objectNode();
        meta.put("name", name).put("namespace", namespace).putNull("creationTimestamp");
        ObjectNode o = N.objectNode();
        switch (resource) {
            case "cronjobs": {
                o.put("kind", "CronJob").put("apiVersion", "batch/v1").set("metadata", meta);
                ObjectNode spec = o.putObject("spec");
                spec.put("schedule", "0 2 * * *").put("concurrencyPolicy", "Allow").put("suspend", false);
                spec.putObject("jobTemplate").putObject("spec").putObject("template").set("spec", podSpec);
                break;
            }
            case "jobs": {
                o.put("kind", "Job").put("apiVersion", "batch/v1").set("metadata", meta);
                o.putObject("spec").putObject("template").set("spec", podSpec);
                break;
            }
            default:
                o.put("kind", "Pod").put("apiVersion", "v1").set("metadata", meta);
                o.set("spec", podSpec);
        }
        o.putObject("status");
        return o;
    }

    public WorkloadEvent decoded() {
        TestData.Decoded d = TestData.decode(json());
        if (d.events.size() != 1) {
            throw new IllegalStateException("the decoder did not accept the event: " + d.deadLetters + " " + d.filtered);
        }
        return d.events.get(0);
    }

    /** The event as the keyed scoring stage emits it: real classifier, real default rules. */
    public ScoredEvent scored() {
        WorkloadEvent e = decoded();
        EventRole role = TestData.classifier().classify(e);
        return TestData.defaultScorer().score(e, role);
    }
}
