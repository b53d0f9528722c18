package dev.cronsentinel.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Rewrites plain audit lines into the native records of GKE, AKS and EKS, as each provider's pipeline would
 * deliver the same requests, so a detection fixture can be replayed through every envelope. The GKE rewrite is
 * the inverse of the decoder's mapping (docs/DETECTION.md): one entry per request (only the ResponseComplete
 * stage, or events without a stage), the HTTP status as its gRPC code, no groups (GKE writes none). Lines
 * that are not audit events are kept as they are, so the malformed ones stay malformed.
 */
public final class ManagedEnvelopes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManagedEnvelopes() {}

    /** The three envelopes and the plain form. */
    public enum Form { PLAIN, GKE, AKS, EKS }

    public static List<byte[]> rewrite(Form form, List<byte[]> lines) {
        switch (form) {
            case GKE:
                return gke(lines);
            case AKS:
                return batches(lines, 5, ManagedEnvelopes::aksBatch);
            case EKS:
                return batches(lines, 5, ManagedEnvelopes::eksDelivery);
            default:
                return lines;
        }
    }

    private interface Batch {
        byte[] of(List<JsonNode> events, int index);
    }

    private static List<byte[]> gke(List<byte[]> lines) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] line : lines) {
            JsonNode e = event(line);
            if (e == null) {
                out.add(line);
                continue;
            }
            String stage = e.path("stage").asText("ResponseComplete");
            if (stage.equals("ResponseComplete")) {
                out.add(bytes(gkeEntry(e)));
            }
        }
        return out;
    }

    /** An audit Event as the GKE Cloud Audit Logs entry GKE writes for the request. */
    static ObjectNode gkeEntry(JsonNode e) {
        JsonNode ref = e.path("objectRef");
        String group = ref.path("apiGroup").asText("");
        String version = ref.path("apiVersion").asText("v1");
        String resource = ref.path("resource").asText();
        String sub = ref.path("subresource").asText("");
        String verb = e.path("verb").asText();
        StringBuilder method = new StringBuilder("io.k8s.").append(group.isEmpty() ? "core" : group).append('.').append(version)
                .append('.').append(resource);
        if (!sub.isEmpty()) {
            method.append('.').append(sub);
        }
        method.append('.').append(verb);
        StringBuilder name = new StringBuilder(group.isEmpty() ? "core" : group).append('/').append(version);
        if (ref.hasNonNull("namespace")) {
            name.append("/namespaces/").append(ref.get("namespace").asText());
        }
        name.append('/').append(resource);
        if (ref.hasNonNull("name")) {
            name.append('/').append(ref.get("name").asText());
            if (!sub.isEmpty()) {
                name.append('/').append(sub);
            }
        }
        ObjectNode entry = JSON.createObjectNode();
        String auditId = e.path("auditID").asText(null);
        entry.put("insertId", auditId == null ? "no-audit-id" : auditId + "-insert");
        ObjectNode labels = entry.putObject("labels");
        for (Iterator<Map.Entry<String, JsonNode>> it = e.path("annotations").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> a = it.next();
            labels.put(a.getKey(), a.getValue().asText());
        }
        entry.put("logName", "projects/parity/logs/cloudaudit.googleapis.com%2Factivity");
        if (auditId != null) {
            ObjectNode op = entry.putObject("operation");
            op.put("id", auditId).put("producer", "k8s.io").put("first", true).put("last", true);
        }
        ObjectNode p = entry.putObject("protoPayload");
        p.put("@type", "type.googleapis.com/google.cloud.audit.AuditLog");
        if (e.path("user").hasNonNull("username")) {
            p.putObject("authenticationInfo").put("principalEmail", e.path("user").path("username").asText());
        }
        boolean allowed = !"forbid".equals(e.path("annotations").path("authorization.k8s.io/decision").asText());
        ObjectNode authz = p.putArray("authorizationInfo").addObject();
        authz.put("granted", allowed).put("permission", method.toString()).put("resource", name.toString());
        p.put("methodName", method.toString());
        ObjectNode meta = p.putObject("requestMetadata");
        if (e.path("sourceIPs").size() > 0) {
            meta.put("callerIp", e.path("sourceIPs").get(0).asText());
        }
        if (e.hasNonNull("userAgent")) {
            meta.put("callerSuppliedUserAgent", e.get("userAgent").asText());
        }
        if (e.has("requestObject")) {
            p.set("request", e.get("requestObject"));
        }
        if (e.has("responseObject")) {
            p.set("response", e.get("responseObject"));
        }
        p.put("resourceName", name.toString());
        p.put("serviceName", "k8s.io");
        int http = e.path("responseStatus").path("code").asInt(0);
        p.putObject("status").put("code", grpc(http));
        entry.putObject("resource").put("type", "k8s_cluster").putObject("labels")
                .put("cluster_name", "parity").put("location", "europe-west1").put("project_id", "parity-project");
        String time = e.hasNonNull("stageTimestamp") ? e.get("stageTimestamp").asText()
                : e.hasNonNull("requestReceivedTimestamp") ? e.get("requestReceivedTimestamp").asText() : e.path("timestamp").asText(null);
        if (time != null) {
            entry.put("timestamp", time);
        }
        return entry;
    }

    /** google.rpc.Code for an HTTP status, the inverse of the decoder's table. */
    static int grpc(int http) {
        if (http == 0 || http < 400) {
            return 0;
        }
        switch (http) {
            case 400: return 3;
            case 401: return 16;
            case 403: return 7;
            case 404: return 5;
            case 409: return 6;
            case 429: return 8;
            case 501: return 12;
            case 503: return 14;
            case 504: return 4;
            default: return 13;
        }
    }

    private static byte[] aksBatch(List<JsonNode> events, int index) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode records = root.putArray("records");
        for (JsonNode e : events) {
            ObjectNode r = records.addObject();
            r.put("category", "kube-audit");
            r.put("operationName", "Microsoft.ContainerService/managedClusters/diagnosticLogs/Read");
            r.put("resourceId", "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/PARITY/PROVIDERS/"
                    + "MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/PARITY");
            ObjectNode props = r.putObject("properties");
            // Half the records carry the event as a string (the usual form), half as an object.
            if (records.size() % 2 == 0) {
                props.set("log", e);
            } else {
                props.put("log", text(e));
            }
            props.put("stream", "stdout");
        }
        return bytes(root);
    }

    private static byte[] eksDelivery(List<JsonNode> events, int index) {
        ObjectNode root = JSON.createObjectNode();
        root.put("messageType", "DATA_MESSAGE").put("owner", "123456789012").put("logGroup", "/aws/eks/parity/cluster")
                .put("logStream", "kube-apiserver-audit-parity");
        root.putArray("subscriptionFilters").add("parity");
        ArrayNode logEvents = root.putArray("logEvents");
        int n = 0;
        for (JsonNode e : events) {
            logEvents.addObject().put("id", String.format("%056d", (long) index * 1000 + n++)).put("timestamp", 0)
                    .put("message", text(e));
        }
        // As Kinesis hands it over: gzip, base64-encoded (one line of a file, one Kafka value).
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(bytes(root));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return Base64.getEncoder().encode(gz.toByteArray());
    }

    /** Audit events grouped {@code size} per record; a line that is no event is kept alone, as it was. */
    private static List<byte[]> batches(List<byte[]> lines, int size, Batch batch) {
        List<byte[]> out = new ArrayList<>();
        List<JsonNode> pending = new ArrayList<>();
        for (byte[] line : lines) {
            JsonNode e = event(line);
            if (e == null) {
                if (!pending.isEmpty()) {
                    out.add(batch.of(pending, out.size()));
                    pending = new ArrayList<>();
                }
                out.add(line);
                continue;
            }
            pending.add(e);
            if (pending.size() == size) {
                out.add(batch.of(pending, out.size()));
                pending = new ArrayList<>();
            }
        }
        if (!pending.isEmpty()) {
            out.add(batch.of(pending, out.size()));
        }
        return out;
    }

    /** The line as an audit Event, or null when it is not one (malformed, a batch, another object). */
    private static JsonNode event(byte[] line) {
        try {
            JsonNode n = JSON.readTree(line);
            return n != null && n.isObject() && n.has("verb") && n.has("objectRef") ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode n) {
        return text(n).getBytes(StandardCharsets.UTF_8);
    }
}
