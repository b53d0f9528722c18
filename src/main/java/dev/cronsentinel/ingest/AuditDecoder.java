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
import dev.cronsentinel.model.EventSource;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.model.RbacGrant;
import dev.cronsentinel.model.UndecodableEvent;
import dev.cronsentinel.model.WorkloadEvent;
import java.io.IOException;
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
 *   <li>managed clusters' envelopes are unwrapped: gzip and base64 gzip bodies ({@link CompressedPayloads}),
 *       GKE Cloud Audit Logs entries ({@link GkeAuditLogMapper}), AKS {@code records[]} batches and single
 *       records ({@link AksRecordsSplitter}), EKS CloudWatch Logs deliveries ({@link CloudWatchLogsSplitter});
 *       each event inside starts again at step 2, with every limit, and carries its {@link EventSource};</li>
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

        /**
         * One subject of an accepted RBAC binding write (issue 19 item 1). Outputs that do not route grants (the
         * decode benchmark, pure workload tests) count them as filtered.
         */
        default void grant(RbacGrant grant) {
            filtered("rbac-grant");
        }
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
    private final RbacGrantParser rbac;
    private final AksRecordsSplitter aks;
    private final CloudWatchLogsSplitter cloudWatch;
    /** The envelope entry being decoded, null outside one: events and dead letters name it. */
    private EventSource source;

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
        this.rbac = new RbacGrantParser(cfg);
        this.aks = new AksRecordsSplitter(factory);
        this.cloudWatch = new CloudWatchLogsSplitter(factory);
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
        if (CompressedPayloads.isCompressed(bytes)) {
            decodeCompressed(record, bytes, out);
            return;
        }
        decodeOne(record, bytes, 0, bytes.length, true, out);
    }

    /** A gzip or base64 gzip record (a CloudWatch Logs delivery through Kinesis): inflated within the record limit. */
    private void decodeCompressed(RawAuditRecord record, byte[] bytes, Output out) {
        byte[] inflated;
        try {
            inflated = CompressedPayloads.inflate(bytes, cfg.maxRecordBytes());
        } catch (CompressedPayloads.TooLarge e) {
            out.deadLetter(dead(record, bytes, 0, bytes.length, bytes.length, "oversized", "compressed record " + e.getMessage()));
            return;
        } catch (IOException | RuntimeException e) {
            out.deadLetter(dead(record, bytes, 0, bytes.length, bytes.length, "malformed-compression",
                    "the record starts like gzip or base64 gzip and cannot be inflated: " + e.getMessage()));
            return;
        }
        if (isBlank(inflated, 0, inflated.length)) {
            out.deadLetter(dead(record, inflated, 0, inflated.length, inflated.length, "empty-record", "the record inflates to nothing"));
            return;
        }
        decodeOne(record, inflated, 0, inflated.length, true, out);
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
                unwrapEnvelope(preFilter.envelope(), rec, b, off, len, topLevel, out);
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
        JsonNode root = readTree(rec, b, off, len, !recheck, out);
        if (root == null) {
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
            AuditPreFilter.Envelope envelope = root.has("verb") ? AuditPreFilter.Envelope.NONE : envelopeOf(root);
            if (!root.has("verb") && envelope == AuditPreFilter.Envelope.NONE) {
                out.deadLetter(dead(rec, b, off, len, len, "not-an-audit-event", "a JSON object without a verb; expected an audit Event, an EventList or a known envelope"));
                return;
            }
            if (envelope != AuditPreFilter.Envelope.NONE) {
                unwrapEnvelope(envelope, rec, b, off, len, topLevel, out);
                return;
            }
            String why = irrelevance(root);
            if (why != null) {
                out.filtered(why);
                return;
            }
        }
        if (RbacGrantParser.isBindingEvent(root)) {
            parseGrants(rec, b, off, len, !recheck, root, out);
            return;
        }
        parseAndClassify(rec, b, off, len, !recheck, root, out);
    }

    /**
     * An RBAC binding write: its grants, never a workload event (the workload path does not see it). One the byte
     * scan kept that cannot be read is a finding too, like a workload write.
     */
    private void parseGrants(RawAuditRecord rec, byte[] b, int off, int len, boolean knownRelevant, JsonNode root, Output out) {
        RbacGrantParser.Result result;
        try {
            result = rbac.parse(root, rec.origin() + ":" + rec.position());
        } catch (BadEventException e) {
            deadLetterRelevant(rec, b, off, len, knownRelevant, false, dead(rec, b, off, len, len, e.reason(), e.getMessage()), out);
            return;
        } catch (RuntimeException e) {
            deadLetterRelevant(rec, b, off, len, knownRelevant, false,
                    dead(rec, b, off, len, len, "decoder-error", e.getClass().getSimpleName() + ": " + e.getMessage()), out);
            return;
        }
        if (result.dropReason() != null) {
            out.filtered(result.dropReason());
            return;
        }
        for (RbacGrant grant : result.grants()) {
            out.grant(grant);
        }
    }

    /**
     * The bounded tree of one object, or null when it was dead-lettered (limits, malformed, not an object). A
     * failure of a record the byte scan called relevant ({@code knownRelevant}), or that its own scan shows to be
     * a relevant write, also raises an undecodable finding.
     */
    private JsonNode readTree(RawAuditRecord rec, byte[] b, int off, int len, boolean knownRelevant, Output out) {
        JsonNode root;
        try {
            root = treeReader.read(b, off, len);
        } catch (StreamConstraintsException e) {
            deadLetterRelevant(rec, b, off, len, knownRelevant, true,
                    dead(rec, b, off, len, len, "limit-exceeded", e.getOriginalMessage()), out);
            return null;
        } catch (JsonParseException e) {
            String msg = e.getOriginalMessage();
            String reason = msg != null && msg.startsWith("Duplicate field") ? "duplicate-key" : "malformed-json";
            deadLetterRelevant(rec, b, off, len, knownRelevant, true, dead(rec, b, off, len, len, reason, msg), out);
            return null;
        } catch (IOException | RuntimeException e) {
            deadLetterRelevant(rec, b, off, len, knownRelevant, true,
                    dead(rec, b, off, len, len, "malformed-json", String.valueOf(e.getMessage())), out);
            return null;
        }
        if (root == null || !root.isObject()) {
            out.deadLetter(dead(rec, b, off, len, len, "not-an-object", "expected an audit Event object"));
            return null;
        }
        return root;
    }

    /** Parses an audit Event's tree and keeps it unless the classifier drops it. */
    private void parseAndClassify(RawAuditRecord rec, byte[] b, int off, int len, boolean knownRelevant, JsonNode root,
                                  Output out) {
        WorkloadEvent event;
        try {
            event = parser.parse(root, rec.origin() + ":" + rec.position());
        } catch (BadEventException e) {
            deadLetterRelevant(rec, b, off, len, knownRelevant, true, dead(rec, b, off, len, len, e.reason(), e.getMessage()), out);
            return;
        } catch (RuntimeException e) {
            // Defensive: a parser bug must cost one dead letter (and its finding), never the job.
            deadLetterRelevant(rec, b, off, len, knownRelevant, true,
                    dead(rec, b, off, len, len, "decoder-error", e.getClass().getSimpleName() + ": " + e.getMessage()), out);
            return;
        }
        if (source != null) {
            event = event.withSource(source);
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

    /** The envelope a parsed tree is, for records the byte scanner left to the parser. */
    private static AuditPreFilter.Envelope envelopeOf(JsonNode root) {
        if (root.has("protoPayload")) {
            return AuditPreFilter.Envelope.GKE;
        }
        if (root.has("records")) {
            return AuditPreFilter.Envelope.AKS_RECORDS;
        }
        if (root.has("logEvents") || root.has("messageType")) {
            return AuditPreFilter.Envelope.EKS;
        }
        return root.has("properties") ? AuditPreFilter.Envelope.AKS_RECORD : AuditPreFilter.Envelope.NONE;
    }

    /** The relevance test on a parsed tree, for events the byte scanner could not judge. */
    private static String irrelevance(JsonNode root) {
        JsonNode verb = root.get("verb");
        JsonNode objectRef = root.get("objectRef");
        if (verb == null || !verb.isTextual()) {
            return null; // let the parser report the wrong type
        }
        String v = verb.textValue();
        boolean delete = v.equals("delete");
        if (!(v.equals("create") || v.equals("update") || v.equals("patch") || delete)) {
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
            if (!(r.equals("cronjobs") || r.equals("jobs") || r.equals("pods") || RbacGrantParser.isBinding(r))) {
                return "resource";
            }
            if (delete && (r.equals("pods") || RbacGrantParser.isBinding(r))) {
                return "verb"; // only CronJob and Job deletes are kept (AuditPreFilter)
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
     * Unwraps a managed cluster's envelope. Only at top level (or inside a compressed record): an envelope
     * inside an EventList or inside another envelope is dead-lettered, as a nested EventList is.
     */
    private void unwrapEnvelope(AuditPreFilter.Envelope envelope, RawAuditRecord rec, byte[] b, int off, int len,
            boolean topLevel, Output out) {
        if (!topLevel) {
            out.deadLetter(dead(rec, b, off, len, len, "nested-envelope", "an envelope inside an EventList or an envelope"));
            return;
        }
        EnvelopeItems items = envelopeItems(rec, out);
        switch (envelope) {
            case GKE:
                decodeGke(rec, b, off, len, out);
                return;
            case AKS_RECORDS:
                aks.split(b, off, len, items);
                return;
            case AKS_RECORD:
                aks.record(b, off, len, null, items);
                return;
            case EKS:
                cloudWatch.split(b, off, len, items);
                return;
            default:
                out.deadLetter(dead(rec, b, off, len, len, "unknown-format", "neither an audit Event nor a known envelope"));
        }
    }

    /** Each event inside an envelope is decoded like a line of its own, naming where it came from. */
    private EnvelopeItems envelopeItems(RawAuditRecord rec, Output out) {
        return new EnvelopeItems() {
            @Override
            public void event(byte[] eb, int eoff, int elen, EventSource from) {
                source = from;
                try {
                    if (isBlank(eb, eoff, elen)) {
                        out.deadLetter(dead(rec, eb, eoff, elen, elen, "empty-record", "the envelope's event is blank"));
                    } else {
                        decodeOne(rec, eb, eoff, elen, false, out);
                    }
                } finally {
                    source = null;
                }
            }

            @Override
            public void filtered(String reason) {
                out.filtered(reason);
            }

            @Override
            public void deadLetter(byte[] db, int doff, int dlen, String reason, String detail) {
                out.deadLetter(dead(rec, db, doff, dlen, dlen, reason, detail));
            }
        };
    }

    /**
     * A GKE Cloud Audit Logs entry the pre-filter found relevant (or could not judge): read whole, checked
     * again on its method, mapped to the audit Event it records and parsed like one.
     */
    private void decodeGke(RawAuditRecord rec, byte[] b, int off, int len, Output out) {
        if (len > cfg.maxEventBytes()) {
            out.deadLetter(dead(rec, b, off, len, len, "oversized",
                    "event of " + len + " bytes exceeds ingest.max-event-bytes=" + cfg.maxEventBytes()));
            return;
        }
        // The byte scan has read a relevant Kubernetes method in it: a failure from here on is a finding too.
        JsonNode entry = readTree(rec, b, off, len, true, out);
        if (entry == null) {
            return;
        }
        JsonNode methodName = entry.path("protoPayload").path("methodName");
        if (methodName.isTextual()) {
            GkeMethod method = GkeMethod.parse(methodName.textValue());
            String why = method == null ? "gke-method" : method.irrelevance();
            if (why != null) {
                out.filtered(why);
                return;
            }
        }
        source = GkeAuditLogMapper.source(entry);
        try {
            JsonNode event;
            try {
                event = GkeAuditLogMapper.toAuditEvent(entry);
            } catch (BadEventException e) {
                out.deadLetter(dead(rec, b, off, len, len, e.reason(), e.getMessage()));
                return;
            }
            parseAndClassify(rec, b, off, len, true, event, out);
        } finally {
            source = null;
        }
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
        String why = detail == null ? reason : detail;
        if (source != null) {
            // A CloudWatch id is 56 digits; a longer position is the input's doing and is cut.
            String at = source.position() == null ? "" : " " + source.position().substring(0, Math.min(64, source.position().length()));
            why = source.envelope() + at + ": " + why;
        }
        return new DeadLetter(rec.origin(), rec.position(), reason, why, payload,
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
