package dev.cronsentinel.ingest;

import java.nio.charset.StandardCharsets;

/**
 * The cheap verdict: decides from raw bytes, without building a JSON tree, whether an audit event can be
 * relevant (create/update/patch of cronjobs, jobs, pods, rolebindings or clusterrolebindings, or delete of cronjobs
 * or jobs, stage ResponseComplete,
 * no subresource). Deletes are kept for correlation's lifecycle checks (hit-and-run, docs/CORRELATION.md); a
 * delete of a Pod is the Job controller's and the kubelet's daily noise and is dropped here.
 *
 * <p>Nearly all audit traffic is irrelevant (lease updates, gets, lists, watches), and the API server writes
 * {@code stage}, {@code verb} and {@code objectRef} in its first few hundred bytes. The scanner walks only
 * the top level of the object, string- and depth-aware, and stops as soon as one of those fields rules the
 * event out, so an irrelevant event costs a few hundred byte comparisons however large its bodies are.
 *
 * <p>Why top level only: a byte search for {@code "verb":"get"} anywhere in the line would be fooled by an
 * attacker who puts a {@code verb} label on their CronJob. Strings are skipped with their escapes and nested
 * values with their depth, so only the real top-level keys are read.
 *
 * <p>The verdict is conservative: whenever the scanner cannot be sure (escaped keys, unexpected types, a
 * decisive field written twice after a relevant value), it answers {@link Verdict#UNCERTAIN} and the full
 * parser decides. It never validates the parts it skips; an irrelevant event is dropped without being
 * checked for well-formedness beyond what was read.
 *
 * <p>Not thread-safe: one instance per decoding thread (it keeps the reason of the last verdict).
 */
public final class AuditPreFilter {

    /** What the scanner concluded. */
    public enum Verdict {
        /** Certainly not a relevant event; drop it. */
        IRRELEVANT,
        /** All the filter fields say relevant: parse it fully. */
        RELEVANT,
        /** A webhook {@code EventList} batch: split it and judge each item. */
        EVENT_LIST,
        /**
         * No audit fields at top level but a collector envelope ({@code properties}, {@code protoPayload},
         * {@code records}, {@code logEvents}); {@link #envelope()} says which.
         */
        ENVELOPE,
        /** The scanner could not decide from bytes; the full parser must. */
        UNCERTAIN,
        /** A well-formed JSON object, but no audit event: it has no {@code verb} and is no known envelope. */
        NOT_AN_EVENT,
        /** Not a JSON object, or broken within the part that was read. */
        MALFORMED
    }

    private static final byte[] K_VERB = ascii("verb");
    private static final byte[] K_STAGE = ascii("stage");
    private static final byte[] K_KIND = ascii("kind");
    private static final byte[] K_OBJECT_REF = ascii("objectRef");
    private static final byte[] K_RESOURCE = ascii("resource");
    private static final byte[] K_SUBRESOURCE = ascii("subresource");
    private static final byte[] K_PROPERTIES = ascii("properties");
    private static final byte[] K_PROTO_PAYLOAD = ascii("protoPayload");
    private static final byte[] K_ITEMS = ascii("items");
    private static final byte[] K_RECORDS = ascii("records");
    private static final byte[] K_LOG_EVENTS = ascii("logEvents");
    private static final byte[] K_MESSAGE_TYPE = ascii("messageType");
    private static final byte[] K_METHOD_NAME = ascii("methodName");
    private static final byte[] V_CONTROL_MESSAGE = ascii("CONTROL_MESSAGE");

    private static final byte[] V_CREATE = ascii("create");
    private static final byte[] V_UPDATE = ascii("update");
    private static final byte[] V_PATCH = ascii("patch");
    private static final byte[] V_DELETE = ascii("delete");
    private static final byte[] V_RESPONSE_COMPLETE = ascii("ResponseComplete");
    private static final byte[] V_EVENT_LIST = ascii("EventList");
    private static final byte[] V_CRONJOBS = ascii("cronjobs");
    private static final byte[] V_JOBS = ascii("jobs");
    private static final byte[] V_PODS = ascii("pods");
    private static final byte[] V_ROLE_BINDINGS = ascii("rolebindings");
    private static final byte[] V_CLUSTER_ROLE_BINDINGS = ascii("clusterrolebindings");

    private final int maxDepth;
    private byte[] buf;
    private int end;
    private int pos;
    private String reason;
    private Envelope envelope = Envelope.NONE;

    // Whether the last objectRef read by scanObjectRef() named pods (their deletes are not ours).
    private boolean refIsPods;
    private boolean refIsBinding;

    // Bounds of the last string value read by readString().
    private int strStart;
    private int strEnd;

    // Bounds of the last key read by readKey().
    private int keyStart;
    private int keyEnd;

    public AuditPreFilter(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    /** Why the last verdict was reached: a short, stable token such as {@code verb}, {@code stage}. */
    public String reason() {
        return reason;
    }

    public Verdict classify(byte[] bytes) {
        return classify(bytes, 0, bytes.length);
    }

    /** The envelope of the last {@link Verdict#ENVELOPE} verdict. */
    public Envelope envelope() {
        return envelope;
    }

    public Verdict classify(byte[] bytes, int offset, int length) {
        this.envelope = Envelope.NONE;
        this.buf = bytes;
        this.pos = offset;
        this.end = offset + length;
        try {
            return scan();
        } catch (Malformed m) {
            reason = m.getMessage();
            return Verdict.MALFORMED;
        } catch (Uncertain u) {
            reason = "escaped value";
            return Verdict.UNCERTAIN;
        }
    }

    private Verdict scan() {
        skipBom();
        skipWs();
        if (pos >= end) {
            return malformed("empty record");
        }
        byte first = buf[pos];
        if (first == '[') {
            return malformed("top-level JSON array, expected an audit Event object");
        }
        if (first != '{') {
            return malformed("not a JSON object");
        }
        pos++;
        boolean verbSeen = false;
        boolean stageSeen = false;
        boolean objectRefSeen = false;
        boolean hasItems = false;
        boolean delete = false;
        boolean deleteNotKept = false;
        skipWs();
        if (pos < end && buf[pos] == '}') {
            return irrelevant("empty object");
        }
        while (true) {
            boolean escaped = readKey();
            if (escaped) {
                // A key spelled with escapes might decode to "verb": let the real parser judge.
                return uncertain("escaped top-level key");
            }
            if (verbSeen && equalsKey(keyStart, keyEnd, K_VERB) || stageSeen && equalsKey(keyStart, keyEnd, K_STAGE)
                    || objectRefSeen && equalsKey(keyStart, keyEnd, K_OBJECT_REF)) {
                // A decisive field written twice: the strict parser rejects it, the scanner must not pick one.
                return uncertain("duplicate top-level key");
            }
            if (equalsKey(keyStart, keyEnd, K_VERB)) {
                if (!readString()) {
                    return uncertain("verb is not a plain string");
                }
                delete = valueIs(V_DELETE);
                if (!(valueIs(V_CREATE) || valueIs(V_UPDATE) || valueIs(V_PATCH) || delete)) {
                    return irrelevant("verb");
                }
                verbSeen = true;
            } else if (equalsKey(keyStart, keyEnd, K_STAGE)) {
                if (!readString()) {
                    return uncertain("stage is not a plain string");
                }
                if (!valueIs(V_RESPONSE_COMPLETE)) {
                    return irrelevant("stage");
                }
                stageSeen = true;
            } else if (equalsKey(keyStart, keyEnd, K_KIND)) {
                if (readString() && valueIs(V_EVENT_LIST)) {
                    return eventList();
                }
            } else if (equalsKey(keyStart, keyEnd, K_OBJECT_REF)) {
                Verdict v = scanObjectRef();
                if (v != null) {
                    return v;
                }
                objectRefSeen = true;
                deleteNotKept = refIsPods || refIsBinding; // only CronJob and Job deletes are kept
            } else if (equalsKey(keyStart, keyEnd, K_ITEMS)) {
                // A batch's items are limited one by one when they are decoded; an item nested deeper than
                // the limit must cost only itself, so their nesting is not limited here.
                hasItems = true;
                skipValue(Integer.MIN_VALUE / 2);
            } else if (!verbSeen && equalsKey(keyStart, keyEnd, K_PROTO_PAYLOAD)) {
                if (this.envelope == Envelope.GKE) {
                    return uncertain("duplicate top-level key");
                }
                this.envelope = Envelope.GKE;
                if (readProtoPayloadMethod()) {
                    return irrelevant(gkeIrrelevance);
                }
            } else if (!verbSeen && (equalsKey(keyStart, keyEnd, K_RECORDS) || equalsKey(keyStart, keyEnd, K_LOG_EVENTS))) {
                // A batch of envelope entries, decided here as an EventList is by its kind: the splitter reads
                // the structure, so the entries before a break are still decoded, and each is limited alone.
                this.envelope = equalsKey(keyStart, keyEnd, K_RECORDS) ? Envelope.AKS_RECORDS : Envelope.EKS;
                reason = "envelope";
                return Verdict.ENVELOPE;
            } else if (equalsKey(keyStart, keyEnd, K_MESSAGE_TYPE)) {
                this.envelope = Envelope.EKS;
                if (readString() && valueIs(V_CONTROL_MESSAGE)) {
                    return irrelevant("eks-control-message");
                }
            } else {
                if (equalsKey(keyStart, keyEnd, K_PROPERTIES)) {
                    if (this.envelope == Envelope.NONE) {
                        this.envelope = Envelope.AKS_RECORD;
                    }
                }
                skipValue(1);
            }
            if (delete && deleteNotKept) {
                return irrelevant("verb");
            }
            if (verbSeen && objectRefSeen && stageSeen) {
                reason = "relevant";
                return Verdict.RELEVANT;
            }
            skipWs();
            if (pos >= end) {
                return malformed("truncated JSON: input ended inside the top-level object");
            }
            byte b = buf[pos++];
            if (b == '}') {
                break;
            }
            if (b != ',') {
                return malformed("expected ',' or '}' at byte " + (pos - 1));
            }
        }
        if (verbSeen && objectRefSeen) {
            // No stage field (some exporters drop it): judge on the rest; dedupe by auditID protects counts.
            reason = "relevant (no stage field)";
            return Verdict.RELEVANT;
        }
        if (!verbSeen && this.envelope != Envelope.NONE) {
            reason = "envelope";
            return Verdict.ENVELOPE;
        }
        if (!verbSeen && hasItems) {
            // An "items" batch whose kind came after it or is missing: the splitter will check.
            return uncertain("items without kind EventList");
        }
        if (!verbSeen) {
            reason = "no verb: not an audit event";
            return Verdict.NOT_AN_EVENT;
        }
        return irrelevant("no objectRef");
    }

    private String gkeIrrelevance;

    /**
     * Reads the top level of a GKE {@code protoPayload}, leaving {@code pos} after it; returns true when its
     * {@code methodName} rules the entry out ({@link #gkeIrrelevance} then says why). A method name with escapes
     * or of another type leaves the verdict to the full parse.
     */
    private boolean readProtoPayloadMethod() {
        if (pos >= end || buf[pos] != '{') {
            skipValue(1);
            return false;
        }
        pos++;
        skipWs();
        if (pos < end && buf[pos] == '}') {
            pos++;
            return false;
        }
        boolean methodSeen = false;
        while (true) {
            boolean escaped = readKey();
            if (!escaped && equalsKey(keyStart, keyEnd, K_METHOD_NAME) && pos < end && buf[pos] == '"') {
                if (methodSeen) {
                    // Written twice: the strict parser rejects it, the scanner must not pick one.
                    throw new Uncertain();
                }
                methodSeen = true;
                pos++;
                int start = pos;
                if (!skipStringBody()) {
                    GkeMethod method = GkeMethod.parse(new String(buf, start, pos - 1 - start, StandardCharsets.UTF_8));
                    gkeIrrelevance = method == null ? "gke-method" : method.irrelevance();
                    if (gkeIrrelevance != null) {
                        // The rest of the entry is not read: an irrelevant entry costs no more than this.
                        return true;
                    }
                }
            } else {
                skipValue(2);
            }
            skipWs();
            if (pos >= end) {
                throw new Malformed("truncated JSON in protoPayload");
            }
            byte b = buf[pos++];
            if (b == '}') {
                return false;
            }
            if (b != ',') {
                throw new Malformed("expected ',' or '}' in protoPayload at byte " + (pos - 1));
            }
        }
    }

    private Verdict eventList() {
        reason = "EventList";
        return Verdict.EVENT_LIST;
    }

    /** Reads objectRef; returns a verdict when it decides, or null when the event is still relevant. */
    private Verdict scanObjectRef() {
        if (pos >= end) {
            throw new Malformed("truncated JSON in objectRef");
        }
        if (buf[pos] != '{') {
            return uncertain("objectRef is not an object");
        }
        pos++;
        boolean resourceOk = false;
        refIsPods = false;
        refIsBinding = false;
        skipWs();
        if (pos < end && buf[pos] == '}') {
            pos++;
            return irrelevant("resource");
        }
        while (true) {
            boolean escaped = readKey();
            if (escaped) {
                return uncertain("escaped objectRef key");
            }
            if (equalsKey(keyStart, keyEnd, K_RESOURCE)) {
                if (!readString()) {
                    return uncertain("objectRef.resource is not a plain string");
                }
                // RBAC bindings too (issue 19 item 1): parsed into grants by RbacGrantParser, never into workloads.
                boolean binding = valueIs(V_ROLE_BINDINGS) || valueIs(V_CLUSTER_ROLE_BINDINGS);
                if (!(valueIs(V_CRONJOBS) || valueIs(V_JOBS) || valueIs(V_PODS) || binding)) {
                    return irrelevant("resource");
                }
                resourceOk = true;
                refIsPods = valueIs(V_PODS);
                refIsBinding = binding;
            } else if (equalsKey(keyStart, keyEnd, K_SUBRESOURCE)) {
                if (!readString()) {
                    return uncertain("objectRef.subresource is not a plain string");
                }
                if (strEnd > strStart) {
                    return irrelevant("subresource");
                }
            } else {
                skipValue(2);
            }
            skipWs();
            if (pos >= end) {
                throw new Malformed("truncated JSON in objectRef");
            }
            byte b = buf[pos++];
            if (b == '}') {
                break;
            }
            if (b != ',') {
                throw new Malformed("expected ',' or '}' in objectRef at byte " + (pos - 1));
            }
        }
        return resourceOk ? null : irrelevant("resource");
    }

    private Verdict irrelevant(String why) {
        reason = why;
        return Verdict.IRRELEVANT;
    }

    private Verdict uncertain(String why) {
        reason = why;
        return Verdict.UNCERTAIN;
    }

    private Verdict malformed(String why) {
        reason = why;
        return Verdict.MALFORMED;
    }

    /**
     * Reads a string value at {@code pos} into [strStart, strEnd). Returns false, having skipped the value,
     * when it is not a string. A string with escapes cannot be compared as bytes: that ends the scan with
     * {@link Verdict#UNCERTAIN} so the full parser decides.
     */
    private boolean readString() {
        if (pos >= end) {
            throw new Malformed("truncated JSON: value missing");
        }
        if (buf[pos] != '"') {
            skipValue(1);
            return false;
        }
        pos++;
        int start = pos;
        boolean escaped = skipStringBody();
        if (escaped) {
            // An escaped value cannot be compared as bytes; the full parser must decide.
            throw new Uncertain();
        }
        strStart = start;
        strEnd = pos - 1;
        return true;
    }

    private boolean valueIs(byte[] expected) {
        return equalsKey(strStart, strEnd, expected);
    }

    private boolean equalsKey(int from, int to, byte[] expected) {
        int len = to - from;
        if (len != expected.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (buf[from + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** Skips a string body after its opening quote; returns true when it contained a backslash escape. */
    private boolean skipStringBody() {
        boolean escaped = false;
        final byte[] b = buf;
        final int e = end;
        int p = pos;
        while (p < e) {
            byte c = b[p++];
            if (c == '"') {
                pos = p;
                return escaped;
            }
            if (c == '\\') {
                escaped = true;
                p++;
            }
        }
        throw new Malformed("truncated JSON: unterminated string");
    }

    /**
     * Skips one JSON value of any type; {@code depth} is the nesting depth the value sits at (a very negative
     * depth skips without a limit: the nesting is only counted).
     */
    private void skipValue(int depth) {
        if (pos >= end) {
            throw new Malformed("truncated JSON: value missing");
        }
        byte c = buf[pos];
        if (c == '"') {
            pos++;
            skipStringBody();
            return;
        }
        if (c == '{' || c == '[') {
            skipContainer(depth);
            return;
        }
        // number, true, false, null: up to the next delimiter
        while (pos < end) {
            c = buf[pos];
            if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                return;
            }
            pos++;
        }
    }

    private void skipContainer(int depth) {
        final byte[] b = buf;
        final int e = end;
        int p = pos;
        int level = 0;
        while (p < e) {
            byte c = b[p++];
            if (c == '"') {
                while (true) {
                    if (p >= e) {
                        throw new Malformed("truncated JSON: unterminated string");
                    }
                    byte s = b[p++];
                    if (s == '"') {
                        break;
                    }
                    if (s == '\\') {
                        p++;
                    }
                }
            } else if (c == '{' || c == '[') {
                level++;
                if (depth + level > maxDepth) {
                    throw new Malformed("nesting deeper than " + maxDepth);
                }
            } else if (c == '}' || c == ']') {
                level--;
                if (level == 0) {
                    pos = p;
                    return;
                }
            }
        }
        throw new Malformed("truncated JSON: unclosed object or array");
    }

    private void expect(char c) {
        if (pos >= end) {
            throw new Malformed("truncated JSON: expected '" + c + "'");
        }
        if (buf[pos] != c) {
            throw new Malformed("expected '" + c + "' at byte " + pos);
        }
        pos++;
    }

    private void skipWs() {
        while (pos < end) {
            byte c = buf[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private void skipBom() {
        if (end - pos >= 3 && buf[pos] == (byte) 0xEF && buf[pos + 1] == (byte) 0xBB && buf[pos + 2] == (byte) 0xBF) {
            pos += 3;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Which envelope an {@link Verdict#ENVELOPE} verdict found. */
    public enum Envelope {
        NONE,
        /** One AKS diagnostics record: {@code properties.log} holds the event. */
        AKS_RECORD,
        /** An AKS Event Hubs batch: {@code records[]} of diagnostics records. */
        AKS_RECORDS,
        /** A GKE Cloud Audit Logs entry: {@code protoPayload} is a {@code google.cloud.audit.AuditLog}. */
        GKE,
        /** An EKS CloudWatch Logs subscription delivery: {@code messageType}, {@code logEvents[]}. */
        EKS
    }

    /**
     * Reads one member's key and the colon after it, leaving {@code pos} at its value and the key's bounds in
     * {@link #keyStart} and {@link #keyEnd}; returns true when the key is spelled with escapes.
     */
    private boolean readKey() {
        skipWs();
        expect('"');
        keyStart = pos;
        boolean escaped = skipStringBody();
        keyEnd = pos - 1;
        skipWs();
        expect(':');
        skipWs();
        return escaped;
    }

    /** Control flow for "broken within what was read"; no stack trace, it is an expected outcome. */
    private static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** Control flow for "an escaped value needs a real parser". */
    private static final class Uncertain extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Uncertain() {
            super("escaped value", null, false, false);
        }
    }
}
