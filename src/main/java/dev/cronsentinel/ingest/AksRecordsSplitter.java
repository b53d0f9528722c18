package dev.cronsentinel.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.cronsentinel.model.EventSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * AKS control-plane logs as diagnostic settings stream them to Event Hubs (and archive them to storage):
 * {@code {"records":[{"category":"kube-audit","resourceId":"/SUBSCRIPTIONS/.../MANAGEDCLUSTERS/<name>",
 * "properties":{"log":"<Event JSON>","stream":"stdout","pod":"kube-apiserver-..."}}, ...]}}, and the single
 * record on its own. {@code properties.log} is the audit Event as a JSON string, or (some exporters) as an
 * object.
 *
 * <p>The batch is split by byte range ({@link EventListSplitter}), so one record that breaks a limit or is
 * malformed costs one dead letter and the rest are still read, as for an {@code EventList}. Records of the
 * categories {@code kube-audit} and {@code kube-audit-admin} are unwrapped; the other categories
 * ({@code kube-apiserver}, {@code guard}, {@code cluster-autoscaler}, ...) are filtered as
 * {@code aks-category}. The record's {@code resourceId} names the cluster in the event's {@link EventSource}.
 *
 * <p>Not thread-safe: one instance per decoding thread.
 */
final class AksRecordsSplitter {
    static final String ENVELOPE = "aks-event-hubs";

    private final EventListSplitter splitter = new EventListSplitter("records");
    private final JsonFactory factory;

    /** @param factory the decoder's factory, carrying its read limits; each record is read within them */
    AksRecordsSplitter(JsonFactory factory) {
        this.factory = factory;
    }

    /** Hands every record of a {@code records[]} batch (and of batches glued after it) to {@code items}. */
    void split(byte[] b, int off, int len, EnvelopeItems items) {
        int from = off;
        while (from >= 0) {
            from = EnvelopeBatches.split(splitter, b, from, off + len - from, "AKS records",
                    (index, start, stop) -> record(b, start, stop - start, "records[" + index + "]", items), items);
        }
    }

    /** One diagnostics record; {@code position} names it in its batch ({@code records[3]}), null when alone. */
    void record(byte[] b, int off, int len, String position, EnvelopeItems items) {
        String category = null;
        String resourceId = null;
        byte[] logText = null;
        int logStart = -1;
        int logEnd = -1;
        boolean logSeen = false;
        try (JsonParser p = factory.createParser(b, off, len)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if ("category".equals(field) && t == JsonToken.VALUE_STRING) {
                    category = p.getText();
                } else if ("resourceId".equals(field) && t == JsonToken.VALUE_STRING) {
                    resourceId = EnvelopeText.bounded(p.getText());
                } else if ("properties".equals(field) && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = p.currentName();
                        JsonToken it = p.nextToken();
                        if ("log".equals(inner) && !logSeen && (it == JsonToken.VALUE_STRING || it == JsonToken.START_OBJECT)) {
                            logSeen = true;
                            if (it == JsonToken.VALUE_STRING) {
                                logText = p.getText().getBytes(StandardCharsets.UTF_8);
                            } else {
                                logStart = off + (int) p.currentTokenLocation().getByteOffset();
                                p.skipChildren();
                                logEnd = off + (int) p.currentLocation().getByteOffset();
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (StreamConstraintsException e) {
            items.deadLetter(b, off, len, "limit-exceeded", where(position) + e.getOriginalMessage());
            return;
        } catch (IOException | RuntimeException e) {
            items.deadLetter(b, off, len, "malformed-json", where(position) + e.getMessage());
            return;
        }
        if (category != null && !isAuditCategory(category)) {
            items.filtered("aks-category");
            return;
        }
        if (!logSeen) {
            items.deadLetter(b, off, len, "unknown-format", where(position) + "an AKS record without properties.log");
            return;
        }
        EventSource source = new EventSource("azure", ENVELOPE, clusterName(resourceId), null, null,
                subscription(resourceId), resourceId, position);
        if (logText != null) {
            items.event(logText, 0, logText.length, source);
        } else {
            items.event(b, logStart, logEnd - logStart, source);
        }
    }

    private static boolean isAuditCategory(String category) {
        String c = category.toLowerCase(Locale.ROOT);
        return c.equals("kube-audit") || c.equals("kube-audit-admin");
    }

    /** The segment after {@code /MANAGEDCLUSTERS/} of an AKS resource ID (Azure writes it upper-case). */
    static String clusterName(String resourceId) {
        return segmentAfter(resourceId, "/managedclusters/");
    }

    /** The subscription of an Azure resource ID: ECS {@code cloud.account.id}. */
    static String subscription(String resourceId) {
        return segmentAfter(resourceId, "/subscriptions/");
    }

    private static String segmentAfter(String resourceId, String marker) {
        if (resourceId == null) {
            return null;
        }
        int at = resourceId.toLowerCase(Locale.ROOT).indexOf(marker);
        if (at < 0) {
            return null;
        }
        int start = at + marker.length();
        int end = resourceId.indexOf('/', start);
        String s = end < 0 ? resourceId.substring(start) : resourceId.substring(start, end);
        return s.isEmpty() ? null : s;
    }

    private static String where(String position) {
        return position == null ? "AKS record: " : "AKS " + position + ": ";
    }
}
