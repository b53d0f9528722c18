package dev.cronsentinel.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.cronsentinel.model.EventSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * EKS control-plane logs as a CloudWatch Logs subscription delivers them (to Kinesis Data Streams or
 * Firehose, and on to Kafka or S3): {@code {"messageType":"DATA_MESSAGE","owner":"<account>",
 * "logGroup":"/aws/eks/<cluster>/cluster","logStream":"kube-apiserver-audit-...","subscriptionFilters":[...],
 * "logEvents":[{"id":"<56 digits>","timestamp":<ms>,"message":"<Event JSON>"}, ...]}}. Gzip, and base64 gzip,
 * are undone before this class sees the bytes ({@link CompressedPayloads}).
 *
 * <p>{@code CONTROL_MESSAGE} deliveries (the keep-alive CloudWatch sends to check the destination) are
 * filtered by the pre-filter without reaching here. Each {@code logEvents[]} entry is split by byte range
 * ({@link EventListSplitter}) and read on its own, so one broken entry costs one dead letter. The CloudWatch
 * {@code id} is kept as the entry's position (a 56-digit number, so a string); {@code logGroup} and
 * {@code owner} name the cluster and account in the {@link EventSource}.
 *
 * <p>Not thread-safe: one instance per decoding thread.
 */
final class CloudWatchLogsSplitter {
    static final String ENVELOPE = "eks-cloudwatch-logs";
    private static final String EKS_GROUP_PREFIX = "/aws/eks/";
    private static final String CONTROL_MESSAGE = "CONTROL_MESSAGE";

    private final EventListSplitter splitter = new EventListSplitter("logEvents");
    private final JsonFactory entries;
    /** Reads the delivery's own fields and skips logEvents whole: no depth limit, the entries are limited one by one. */
    private final JsonFactory header;

    /** @param factory the decoder's factory, carrying its read limits; each entry is read within them */
    CloudWatchLogsSplitter(JsonFactory factory) {
        this.entries = factory;
        StreamReadConstraints limits = factory.streamReadConstraints();
        this.header = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(Integer.MAX_VALUE)
                .maxStringLength(limits.getMaxStringLength())
                .maxDocumentLength(limits.getMaxDocumentLength())
                .build()).build();
    }

    /**
     * Hands every log event of a delivery to {@code items}. Deliveries glued one after the other (a Firehose S3
     * object: gzip members of one delivery each, which inflate to {@code {...}{...}}) are read one by one.
     */
    void split(byte[] b, int off, int len, EnvelopeItems items) {
        int from = off;
        int end = off + len;
        while (true) {
            int next = splitOne(b, from, end - from, items);
            if (next < 0) {
                return;
            }
            from = next;
        }
    }

    /** One delivery; returns where a delivery glued after it starts, or -1. */
    private int splitOne(byte[] b, int off, int len, EnvelopeItems items) {
        String[] messageType = new String[1];
        EventSource delivery = delivery(b, off, len, messageType);
        boolean control = CONTROL_MESSAGE.equals(messageType[0]);
        if (control) {
            // Written with its fields in another order than CloudWatch's, or glued after a delivery: the byte
            // scanner did not see it first. Its one entry is CloudWatch's own text.
            items.filtered("eks-control-message");
        }
        return EnvelopeBatches.split(splitter, b, off, len, "CloudWatch logEvents", (index, start, stop) -> {
            if (!control) {
                logEvent(b, start, stop - start, index, delivery, items);
            }
        }, items);
    }

    /** The delivery's source (and its {@code messageType}): what its fields say, up to where they can be read. */
    private EventSource delivery(byte[] b, int off, int len, String[] messageType) {
        String owner = null;
        String logGroup = null;
        try (JsonParser p = header.createParser(b, off, len)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if ("messageType".equals(field) && t == JsonToken.VALUE_STRING) {
                    messageType[0] = p.getText();
                } else if ("owner".equals(field) && t == JsonToken.VALUE_STRING) {
                    owner = EnvelopeText.bounded(p.getText());
                } else if ("logGroup".equals(field) && t == JsonToken.VALUE_STRING) {
                    logGroup = EnvelopeText.bounded(p.getText());
                } else if ("logEvents".equals(field) && messageType[0] != null && owner != null && logGroup != null) {
                    // CloudWatch writes its own fields first: the entries need not be tokenised twice.
                    break;
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            // The entries are split and judged on their own; a broken delivery names what it could.
        }
        return new EventSource("aws", ENVELOPE, clusterName(logGroup), null, null, owner, logGroup, null);
    }

    private void logEvent(byte[] b, int off, int len, int index, EventSource delivery, EnvelopeItems items) {
        String id = null;
        String message = null;
        boolean wrongType = false;
        try (JsonParser p = entries.createParser(b, off, len)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if ("id".equals(field) && (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT)) {
                    id = EnvelopeText.bounded(p.getText());
                } else if ("message".equals(field)) {
                    if (t == JsonToken.VALUE_STRING) {
                        message = p.getText();
                    } else {
                        wrongType = true;
                        p.skipChildren();
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (StreamConstraintsException e) {
            items.deadLetter(b, off, len, "limit-exceeded", "CloudWatch logEvents[" + index + "]: " + e.getOriginalMessage());
            return;
        } catch (IOException | RuntimeException e) {
            items.deadLetter(b, off, len, "malformed-json", "CloudWatch logEvents[" + index + "]: " + e.getMessage());
            return;
        }
        String position = id != null ? id : "logEvents[" + index + "]";
        if (message == null) {
            items.deadLetter(b, off, len, wrongType ? "wrong-type" : "missing-field",
                    "CloudWatch logEvents[" + index + "] " + (wrongType ? "message is not a string" : "has no message"));
            return;
        }
        byte[] event = message.getBytes(StandardCharsets.UTF_8);
        items.event(event, 0, event.length, delivery.at(position));
    }

    /** {@code /aws/eks/<cluster>/cluster}, the log group EKS writes to: the cluster's name. */
    static String clusterName(String logGroup) {
        if (logGroup == null || !logGroup.startsWith(EKS_GROUP_PREFIX)) {
            return null;
        }
        int end = logGroup.indexOf('/', EKS_GROUP_PREFIX.length());
        String name = end < 0 ? logGroup.substring(EKS_GROUP_PREFIX.length()) : logGroup.substring(EKS_GROUP_PREFIX.length(), end);
        return name.isEmpty() ? null : name;
    }
}
