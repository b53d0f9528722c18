package dev.cronsentinel.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.model.UndecodableEvent;
import dev.cronsentinel.model.WorkloadEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes raw audit records into {@link WorkloadEvent}s. Pure Java, no Flink: {@code DecodeFunction}
 * wraps it, tests and benchmarks call it directly.
 *
 * <p>Order of work, cheapest first:
 * <ol>
 *   <li>size limit on the record;</li>
 *   <li>{@link AuditPreFilter}, a byte-level verdict that drops irrelevant events without a JSON tree;</li>
 *   <li>{@code EventList} batches are split into their items and each item starts again at step 1;</li>
 *   <li>collector envelopes are unwrapped (AKS {@code properties.log}, as an object or a JSON string);</li>
 *   <li>only then a full, limit-bounded parse ({@link AuditEventParser}) and the role check
 *       ({@link EventClassifier}) that drops controller housekeeping.</li>
 * </ol>
 * Every record ends in exactly one of: one or more events, one or more dead letters, or a "filtered"
 * count (an EventList may produce a mix). Nothing thrown by the input escapes this class.
 *
 * <p>No silent drop of a relevant event (issue 16, row 4): when the byte pre-filter has classified an event as
 * a relevant workload write (or a lenient scan of its envelope, {@link EnvelopeScan}, says it is one) and a
 * later step fails (size, parse, limits, types), the dead letter is joined by an {@link UndecodableEvent}
 * carrying who, what and where, which the job turns into an {@code undecodable} alert. Parts of a decoded
 * event read past leniently ({@link AuditEventParser#notes}) raise one too, next to the event.
 */
public final class AuditDecoder {

    /** Where decoded results go. */
    public interface Output {
        void event(WorkloadEvent event);

        void deadLetter(DeadLetter deadLetter);

        /** An event that was read and is not ours: irrelevant, housekeeping, out of scope. */
        void filtered(String reason);

        /** A relevant write that could not be decoded (besides its dead letter), or evidence of a lenient read. */
        void undecodable(UndecodableEvent finding);
    }

    /**
     * Nesting the token stream may reach (Go's {@code encoding/json} limit, which the API server applies to
     * request bodies). Past {@code ingest.max-depth} a body's subtree is skipped, not built (see
     * {@link PrunedTreeReader}); past this, the event is {@code limit-exceeded}.
     */
    static final int MAX_TOKEN_DEPTH = 10_000;

    /** Longest JSON number read (Jackson's default). Longer ones are {@code limit-exceeded}. */
    static final int MAX_NUMBER_DIGITS = 1000;

    private final DecoderConfig cfg;
    private final AuditPreFilter preFilter;
    private final EventListSplitter splitter = new EventListSplitter();
    private final JsonFactory streaming;
    private final PrunedTreeReader treeReader;
    private final AuditEventParser parser;
    private final EventClassifier classifier;

    public AuditDecoder(DecoderConfig cfg) {
        this.cfg = cfg;
        this.preFilter = new AuditPreFilter(MAX_TOKEN_DEPTH);
        StreamReadConstraints limits = StreamReadConstraints.builder()
                .maxNestingDepth(MAX_TOKEN_DEPTH)
                .maxStringLength(cfg.maxStringLength())
                .maxDocumentLength(cfg.maxRecordBytes())
                .maxNumberLength(MAX_NUMBER_DIGITS)
                .build();
        // No STRICT_DUPLICATE_DETECTION: the tree reader fails duplicates in the envelope and lets the last
        // one win in bodies, as the API server does.
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(limits)
                .build();
        this.streaming = factory;
        this.treeReader = new PrunedTreeReader(factory, cfg.maxDepth());
        this.parser = new AuditEventParser(treeReader);
        this.classifier = new EventClassifier(cfg);
    }

    public void decode(RawAuditRecord record, Output out) {
        byte[] bytes = record.payload();
        if (bytes == null) {
            out.deadLetter(dead(record, null, 0, 0, 0, "empty-record", "the record has no value"));
            return;
        }
        if (record.length() > cfg.maxRecordBytes() || record.length() > bytes.length) {
            DeadLetter dl = dead(record, bytes, 0, bytes.length, record.length(), "oversized",
                    "record of " + record.length() + " bytes exceeds ingest.max-record-bytes=" + cfg.maxRecordBytes());
            // Only a prefix may be here: the envelope fields come first, so the pre-filter can still judge it.
            AuditPreFilter.Verdict v = preFilter.classify(bytes, 0, bytes.length);
            // A stage-less event's prefix reads as truncated (MALFORMED): the envelope scan decides then.
            deadLetterRelevant(record, bytes, 0, bytes.length, v == AuditPreFilter.Verdict.RELEVANT,
                    v == AuditPreFilter.Verdict.UNCERTAIN || v == AuditPreFilter.Verdict.MALFORMED, dl, out);
            return;
        }
        if (isBlank(bytes, 0, bytes.length)) {
            out.deadLetter(dead(record, bytes, 0, bytes.length, bytes.length, "empty-record", "the record is blank"));
            return;
        }
        decodeOne(record, bytes, 0, bytes.length, true, out);
    }

    private void decodeOne(RawAuditRecord rec, byte[] b, int off, int len, boolean topLevel, Output out) {
        AuditPreFilter.Verdict verdict = preFilter.classify(b, off, len);
        switch (verdict) {
            case IRRELEVANT:
                out.filtered(preFilter.reason());
                return;
            case MALFORMED:
                out.deadLetter(dead(rec, b, off, len, len, "malformed-json", preFilter.reason()));
                return;
            case NOT_AN_EVENT:
                out.deadLetter(dead(rec, b, off, len, len, "not-an-audit-event", "a JSON object without a verb; expected an audit Event, an EventList or a known envelope"));
                return;
            case EVENT_LIST:
                if (!topLevel) {
                    out.deadLetter(dead(rec, b, off, len, len, "nested-event-list", "an EventList inside an EventList"));
                    return;
                }
                splitEventList(rec, b, off, len, out);
                return;
            case ENVELOPE:
                unwrapEnvelope(rec, b, off, len, topLevel, out);
                return;
            case RELEVANT:
            case UNCERTAIN:
            default:
                if (len > cfg.maxEventBytes()) {
                    deadLetterRelevant(rec, b, off, len, verdict == AuditPreFilter.Verdict.RELEVANT, true,
                            dead(rec, b, off, len, len, "oversized",
                                    "event of " + len + " bytes exceeds ingest.max-event-bytes=" + cfg.maxEventBytes()), out);
                    return;
                }
                parseFully(rec, b, off, len, verdict == AuditPreFilter.Verdict.UNCERTAIN, topLevel, out);
        }
    }

    private void parseFully(RawAuditRecord rec, byte[] b, int off, int len, boolean recheck, boolean topLevel, Output out) {
        JsonNode root;
        try {
            root = treeReader.read(b, off, len);
        } catch (StreamConstraintsException e) {
            deadLetterRelevant(rec, b, off, len, !recheck, true, dead(rec, b, off, len, len, "limit-exceeded", e.getOriginalMessage()), out);
            return;
        } catch (JsonParseException e) {
            String msg = e.getOriginalMessage();
            String reason = msg != null && msg.startsWith("Duplicate field") ? "duplicate-key" : "malformed-json";
            deadLetterRelevant(rec, b, off, len, !recheck, true, dead(rec, b, off, len, len, reason, msg), out);
            return;
        } catch (IOException | RuntimeException e) {
            deadLetterRelevant(rec, b, off, len, !recheck, true,
                    dead(rec, b, off, len, len, "malformed-json", String.valueOf(e.getMessage())), out);
            return;
        }
        if (root == null || !root.isObject()) {
            out.deadLetter(dead(rec, b, off, len, len, "not-an-object", "expected an audit Event object"));
            return;
        }
        if (recheck) {
            String kind = root.path("kind").asText("");
            if ("EventList".equals(kind)) {
                if (!topLevel) {
                    out.deadLetter(dead(rec, b, off, len, len, "nested-event-list", "an EventList inside an EventList"));
                } else {
                    splitEventList(rec, b, off, len, out);
                }
                return;
            }
            if (!root.has("verb") && !root.has("properties") && !root.has("protoPayload")) {
                out.deadLetter(dead(rec, b, off, len, len, "not-an-audit-event", "a JSON object without a verb; expected an audit Event, an EventList or a known envelope"));
                return;
            }
            if (root.has("properties") || root.has("protoPayload")) {
                if (!root.has("verb")) {
                    unwrapEnvelope(rec, b, off, len, topLevel, out);
                    return;
                }
            }
            String why = irrelevance(root);
            if (why != null) {
                out.filtered(why);
                return;
            }
        }
        WorkloadEvent event;
        try {
            event = parser.parse(root, rec.origin() + ":" + rec.position());
        } catch (BadEventException e) {
            deadLetterRelevant(rec, b, off, len, !recheck, true, dead(rec, b, off, len, len, e.reason(), e.getMessage()), out);
            return;
        } catch (RuntimeException e) {
            // Defensive: a parser bug must cost one dead letter (and its finding), never the job.
            deadLetterRelevant(rec, b, off, len, !recheck, true,
                    dead(rec, b, off, len, len, "decoder-error", e.getClass().getSimpleName() + ": " + e.getMessage()), out);
            return;
        }
        String drop = classifier.dropReason(event);
        if (drop != null) {
            out.filtered(drop);
            return;
        }
        out.event(event);
        for (String[] note : parser.notes()) {
            out.undecodable(new UndecodableEvent(rec.origin(), rec.position(), note[0], note[1], event.auditId(),
                    event.verb(), event.resource(), event.namespace(), event.name(), event.username(), event.sourceIp(),
                    event.userAgent(), event.responseCode(), event.eventTime()));
        }
    }

    /** The relevance test on a parsed tree, for events the byte scanner could not judge. */
    private static String irrelevance(JsonNode root) {
        JsonNode verb = root.get("verb");
        JsonNode objectRef = root.get("objectRef");
        if (verb == null || !verb.isTextual()) {
            return null; // let the parser report the wrong type
        }
        String v = verb.textValue();
        if (!(v.equals("create") || v.equals("update") || v.equals("patch"))) {
            return "verb";
        }
        JsonNode stage = root.get("stage");
        if (stage != null && stage.isTextual() && !"ResponseComplete".equals(stage.textValue())) {
            return "stage";
        }
        if (objectRef == null || !objectRef.isObject()) {
            return null; // let the parser report the wrong type
        }
        JsonNode res = objectRef.get("resource");
        if (res != null && res.isTextual()) {
            String r = res.textValue();
            if (!(r.equals("cronjobs") || r.equals("jobs") || r.equals("pods"))) {
                return "resource";
            }
        }
        JsonNode sub = objectRef.get("subresource");
        if (sub != null && sub.isTextual() && !sub.textValue().isEmpty()) {
            return "subresource";
        }
        return null;
    }

    /**
     * Splits an {@code EventList} into its items by byte range (no tree of the whole batch is built, and no
     * parse limit applies to the batch as a whole) and decodes each item on its own, so one bad item costs one
     * dead letter, not the batch. When the batch's own structure is broken, the items before the break are
     * decoded and the rest is dead-lettered from the item that was being read.
     */
    private void splitEventList(RawAuditRecord rec, byte[] b, int off, int len, Output out) {
        boolean complete = splitter.split(b, off, len, (index, start, stop) -> {
            if (b[start] != '{') {
                out.deadLetter(dead(rec, b, start, stop - start, stop - start, "not-an-object",
                        "EventList item " + index + " is not an object"));
            } else {
                decodeOne(rec, b, start, stop - start, false, out);
            }
        });
        if (!complete) {
            int from = splitter.resumeAt();
            int rest = off + len - from;
            String reason = splitter.wrongType() ? "wrong-type" : "malformed-json";
            out.deadLetter(dead(rec, b, from, rest, rest, reason,
                    "EventList after " + splitter.items() + " items, at byte " + (from - off) + ": " + splitter.error()));
        } else if (splitter.items() == 0) {
            // A batch with no items ("items": [] or null, or no items field) still gets its verdict.
            out.filtered("empty-event-list");
        }
    }

    /**
     * Unwraps a collector envelope. AKS diagnostics put the event in {@code properties.log}, as an object or
     * as a JSON string; GKE Cloud Audit ({@code protoPayload}) uses its own schema, which this decoder does
     * not map: a GKE record about batch or pod writes is dead-lettered as unsupported rather than dropped, so
     * a GKE operator sees at once that the detector is blind there.
     */
    private void unwrapEnvelope(RawAuditRecord rec, byte[] b, int off, int len, boolean topLevel, Output out) {
        if (!topLevel) {
            out.deadLetter(dead(rec, b, off, len, len, "nested-envelope", "an envelope inside an EventList"));
            return;
        }
        try (JsonParser p = streaming.createParser(b, off, len)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if ("properties".equals(field) && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = p.currentName();
                        JsonToken it = p.nextToken();
                        if ("log".equals(inner)) {
                            if (it == JsonToken.VALUE_STRING) {
                                byte[] event = p.getText().getBytes(StandardCharsets.UTF_8);
                                decodeOne(rec, event, 0, event.length, false, out);
                                return;
                            }
                            if (it == JsonToken.START_OBJECT) {
                                int start = off + (int) p.currentTokenLocation().getByteOffset();
                                p.skipChildren();
                                int stop = off + (int) p.currentLocation().getByteOffset();
                                decodeOne(rec, b, start, stop - start, false, out);
                                return;
                            }
                        }
                        p.skipChildren();
                    }
                } else if ("protoPayload".equals(field) && t == JsonToken.START_OBJECT) {
                    String method = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = p.currentName();
                        JsonToken it = p.nextToken();
                        if ("methodName".equals(inner) && it == JsonToken.VALUE_STRING) {
                            method = p.getText();
                        }
                        p.skipChildren();
                    }
                    if (method != null && isGkeWorkloadWrite(method)) {
                        out.deadLetter(dead(rec, b, off, len, len, "unsupported-envelope",
                                "GKE Cloud Audit record for " + AuditEventParser.bounded(method) + ": this format is not mapped yet"));
                    } else {
                        out.filtered("envelope-irrelevant");
                    }
                    return;
                } else {
                    p.skipChildren();
                }
            }
            out.deadLetter(dead(rec, b, off, len, len, "unknown-format", "neither an audit Event nor a known envelope"));
        } catch (IOException | RuntimeException e) {
            out.deadLetter(dead(rec, b, off, len, len, "malformed-json", String.valueOf(e.getMessage())));
        }
    }

    private static boolean isGkeWorkloadWrite(String method) {
        // e.g. io.k8s.batch.v1.cronjobs.create, io.k8s.core.v1.pods.create
        boolean ours = method.contains(".cronjobs.") || method.contains(".jobs.") || method.contains(".pods.");
        boolean write = method.endsWith(".create") || method.endsWith(".update") || method.endsWith(".patch");
        return ours && write && !method.contains(".status.");
    }

    /**
     * Emits the dead letter of an event that failed after the pre-filter, and an undecodable finding when the
     * event is a relevant workload write: known from the pre-filter's verdict, or, when {@code mayBeRelevant},
     * from a lenient scan of its envelope.
     */
    private void deadLetterRelevant(RawAuditRecord rec, byte[] b, int off, int len, boolean knownRelevant,
                                    boolean mayBeRelevant, DeadLetter dl, Output out) {
        out.deadLetter(dl);
        if (!knownRelevant && !mayBeRelevant) {
            return;
        }
        EnvelopeScan scan = EnvelopeScan.of(b, off, len);
        if (knownRelevant || scan.relevantWrite()) {
            out.undecodable(scan.finding(rec.origin(), rec.position(), dl.reason(), dl.detail()));
        }
    }

    private DeadLetter dead(RawAuditRecord rec, byte[] b, int off, int len, long originalLength, String reason, String detail) {
        byte[] payload;
        if (b == null) {
            payload = new byte[0];
        } else {
            int keep = Math.min(len, cfg.deadLetterPrefixBytes());
            payload = Arrays.copyOfRange(b, off, off + keep);
        }
        return new DeadLetter(rec.origin(), rec.position(), reason, detail == null ? reason : detail, payload,
                (int) Math.min(Integer.MAX_VALUE, originalLength));
    }

    private static boolean isBlank(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return false;
            }
        }
        return true;
    }
}
