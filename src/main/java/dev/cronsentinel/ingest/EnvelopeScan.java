package dev.cronsentinel.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.cronsentinel.model.UndecodableEvent;
import java.io.IOException;

/**
 * What can still be read of an audit event that failed to decode: a lenient, streaming pass over the top level
 * of the envelope ({@code auditID}, {@code verb}, {@code stage}, {@code user.username}, {@code sourceIPs[0]},
 * {@code userAgent}, {@code objectRef}, {@code responseStatus.code}, the timestamps) that stops at the first
 * error and keeps what it had read. It builds no tree and skips every other value, bodies included, so its cost
 * is one token pass even for an event of many MiB. Run only on the failure path.
 *
 * <p>Lenient on purpose: no duplicate detection (the first value of a field is kept), nesting and number
 * limits far above the decoder's. The API server writes the envelope fields before the bodies, so an event
 * broken in its bodies (the part a client writes) still yields who, what and where.
 */
final class EnvelopeScan {
    private static final JsonFactory LENIENT = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(10_000)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build();
    private static final int MAX_FIELD = 512;

    private String auditId;
    private String verb;
    private String stage;
    private String resource;
    private String subresource;
    private String namespace;
    private String name;
    private String username;
    private String sourceIp;
    private String userAgent;
    private int code;
    private String stageTimestamp;
    private String receivedTimestamp;
    private boolean anyWriteVerb;
    private boolean anyWorkloadResource;
    private String gkeInsertId;
    private String gkeTimestamp;

    private EnvelopeScan() {}

    /** Scans {@code b[off, off+len)}; never throws. */
    static EnvelopeScan of(byte[] b, int off, int len) {
        EnvelopeScan s = new EnvelopeScan();
        try (JsonParser p = LENIENT.createParser(b, off, len)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                s.top(p);
            }
        } catch (IOException | RuntimeException e) {
            // Broken past this point: what was read so far stands.
        }
        return s;
    }

    /**
     * True when the envelope says this is a create/update/patch of a CronJob, Job or Pod, without a
     * subresource, at stage ResponseComplete (or with no stage). A field written twice counts as relevant
     * when any of its values is, so a forged duplicate cannot talk the event out of being a finding.
     */
    boolean relevantWrite() {
        boolean stageOk = stage == null || "ResponseComplete".equals(stage);
        boolean noSub = subresource == null || subresource.isEmpty();
        return anyWriteVerb && anyWorkloadResource && stageOk && noSub;
    }

    UndecodableEvent finding(String origin, long position, String reason, String detail) {
        long time = time(stageTimestamp);
        if (time < 0) {
            time = time(receivedTimestamp);
        }
        if (time < 0) {
            time = time(gkeTimestamp);
        }
        return new UndecodableEvent(origin, position, reason, detail, auditId != null ? auditId : gkeInsertId, verb,
                resource, namespace, name,
                username, sourceIp, userAgent, code, time);
    }

    private static long time(String ts) {
        if (ts == null) {
            return -1;
        }
        try {
            return AuditTimestamps.epochMillis(ts);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private void top(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "auditID":
                    auditId = first(auditId, p, t);
                    break;
                case "verb":
                    verb(string(p, t));
                    break;
                case "stage":
                    stage = first(stage, p, t);
                    break;
                case "userAgent":
                    userAgent = first(userAgent, p, t);
                    break;
                case "stageTimestamp":
                    stageTimestamp = first(stageTimestamp, p, t);
                    break;
                case "requestReceivedTimestamp":
                    receivedTimestamp = first(receivedTimestamp, p, t);
                    break;
                case "user":
                    username = username == null ? member(p, t, "username") : username;
                    break;
                case "sourceIPs":
                    if (t == JsonToken.START_ARRAY) {
                        JsonToken item = p.nextToken();
                        if (sourceIp == null && item == JsonToken.VALUE_STRING) {
                            sourceIp = bounded(p.getText());
                        }
                        if (item != JsonToken.END_ARRAY) {
                            p.skipChildren();
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "objectRef":
                    if (t == JsonToken.START_OBJECT) {
                        objectRef(p);
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "protoPayload":
                    // A GKE Cloud Audit Logs entry: the same facts under Google's names (GkeAuditLogMapper).
                    if (t == JsonToken.START_OBJECT) {
                        protoPayload(p);
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "insertId":
                    gkeInsertId = first(gkeInsertId, p, t);
                    break;
                case "timestamp":
                    gkeTimestamp = first(gkeTimestamp, p, t);
                    break;
                case "responseStatus":
                    if (t == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken v = p.nextToken();
                            if ("code".equals(f) && v == JsonToken.VALUE_NUMBER_INT && code == 0 && p.getTextLength() <= 3) {
                                code = p.getIntValue();
                            }
                            p.skipChildren();
                        }
                    } else {
                        p.skipChildren();
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
    }

    private void protoPayload(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            switch (f) {
                case "methodName": {
                    GkeMethod m = GkeMethod.parse(string(p, t));
                    if (m != null) {
                        verb(m.verb());
                        resource(m.resource());
                        subresource = subresource == null ? m.subresource() : subresource;
                    }
                    break;
                }
                case "resourceName": {
                    String rn = string(p, t);
                    String[] parts = rn == null ? new String[0] : rn.split("/", 64);
                    for (int i = 0; i + 1 < parts.length; i++) {
                        if ("namespaces".equals(parts[i])) {
                            namespace = namespace == null ? parts[i + 1] : namespace;
                            if (i + 3 < parts.length) {
                                name = name == null ? parts[i + 3] : name;
                            }
                            break;
                        }
                    }
                    break;
                }
                case "authenticationInfo":
                    username = username == null ? member(p, t, "principalEmail") : username;
                    break;
                case "requestMetadata":
                    if (t == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String g = p.currentName();
                            JsonToken v = p.nextToken();
                            if ("callerIp".equals(g)) {
                                sourceIp = first(sourceIp, p, v);
                            } else if ("callerSuppliedUserAgent".equals(g)) {
                                userAgent = first(userAgent, p, v);
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
    }

    /** The string member {@code field} of the object at {@code t}, or null; the object is consumed. */
    private static String member(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String out = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals(f)) {
                out = first(out, p, v);
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    /** A verb, written once or more: the first counts, and any write verb among them makes it relevant. */
    private void verb(String v) {
        if (v != null && (v.equals("create") || v.equals("update") || v.equals("patch"))) {
            anyWriteVerb = true;
        }
        verb = verb == null ? v : verb;
    }

    /** A resource, likewise: any workload resource among its values makes it relevant. */
    private void resource(String r) {
        if (r != null && (r.equals("cronjobs") || r.equals("jobs") || r.equals("pods"))) {
            anyWorkloadResource = true;
        }
        resource = resource == null ? r : resource;
    }

    private void objectRef(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            switch (f) {
                case "resource":
                    resource(string(p, t));
                    break;
                case "subresource":
                    subresource = first(subresource, p, t);
                    break;
                case "namespace":
                    namespace = first(namespace, p, t);
                    break;
                case "name":
                    name = first(name, p, t);
                    break;
                default:
                    p.skipChildren();
            }
        }
    }

    private static String first(String current, JsonParser p, JsonToken t) throws IOException {
        String v = string(p, t);
        return current != null ? current : v;
    }

    private static String string(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return bounded(p.getText());
        }
        p.skipChildren();
        return null;
    }

    private static String bounded(String s) {
        return s.length() <= MAX_FIELD ? s : s.substring(0, MAX_FIELD);
    }
}
