package dev.cronsentinel.ingest;

import static dev.cronsentinel.ingest.PodTemplateExtractor.integer;
import static dev.cronsentinel.ingest.PodTemplateExtractor.object;
import static dev.cronsentinel.ingest.PodTemplateExtractor.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cronsentinel.model.EventSource;
import java.util.Iterator;
import java.util.Map;

/**
 * Maps a GKE Cloud Audit Logs entry (a Cloud Logging {@code LogEntry} whose {@code protoPayload} is a
 * {@code google.cloud.audit.AuditLog}) to the {@code audit.k8s.io/v1} Event it records, so the one
 * {@link AuditEventParser} reads both. Field by field (docs/DETECTION.md, "GKE Cloud Audit Logs", cites the
 * sources):
 * <ul>
 *   <li>{@code protoPayload.methodName} {@code io.k8s.<group>.<version>.<resource>[.<subresource>].<verb>} gives
 *       verb and {@code objectRef} apiGroup, apiVersion, resource, subresource ({@link GkeMethod});</li>
 *   <li>{@code protoPayload.resourceName} ({@code batch/v1/namespaces/<ns>/cronjobs/<name>}) gives
 *       {@code objectRef} namespace and name;</li>
 *   <li>{@code authenticationInfo.principalEmail} is {@code user.username} as GKE wrote it (a Kubernetes
 *       identity such as {@code system:serviceaccount:ns:sa} keeps that form; a Google account is its email);</li>
 *   <li>{@code requestMetadata.callerIp} and {@code callerSuppliedUserAgent} are {@code sourceIPs[0]} and
 *       {@code userAgent};</li>
 *   <li>{@code request} and {@code response}, less their protobuf {@code @type}, are {@code requestObject} and
 *       {@code responseObject};</li>
 *   <li>{@code status.code} is a gRPC code (google.rpc.Code), never an HTTP status: 0 or absent is success
 *       (201 for a create, 200 otherwise, as the API server answers), every other code is mapped to the HTTP
 *       status google.rpc.Code documents for it (7 PERMISSION_DENIED is 403, 16 UNAUTHENTICATED 401, 6
 *       ALREADY_EXISTS 409, ...), so a refused request is an attempt and a code is never read as HTTP 7;</li>
 *   <li>the {@code authorization.k8s.io/decision} label is the decision annotation;
 *       {@code authorizationInfo[].granted} false on any permission makes it {@code forbid} whatever the label
 *       says, and all true stand for {@code allow} when there is no label;</li>
 *   <li>the audit ID is {@code operation.id} (the API server's Audit-ID), else {@code insertId}; the event time
 *       is {@code timestamp} (else {@code receiveTimestamp}); GKE writes one entry per request ({@code operation.first} and {@code last}
 *       both true), so it is the ResponseComplete stage;</li>
 *   <li>level {@code RequestResponse} when a body is present, else {@code Metadata} (bodiless).</li>
 * </ul>
 * The cluster it came from ({@code resource.labels} cluster_name, location, project_id) becomes the event's
 * {@link EventSource}, read from the entry Cloud Logging wrote, not from the request.
 */
final class GkeAuditLogMapper {
    static final String ENVELOPE = "gke-cloud-audit";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private GkeAuditLogMapper() {}

    /** The audit Event a GKE entry records; throws for an entry whose required parts are missing or mistyped. */
    static ObjectNode toAuditEvent(JsonNode entry) throws BadEventException {
        JsonNode payload = object(entry, "protoPayload", "protoPayload");
        if (payload == null) {
            throw new BadEventException("missing-field", "protoPayload is missing");
        }
        String methodName = text(payload, "methodName", "protoPayload.methodName");
        GkeMethod method = GkeMethod.parse(methodName);
        if (method == null) {
            throw new BadEventException("missing-field", methodName == null
                    ? "protoPayload.methodName is missing"
                    : "protoPayload.methodName '" + AuditEventParser.bounded(methodName) + "' is not io.k8s.<group>.<version>.<resource>.<verb>");
        }
        ObjectNode event = NODES.objectNode();
        event.put("kind", "Event");
        event.put("apiVersion", "audit.k8s.io/v1");
        event.put("stage", "ResponseComplete");
        event.put("verb", method.verb());

        String auditId = null;
        JsonNode operation = object(entry, "operation", "operation");
        if (operation != null) {
            auditId = text(operation, "id", "operation.id");
        }
        if (auditId == null || auditId.isEmpty()) {
            auditId = text(entry, "insertId", "insertId");
        }
        if (auditId != null) {
            event.put("auditID", auditId);
        }

        ObjectNode objectRef = event.putObject("objectRef");
        objectRef.put("resource", method.resource());
        if (!method.apiGroup().isEmpty()) {
            objectRef.put("apiGroup", method.apiGroup());
        }
        objectRef.put("apiVersion", method.version());
        if (!method.subresource().isEmpty()) {
            objectRef.put("subresource", method.subresource());
        }
        String resourceName = text(payload, "resourceName", "protoPayload.resourceName");
        if (resourceName != null) {
            putNamespaceAndName(objectRef, resourceName);
        }

        JsonNode authn = object(payload, "authenticationInfo", "protoPayload.authenticationInfo");
        String principal = authn == null ? null : text(authn, "principalEmail", "protoPayload.authenticationInfo.principalEmail");
        if (principal != null) {
            event.putObject("user").put("username", principal);
        }
        JsonNode meta = object(payload, "requestMetadata", "protoPayload.requestMetadata");
        if (meta != null) {
            String ip = text(meta, "callerIp", "protoPayload.requestMetadata.callerIp");
            if (ip != null) {
                event.putArray("sourceIPs").add(ip);
            }
            String agent = text(meta, "callerSuppliedUserAgent", "protoPayload.requestMetadata.callerSuppliedUserAgent");
            if (agent != null) {
                event.put("userAgent", agent);
            }
        }

        JsonNode status = object(payload, "status", "protoPayload.status");
        Long grpc = status == null ? null : integer(status, "code", "protoPayload.status.code");
        event.putObject("responseStatus").put("code", httpStatus(grpc, method.verb()));

        ObjectNode annotations = event.putObject("annotations");
        JsonNode labels = object(entry, "labels", "labels");
        if (labels != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> label = it.next();
                if (label.getValue().isTextual()) {
                    annotations.put(label.getKey(), label.getValue().textValue());
                }
            }
        }
        // A permission GKE refused makes the request refused whatever the label says.
        String granted = decisionFromAuthorizationInfo(payload.get("authorizationInfo"));
        if ("forbid".equals(granted) || granted != null && !annotations.has("authorization.k8s.io/decision")) {
            annotations.put("authorization.k8s.io/decision", granted);
        }

        JsonNode request = body(payload, "request");
        JsonNode response = body(payload, "response");
        if (request != null) {
            event.set("requestObject", request);
        }
        if (response != null) {
            event.set("responseObject", response);
        }
        event.put("level", request != null || response != null ? "RequestResponse" : "Metadata");

        // When the request was logged; Cloud Logging's own receiveTimestamp only for an entry without one.
        String timestamp = text(entry, "timestamp", "timestamp");
        if (timestamp == null) {
            timestamp = text(entry, "receiveTimestamp", "receiveTimestamp");
        }
        if (timestamp != null) {
            event.put("stageTimestamp", timestamp);
            event.put("requestReceivedTimestamp", timestamp);
        }
        return event;
    }

    /** The cluster a GKE entry names in its monitored resource ({@code k8s_cluster} labels). */
    static EventSource source(JsonNode entry) {
        JsonNode labels = entry.path("resource").path("labels");
        return new EventSource("gcp", ENVELOPE, EnvelopeText.field(labels, "cluster_name"),
                EnvelopeText.field(labels, "location"), EnvelopeText.field(labels, "project_id"), null, null,
                EnvelopeText.field(entry, "insertId"));
    }

    /**
     * The HTTP status the API server answered with, from the gRPC code GKE wrote in its place. The table is
     * google.rpc.Code's own HTTP mapping; an unknown code is a failure (500), never a success.
     */
    static int httpStatus(Long grpcCode, String verb) {
        if (grpcCode == null || grpcCode == 0) {
            return "create".equals(verb) ? 201 : 200;
        }
        switch (grpcCode.intValue() == grpcCode ? grpcCode.intValue() : -1) {
            case 1: return 499;  // CANCELLED
            case 3: return 400;  // INVALID_ARGUMENT
            case 4: return 504;  // DEADLINE_EXCEEDED
            case 5: return 404;  // NOT_FOUND
            case 6: return 409;  // ALREADY_EXISTS
            case 7: return 403;  // PERMISSION_DENIED
            case 8: return 429;  // RESOURCE_EXHAUSTED
            case 9: return 400;  // FAILED_PRECONDITION
            case 10: return 409; // ABORTED
            case 11: return 400; // OUT_OF_RANGE
            case 12: return 501; // UNIMPLEMENTED
            case 14: return 503; // UNAVAILABLE
            case 16: return 401; // UNAUTHENTICATED
            default: return 500; // 2 UNKNOWN, 13 INTERNAL, 15 DATA_LOSS, and any code google.rpc.Code lacks
        }
    }

    /** {@code forbid} when any permission was refused, {@code allow} when all were granted, else null. */
    private static String decisionFromAuthorizationInfo(JsonNode infos) throws BadEventException {
        if (infos == null || infos.isNull()) {
            return null;
        }
        if (!infos.isArray()) {
            throw BadEventException.wrongType("protoPayload.authorizationInfo", "an array");
        }
        String decision = null;
        for (JsonNode info : infos) {
            JsonNode granted = info.isObject() ? info.get("granted") : null;
            if (granted == null || granted.isNull()) {
                continue;
            }
            if (!granted.isBoolean()) {
                throw BadEventException.wrongType("protoPayload.authorizationInfo[].granted", "a boolean");
            }
            if (!granted.booleanValue()) {
                return "forbid";
            }
            decision = "allow";
        }
        return decision;
    }

    /** {@code namespaces/<ns>/<resource>/<name>} anywhere in the resource name: namespace and name. */
    private static void putNamespaceAndName(ObjectNode objectRef, String resourceName) {
        String[] parts = resourceName.split("/", 64);
        for (int i = 0; i + 1 < parts.length; i++) {
            if ("namespaces".equals(parts[i]) && !parts[i + 1].isEmpty()) {
                objectRef.put("namespace", parts[i + 1]);
                if (i + 3 < parts.length && !parts[i + 3].isEmpty()) {
                    objectRef.put("name", parts[i + 3]);
                }
                return;
            }
        }
    }

    /** A request or response body without its protobuf {@code @type}; null when absent. */
    private static JsonNode body(JsonNode payload, String field) throws BadEventException {
        JsonNode body = payload.get(field);
        if (body == null || body.isNull()) {
            return null;
        }
        if (body.isObject()) {
            ((ObjectNode) body).remove("@type");
        }
        return body;
    }
}
