package dev.cronsentinel.ingest;

import static dev.cronsentinel.ingest.PodTemplateExtractor.object;
import static dev.cronsentinel.ingest.PodTemplateExtractor.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.RbacGrant;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads an RBAC binding write (create, update or patch of {@code rolebindings} or {@code clusterrolebindings},
 * group {@code rbac.authorization.k8s.io}) into one {@link RbacGrant} per subject. The byte pre-filter lets these
 * events through next to the workload writes; {@link AuditDecoder} hands their tree here instead of to
 * {@link AuditEventParser}, so the workload path never sees them.
 *
 * <p>What the API server stored is judged, not what the client sent: the binding is read from
 * {@code responseObject} (a patch's request is only a patch), and from {@code requestObject} only when the
 * response is absent (audit level Request) and the request is a whole binding (a create or update). A write the API server refused
 * granted nothing and is dropped, and so is the RBAC housekeeping of the control plane (the API server's bootstrap
 * policy reconciliation, the controller manager, the configured controllers). A binding write logged at Metadata
 * level shows neither role nor subjects: it is dropped with reason {@code rbac-no-body} (counted, see
 * docs/CORRELATION.md, "Limits").
 */
public final class RbacGrantParser implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String GROUP = "rbac.authorization.k8s.io";

    /** Control-plane identities that write bindings as housekeeping (bootstrap policy, controller manager). */
    static final Set<String> CONTROL_PLANE = Set.of("system:apiserver", "system:kube-controller-manager");

    /** The most subjects read from one binding; a longer list is cut (the API server allows any number). */
    static final int MAX_SUBJECTS = 64;

    private final Set<String> housekeepers;

    public RbacGrantParser(DecoderConfig cfg) {
        this.housekeepers = new HashSet<>(cfg.controllers());
        this.housekeepers.addAll(CONTROL_PLANE);
    }

    /** True when the resource is a binding the pre-filter keeps (the group is checked by {@link #parse}). */
    static boolean isBinding(String resource) {
        return "rolebindings".equals(resource) || "clusterrolebindings".equals(resource);
    }

    /** True when the tree is an audit event about a binding: the decoder then parses it here. */
    static boolean isBindingEvent(JsonNode root) {
        JsonNode resource = root.path("objectRef").path("resource");
        return resource.isTextual() && isBinding(resource.textValue());
    }

    /** What {@link #parse} found: the grants, or why there are none. */
    public record Result(List<RbacGrant> grants, String dropReason) {}

    /** The grants of one binding write, or the reason it grants nothing. */
    public Result parse(JsonNode root, String origin) throws BadEventException {
        JsonNode objectRef = object(root, "objectRef", "objectRef");
        String verb = text(root, "verb", "verb");
        if (objectRef == null || verb == null) {
            throw new BadEventException("missing-field", "verb and objectRef are required");
        }
        String resource = text(objectRef, "resource", "objectRef.resource");
        String apiGroup = text(objectRef, "apiGroup", "objectRef.apiGroup");
        if (apiGroup != null && !GROUP.equals(apiGroup)) {
            return dropped("resource");
        }
        if (!("create".equals(verb) || "update".equals(verb) || "patch".equals(verb))) {
            return dropped("verb");
        }
        JsonNode user = object(root, "user", "user");
        String actor = user == null ? null : text(user, "username", "user.username");
        if (actor != null && housekeepers.contains(actor)) {
            return dropped("controller-housekeeping");
        }
        int code = AuditEventParser.responseCode(root);
        if (code >= 300) {
            return dropped("rbac-refused");
        }
        String timestamp = AuditEventParser.timestamp(root);
        long eventTime = AuditEventParser.epochMillis(timestamp);
        JsonNode binding = storedBinding(root, verb);
        if (binding == null) {
            return dropped("rbac-no-body");
        }
        JsonNode roleRef = object(binding, "roleRef", "roleRef");
        String roleKind = text(roleRef, "kind", "roleRef.kind");
        String roleName = text(roleRef, "name", "roleRef.name");
        String namespace = text(objectRef, "namespace", "objectRef.namespace");
        String name = text(objectRef, "name", "objectRef.name");
        JsonNode meta = object(binding, "metadata", "metadata");
        if (name == null && meta != null) {
            name = text(meta, "name", "metadata.name"); // a create's objectRef may lack the name (generateName)
        }
        String auditId = text(root, "auditID", "auditID");
        String sourceIp = AuditEventParser.sourceIp(root);
        String userAgent = text(root, "userAgent", "userAgent");
        List<RbacGrant> grants = new ArrayList<>();
        JsonNode subjects = binding.get("subjects");
        if (subjects != null && !subjects.isNull() && !subjects.isArray()) {
            throw BadEventException.wrongType("subjects", "an array");
        }
        if (subjects != null && subjects.isArray()) {
            for (int i = 0; i < subjects.size() && i < MAX_SUBJECTS; i++) {
                JsonNode s = subjects.get(i);
                if (!s.isObject()) {
                    throw BadEventException.wrongType("subjects[" + i + "]", "an object");
                }
                String kind = text(s, "kind", "subjects[" + i + "].kind");
                String subject = text(s, "name", "subjects[" + i + "].name");
                if (kind == null || subject == null) {
                    continue;
                }
                String subjectNamespace = null;
                if (RbacGrant.SERVICE_ACCOUNT.equals(kind)) {
                    subjectNamespace = text(s, "namespace", "subjects[" + i + "].namespace");
                    if (subjectNamespace == null) {
                        subjectNamespace = namespace;
                    }
                    if (subjectNamespace == null) {
                        continue; // not a valid subject: the API server refuses it
                    }
                }
                grants.add(new RbacGrant(auditId, eventTime, verb, resource, namespace, name, actor, sourceIp, userAgent, kind,
                        subject, subjectNamespace, roleKind, roleName, origin));
            }
        }
        return grants.isEmpty() ? dropped("rbac-no-subjects") : new Result(List.copyOf(grants), null);
    }

    /** The binding as stored: the response, else a request that is a whole binding; null when neither shows one. */
    private static JsonNode storedBinding(JsonNode root, String verb) {
        JsonNode response = root.get("responseObject");
        if (isBindingObject(response)) {
            return response;
        }
        JsonNode request = root.get("requestObject");
        boolean responseLogged = response != null && !response.isNull();
        // A patch's request is the patch, never the binding.
        return !responseLogged && !"patch".equals(verb) && isBindingObject(request) ? request : null;
    }

    private static boolean isBindingObject(JsonNode n) {
        return n != null && n.isObject() && n.path("roleRef").isObject();
    }

    private static Result dropped(String reason) {
        return new Result(List.of(), reason);
    }
}
