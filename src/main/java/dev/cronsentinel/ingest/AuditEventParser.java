package dev.cronsentinel.ingest;

import static dev.cronsentinel.ingest.PodTemplateExtractor.object;
import static dev.cronsentinel.ingest.PodTemplateExtractor.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.WorkloadEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Turns the parsed tree of one relevant audit event into a {@link WorkloadEvent}: who, where, what, when,
 * the outcome, the owner links, and every pod template the bodies carry.
 *
 * <p>Pod templates are read by resource (CronJob {@code spec.jobTemplate.spec.template.spec}, Job
 * {@code spec.template.spec}, Pod {@code spec}) from what the API server stored: at level
 * {@code RequestResponse} the {@code responseObject} of a create, update or patch is the object re-encoded
 * from its typed, stored form, so it is the whole template whatever the request looked like (a strategic
 * merge patch of only {@code args} included), and it is what is scored. The request is what the client
 * claimed; it is read only when the event has no stored object with a pod spec (level {@code Request}, or a
 * response without the template). For {@code patch} the request body is then the patch (kubernetes#60110): a
 * merge or strategic-merge patch is a partial object and is read like one; a JSON Patch array is rebuilt into
 * the partial object its ops write ({@link JsonPatchRebuild}); and the {@code kubectl.kubernetes.io/last-applied-configuration}
 * annotation, the whole manifest of a {@code kubectl apply}, is parsed and read as well.
 */
public final class AuditEventParser {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    /** The reason of the note left when a {@code last-applied-configuration} annotation is not JSON. */
    static final String UNPARSABLE_LAST_APPLIED = "unparsable-last-applied-configuration";

    private final PrunedTreeReader reader;
    private final List<String[]> notes = new ArrayList<>(1);

    /** @param reader the decoder's reader, carrying its read limits (depth, string and number length) */
    AuditEventParser(PrunedTreeReader reader) {
        this.reader = reader;
    }

    /**
     * What the last {@link #parse} read past leniently, as {@code {reason, detail}} pairs: parts of the event
     * that the API server accepts and that were ignored rather than failing the event. Each becomes evidence
     * (an undecodable finding) next to the event. Cleared by every parse.
     */
    List<String[]> notes() {
        return notes;
    }

    public WorkloadEvent parse(JsonNode root, String origin) throws BadEventException {
        notes.clear();
        if (!root.isObject()) {
            throw new BadEventException("not-an-object", "an audit event must be a JSON object");
        }
        JsonNode objectRef = object(root, "objectRef", "objectRef");
        if (objectRef == null) {
            throw new BadEventException("missing-field", "objectRef is missing");
        }
        String verb = text(root, "verb", "verb");
        String resource = text(objectRef, "resource", "objectRef.resource");
        if (verb == null || resource == null) {
            throw new BadEventException("missing-field", "verb and objectRef.resource are required");
        }
        String namespace = text(objectRef, "namespace", "objectRef.namespace");

        JsonNode user = object(root, "user", "user");
        String username = user == null ? null : text(user, "username", "user.username");
        List<String> groups = user == null ? List.of() : PodTemplateExtractor.strings(user, "groups", "user.groups");

        String sourceIp = sourceIp(root);

        int code = responseCode(root);
        JsonNode annotations = object(root, "annotations", "annotations");
        String decision = null;
        boolean truncated = false;
        if (annotations != null) {
            decision = stringish(annotations.get("authorization.k8s.io/decision"));
            truncated = "true".equals(stringish(annotations.get("audit.k8s.io/truncated")));
        }

        String timestamp = timestamp(root);
        long eventTime = epochMillis(timestamp);

        JsonNode request = root.get("requestObject");
        JsonNode response = root.get("responseObject");
        if (request != null && request.isNull()) {
            request = null;
        }
        if (response != null && (response.isNull() || !response.isObject() || isStatus(response))) {
            // A refused request answers with a Status object, not the workload.
            response = null;
        }
        JsonNode reqMeta = request != null && request.isObject() ? object(request, "metadata", "requestObject.metadata") : null;
        JsonNode respMeta = response != null ? object(response, "metadata", "responseObject.metadata") : null;

        String name = text(objectRef, "name", "objectRef.name");
        if (name == null && respMeta != null) {
            name = text(respMeta, "name", "responseObject.metadata.name");
        }
        if (name == null && reqMeta != null) {
            name = text(reqMeta, "name", "requestObject.metadata.name");
            if (name == null) {
                name = text(reqMeta, "generateName", "requestObject.metadata.generateName");
            }
        }
        String uid = respMeta == null ? null : text(respMeta, "uid", "responseObject.metadata.uid");
        if (uid == null && !"create".equals(verb)) {
            uid = text(objectRef, "uid", "objectRef.uid");
        }

        // Owner and labels: the response is the stored object; the request is what the client sent.
        JsonNode meta = respMeta != null ? respMeta : reqMeta;
        String ownerKind = null;
        String ownerName = null;
        String ownerUid = null;
        String jobNameLabel = null;
        boolean manual = false;
        if (meta != null) {
            JsonNode owner = controllerOwner(meta);
            if (owner != null) {
                ownerKind = text(owner, "kind", "metadata.ownerReferences[].kind");
                ownerName = text(owner, "name", "metadata.ownerReferences[].name");
                ownerUid = text(owner, "uid", "metadata.ownerReferences[].uid");
            }
            JsonNode labels = meta.get("labels");
            if (labels != null && labels.isObject()) {
                jobNameLabel = stringish(labels.get("batch.kubernetes.io/job-name"));
                if (jobNameLabel == null) {
                    jobNameLabel = stringish(labels.get("job-name"));
                }
            }
            JsonNode ann = meta.get("annotations");
            if (ann != null && ann.isObject()) {
                manual = "manual".equals(stringish(ann.get("cronjob.kubernetes.io/instantiate")));
            }
        }

        String schedule = null;
        String timeZone = null;
        Boolean suspend = null;
        boolean keepsNoHistory = false;
        if (("cronjobs".equals(resource) || "jobs".equals(resource)) && !"delete".equals(verb)) {
            // The stored object when the level gives it; else the request (a JSON Patch read as the object it writes;
            // its notes are the template rebuild's to raise, once).
            JsonNode full = response != null ? response
                    : request != null && request.isArray() ? JsonPatchRebuild.rebuild((ArrayNode) request, new ArrayList<>()) : request;
            JsonNode spec = full != null && full.isObject() ? full.get("spec") : null;
            if (spec != null && spec.isObject()) {
                if ("cronjobs".equals(resource)) {
                    schedule = stringish(spec.get("schedule"));
                    timeZone = stringish(spec.get("timeZone"));
                    JsonNode s = spec.get("suspend");
                    suspend = s != null && s.isBoolean() ? s.booleanValue() : null;
                    keepsNoHistory = isZero(spec.get("successfulJobsHistoryLimit"));
                } else {
                    keepsNoHistory = isZero(spec.get("ttlSecondsAfterFinished"));
                }
            }
        }

        // A delete's request body is DeleteOptions, never a workload.
        List<PodTemplate> templates = "delete".equals(verb) ? List.of() : templates(verb, resource, request, response);

        return new WorkloadEvent(
                text(root, "auditID", "auditID"),
                eventTime,
                timestamp,
                verb,
                resource,
                namespace,
                name,
                uid,
                username,
                groups,
                text(root, "userAgent", "userAgent"),
                sourceIp,
                code,
                decision,
                text(root, "level", "level"),
                truncated,
                ownerKind,
                ownerName,
                ownerUid,
                jobNameLabel,
                schedule,
                timeZone,
                suspend,
                keepsNoHistory,
                manual,
                templates,
                origin);
    }

    private List<PodTemplate> templates(String verb, String resource, JsonNode request, JsonNode response)
            throws BadEventException {
        if (response != null && (!"patch".equals(verb) || patchTouchesTemplate(request, resource))) {
            // The stored object: scored instead of the client's claim (issue 16, row 7).
            PodTemplate stored = PodTemplateExtractor.extract("responseObject", "responseObject", response, resource);
            if (stored != null) {
                return List.of(stored);
            }
        }
        if (request == null) {
            return List.of();
        }
        List<PodTemplate> out = new ArrayList<>(2);
        if ("patch".equals(verb)) {
            if (request.isArray()) {
                add(out, PodTemplateExtractor.extract("json-patch", "requestObject(json-patch)",
                        JsonPatchRebuild.rebuild((ArrayNode) request, notes), resource));
            } else if (request.isObject()) {
                add(out, PodTemplateExtractor.extract("patch", "requestObject", request, resource));
            } else {
                throw BadEventException.wrongType("requestObject", "an object or a JSON Patch array");
            }
            JsonNode lastApplied = lastApplied(request);
            if (lastApplied != null) {
                add(out, PodTemplateExtractor.extract("last-applied-configuration", "requestObject.metadata.annotations[" + LAST_APPLIED + "]", lastApplied, resource));
            }
        } else {
            if (!request.isObject()) {
                throw BadEventException.wrongType("requestObject", "an object");
            }
            add(out, PodTemplateExtractor.extract("requestObject", "requestObject", request, resource));
        }
        return Collections.unmodifiableList(out);
    }

    /** The first of {@code sourceIPs}, null when there is none. Shared with {@link RbacGrantParser}. */
    static String sourceIp(JsonNode root) throws BadEventException {
        String sourceIp = null;
        JsonNode ips = root.get("sourceIPs");
        if (ips != null && !ips.isNull()) {
            if (!ips.isArray()) {
                throw BadEventException.wrongType("sourceIPs", "an array of strings");
            }
            if (ips.size() > 0) {
                if (!ips.get(0).isTextual()) {
                    throw BadEventException.wrongType("sourceIPs[0]", "a string");
                }
                sourceIp = ips.get(0).textValue();
            }
        }
        return sourceIp;
    }

    /** {@code responseStatus.code}, clamped to 0..999; 0 when absent. */
    static int responseCode(JsonNode root) throws BadEventException {
        int code = 0;
        JsonNode status = object(root, "responseStatus", "responseStatus");
        if (status != null) {
            Long c = PodTemplateExtractor.integer(status, "code", "responseStatus.code");
            code = c == null ? 0 : (int) Math.max(0, Math.min(999, c));
        }
        return code;
    }

    /** The event's time as written: {@code stageTimestamp}, else the request's, else the object's creation. */
    static String timestamp(JsonNode root) throws BadEventException {
        String timestamp = firstText(root, "stageTimestamp", "requestReceivedTimestamp", "timestamp");
        if (timestamp == null) {
            JsonNode meta = root.get("metadata");
            if (meta != null && meta.isObject()) {
                timestamp = stringish(meta.get("creationTimestamp"));
            }
        }
        if (timestamp == null) {
            throw new BadEventException("missing-timestamp", "the event has no stageTimestamp, requestReceivedTimestamp or timestamp");
        }
        return timestamp;
    }

    /** {@code timestamp} in epoch millis, or {@code bad-timestamp}. */
    static long epochMillis(String timestamp) throws BadEventException {
        try {
            return AuditTimestamps.epochMillis(timestamp);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new BadEventException("bad-timestamp", "timestamp '" + bounded(timestamp) + "' is not RFC 3339");
        }
    }

    /**
     * True when a patch may change the pod template: the evidence of what this request changed. A patch that
     * leaves the template alone (suspend, schedule, labels) is not judged again on the template it finds
     * stored, which was judged when it was written; one that touches it is judged on the stored result.
     * Conservative: a JSON Patch op whose {@code path} or {@code from} is the template, inside it or above it
     * (the root {@code ""} included), a merge patch with a value at the template's path, any patch directive
     * ({@code $patch}, {@code $setElementOrder/...}) on the way, or a patch that is neither, all count.
     */
    static boolean patchTouchesTemplate(JsonNode request, String resource) {
        String[] path = PodTemplateExtractor.podSpecPath(resource);
        int templateDepth = "pods".equals(resource) ? 1 : 2; // spec | spec.jobTemplate | spec.template
        if (request == null || !(request.isArray() || request.isObject())) {
            return true;
        }
        if (request.isArray()) {
            StringBuilder pointer = new StringBuilder();
            for (int i = 0; i < templateDepth; i++) {
                pointer.append('/').append(path[i]);
            }
            String template = pointer.toString();
            for (JsonNode op : request) {
                for (String field : new String[] {"path", "from"}) {
                    JsonNode p = op.get(field);
                    if (p != null && p.isTextual()) {
                        String ptr = p.textValue();
                        if (ptr.equals(template) || ptr.startsWith(template + "/") || template.startsWith(ptr + "/") || ptr.isEmpty()) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }
        JsonNode node = request;
        for (int i = 0; i < templateDepth; i++) {
            java.util.Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                if (names.next().startsWith("$")) {
                    return true;
                }
            }
            node = node.get(path[i]);
            if (node == null) {
                return false;
            }
            if (!node.isObject()) {
                return true;
            }
        }
        return true;
    }

    private static void add(List<PodTemplate> out, PodTemplate t) {
        if (t != null) {
            out.add(t);
        }
    }

    /** Parses the escaped manifest of a {@code kubectl apply}, when the patch carries one. */
    private JsonNode lastApplied(JsonNode patch) {
        JsonNode text = patch.isObject() ? patch.path("metadata").path("annotations").get(LAST_APPLIED) : null;
        if (text == null || !text.isTextual() || text.textValue().isBlank()) {
            return null;
        }
        try {
            JsonNode manifest = reader.readBody(text.textValue().getBytes(StandardCharsets.UTF_8));
            return manifest != null && manifest.isObject() ? manifest : null;
        } catch (IOException e) {
            // The API server stores any string there; it is kubectl's claim, not the spec. Ignored, with evidence.
            String why = e instanceof JsonProcessingException ? ((JsonProcessingException) e).getOriginalMessage() : e.getMessage();
            notes.add(new String[] {UNPARSABLE_LAST_APPLIED,
                    "the " + LAST_APPLIED + " annotation is not valid JSON and was ignored: " + bounded(String.valueOf(why))});
            return null;
        }
    }

    private static JsonNode controllerOwner(JsonNode meta) {
        JsonNode refs = meta.get("ownerReferences");
        if (refs == null || !refs.isArray() || refs.size() == 0) {
            return null;
        }
        for (JsonNode r : refs) {
            if (r.isObject() && r.path("controller").asBoolean(false)) {
                return r;
            }
        }
        JsonNode first = refs.get(0);
        return first.isObject() ? first : null;
    }

    private static boolean isZero(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.longValue() == 0;
    }

    private static boolean isStatus(JsonNode response) {
        JsonNode kind = response.get("kind");
        return kind != null && "Status".equals(kind.asText());
    }

    private static String firstText(JsonNode root, String... fields) throws BadEventException {
        for (String f : fields) {
            String v = text(root, f, f);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    /** A scalar annotation/label value as text; objects and arrays (never valid there) count as absent. */
    private static String stringish(JsonNode n) {
        if (n == null || n.isNull() || n.isContainerNode()) {
            return null;
        }
        return n.asText();
    }

    static String bounded(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
