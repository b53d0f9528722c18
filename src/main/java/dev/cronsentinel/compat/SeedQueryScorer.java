package dev.cronsentinel.compat;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertIds;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.SeedRow;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import java.io.Serializable;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Evaluates one audit event the way a published seed query does, as {@code evaluate()} in {@code
 * shared/oracle/seed_queries.py} does it, and returns the query's row or null. What it reproduces:
 * <ul>
 *   <li>the filter: {@code objectRef.resource} is {@code cronjobs} or {@code jobs} and {@code verb} is
 *       {@code create}, {@code update} or {@code patch}; no stage, status or level filter;</li>
 *   <li>each flag is 1 when its pattern is found in the raw text of the top-level {@code requestObject}
 *       value: as written in the line for a stand-alone event (escapes such as {@code \u0026} and spacing
 *       kept, the last of repeated keys), as Python's {@code json.dumps} rewrites it for an item of an
 *       {@code EventList} ({@link PythonJsonWriter}); no {@code requestObject}, all flags 0;</li>
 *   <li>the query keeps the event only when the sum of the flags is above 0;</li>
 *   <li>the row's fields with Python's lookups: {@code time} is {@code stageTimestamp} when that is
 *       truthy in Python (not missing, null, "", 0, false, [] or {}), else {@code requestReceivedTimestamp};
 *       a nested lookup through something that is not an object (or a {@code sourceIPs} that is not a
 *       non-empty array) gives null; values of other JSON types are kept as JSON text (see {@link
 *       SeedRow}).</li>
 * </ul>
 * Pure Java and serializable; one instance per profile, safe to share between threads.
 */
public final class SeedQueryScorer implements Serializable {
    private static final long serialVersionUID = 1L;

    private final SeedQueryProfile profile;

    public SeedQueryScorer(SeedQueryProfile profile) {
        this.profile = profile;
    }

    public SeedQueryProfile profile() {
        return profile;
    }

    /**
     * The row for one event, or null when the query keeps none.
     *
     * @param eventJson one event's JSON, UTF-8; an {@code EventList} is not expanded here (that is {@link
     *     SeedQueryLines}'s job: passed here it is just an object without a verb)
     * @param fromEventList whether the event is an item of an {@code EventList}: its raw text is then the
     *     oracle's re-serialisation, not the bytes given. Otherwise the bytes are the line: Python
     *     whitespace around them is stripped, and they must be one JSON value as {@code json.loads} reads it.
     * @throws SkippedInputException for input the oracle skips: not UTF-8, blank, not JSON, not an object
     */
    public SeedRow evaluate(byte[] eventJson, boolean fromEventList) throws SkippedInputException {
        String text = PythonText.decodeUtf8(eventJson, 0, eventJson.length);
        if (fromEventList) {
            PythonJsonParser.Document item = PythonJsonParser.parse(text);
            if (!(item.value() instanceof Map)) {
                throw notObject(item.value());
            }
            return evaluateItem(asObject(item.value()));
        }
        String line = PythonText.strip(text);
        if (line.isEmpty()) {
            throw new SkippedInputException(SkippedInputException.BLANK, "no JSON value, only whitespace");
        }
        return evaluateLine(PythonJsonParser.parse(line));
    }

    /** A stand-alone event line, already parsed: regexes see the raw text of {@code requestObject}. */
    SeedRow evaluateLine(PythonJsonParser.Document line) throws SkippedInputException {
        if (!(line.value() instanceof Map)) {
            throw notObject(line.value());
        }
        return evaluateEvent(asObject(line.value()), line::rawText);
    }

    /** An EventList item: regexes see Python's re-serialisation of {@code requestObject}. */
    SeedRow evaluateItem(Map<String, Object> item) {
        return evaluateEvent(item, key -> item.containsKey(key) ? PythonJsonWriter.dumps(item.get(key)) : null);
    }

    private SeedRow evaluateEvent(Map<String, Object> event, Function<String, String> rawText) {
        Object resource = path(event, "objectRef", "resource");
        Object verb = event.get("verb");
        if (!("cronjobs".equals(resource) || "jobs".equals(resource))
                || !("create".equals(verb) || "update".equals(verb) || "patch".equals(verb))) {
            return null;
        }
        String rawBody = rawText.apply("requestObject");
        Map<String, Integer> flags = new LinkedHashMap<>();
        int score = 0;
        for (SeedQueryProfile.Flag flag : profile.flags()) {
            int hit = rawBody != null && flag.pattern().matcher(rawBody).find() ? 1 : 0;
            flags.put(flag.name(), hit);
            score += hit;
        }
        if (score <= 0) {
            return null;
        }
        Object stageTimestamp = event.get("stageTimestamp");
        Object time = truthy(stageTimestamp) ? stageTimestamp : event.get("requestReceivedTimestamp");
        List<String> nonString = new ArrayList<>();
        return new SeedRow(
                field("auditID", event.get("auditID"), nonString),
                field("stage", event.get("stage"), nonString),
                field("time", time, nonString),
                (String) resource,
                (String) verb,
                field("namespace", path(event, "objectRef", "namespace"), nonString),
                field("resource_name", path(event, "objectRef", "name"), nonString),
                field("user", path(event, "user", "username"), nonString),
                field("user_agent", event.get("userAgent"), nonString),
                field("source_ip", firstItem(event.get("sourceIPs")), nonString),
                Collections.unmodifiableMap(flags),
                score,
                nonString);
    }

    /** A row field: strings as they are, null as null, anything else as its JSON text (and noted). */
    private static String field(String oracleName, Object value, List<String> nonString) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        nonString.add(oracleName);
        return PythonJsonWriter.dumpsEncodable(value);
    }

    /** The oracle's {@code path(obj, k1, k2)}: null unless every step is an object that has the key. */
    private static Object path(Map<String, Object> event, String k1, String k2) {
        Object first = event.get(k1);
        if (!(first instanceof Map)) {
            return null;
        }
        return ((Map<?, ?>) first).get(k2);
    }

    /** The oracle's {@code path(event, "sourceIPs", 0)}. */
    private static Object firstItem(Object list) {
        return list instanceof List && !((List<?>) list).isEmpty() ? ((List<?>) list).get(0) : null;
    }

    /** Python's truth value of a JSON value. NaN is true, -0.0 false. */
    static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        if (v instanceof String) {
            return !((String) v).isEmpty();
        }
        if (v instanceof Long) {
            return (Long) v != 0L;
        }
        if (v instanceof BigInteger) {
            return ((BigInteger) v).signum() != 0;
        }
        if (v instanceof Double) {
            return (Double) v != 0.0;
        }
        if (v instanceof List) {
            return !((List<?>) v).isEmpty();
        }
        if (v instanceof Map) {
            return !((Map<?, ?>) v).isEmpty();
        }
        throw new IllegalArgumentException("not a value of the Python JSON model: " + v.getClass());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asObject(Object value) {
        return (Map<String, Object>) value;
    }

    static SkippedInputException notObject(Object value) {
        String type = value == null ? "null" : value instanceof List ? "array" : value instanceof String
                ? "string" : value instanceof Boolean ? "boolean" : "number";
        return new SkippedInputException(SkippedInputException.NOT_OBJECT, "not a JSON object but " + type);
    }

    /** {@link #toAlert(SeedRow, String, String)} with this scorer's profile name and version. */
    public Alert toAlert(SeedRow row) {
        return toAlert(row, profile.name(), profile.version(), profile.flagNames());
    }

    /**
     * The COMPAT alert for a row, carrying the row in {@code compat}.
     *
     * <ul>
     *   <li>{@code alertId}: {@code AlertIds.of(COMPAT, profile, version, auditID, stage, <row JSON with flags
     *       in name order>)}. The
     *       rendered row holds stage, time and flags, so the two stages of one request get two ids, while a
     *       replay of the same input gets the same ids. Two events whose rows are identical in every field
     *       share an id: an idempotent sink keeps one of them.</li>
     *   <li>{@code eventTime}/{@code timestamp}: the row's {@code time} (ISO-8601 with offset) in epoch
     *       millis / as an ISO instant; 0 and null when it is absent or not a timestamp.</li>
     *   <li>{@code signals}: one per flag that fired, weight 1, path {@code requestObject}.</li>
     *   <li>{@code score} = SuspicionScore; {@code severity}: LOW for 1, MEDIUM for 2, HIGH for 3 or more
     *       (the seed queries have no severity of their own).</li>
     *   <li>{@code responseCode} 0, {@code groups} and {@code images} empty: the row does not carry them.</li>
     * </ul>
     */
    public static Alert toAlert(SeedRow row, String profile, String version) {
        return toAlert(row, profile, version, new ArrayList<>(row.flags().keySet()));
    }

    private static Alert toAlert(SeedRow row, String profile, String version, List<String> flagOrder) {
        // Hash the row with its flags in name order: map order does not survive Flink serialisation.
        List<String> sortedFlags = new ArrayList<>(row.flags().keySet());
        Collections.sort(sortedFlags);
        String rowJson = SeedRowJson.toJson(row, sortedFlags);
        String alertId = AlertIds.of(AlertKind.COMPAT, profile, version, row.auditID(), row.stage(), rowJson);
        long eventTime = 0L;
        String timestamp = null;
        if (row.time() != null && !row.nonStringFields().contains("time")) {
            try {
                eventTime = OffsetDateTime.parse(row.time(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant().toEpochMilli();
                timestamp = java.time.Instant.ofEpochMilli(eventTime).toString();
            } catch (DateTimeParseException | ArithmeticException e) {
                // Not a timestamp: the alert keeps the row (with its time text) but no event time.
            }
        }
        List<Signal> signals = new ArrayList<>();
        for (String flag : flagOrder) {
            if (row.flags().getOrDefault(flag, 0) == 1) {
                signals.add(new Signal(flag, flag, 1, "requestObject", null));
            }
        }
        int score = row.suspicionScore();
        Severity severity = score >= 3 ? Severity.HIGH : score == 2 ? Severity.MEDIUM : Severity.LOW;
        return new Alert(
                alertId,
                AlertKind.COMPAT,
                profile,
                version,
                eventTime,
                timestamp,
                row.auditID(),
                row.user(),
                List.of(),
                row.userAgent(),
                row.sourceIp(),
                row.namespace(),
                row.resource(),
                row.resourceName(),
                row.verb(),
                0,
                List.copyOf(signals),
                score,
                severity,
                Alert.TECHNIQUE_ID,
                Alert.TACTICS,
                List.of(),
                1L,
                eventTime,
                eventTime,
                List.of(),
                null,
                row);
    }
}
