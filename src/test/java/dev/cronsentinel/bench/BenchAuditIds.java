package dev.cronsentinel.bench;

import java.nio.charset.StandardCharsets;

/**
 * The audit ID of a generated audit event, read from its bytes without a JSON parser (the generator writes
 * {@code "auditID":"<uuid>"} near the start of every event), and the partition it goes to.
 *
 * <p>Inputs are partitioned by audit ID, as a webhook-to-Kafka bridge keyed by audit ID does: both stages of a
 * request land in the same partition, in order. Dealing events round-robin instead would put every
 * {@code RequestReceived} in one partition and every {@code ResponseComplete} in the other (each request has
 * exactly two events); the decoder drops the first stage, so one source subtask would never emit an event,
 * and the watermark, assigned after decoding, would stand still until that subtask is declared idle.
 */
final class BenchAuditIds {
    private static final byte[] FIELD = "\"auditID\":\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RESPONSE_COMPLETE = "\"stage\":\"ResponseComplete\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CREATE = "\"verb\":\"create\"".getBytes(StandardCharsets.UTF_8);

    private BenchAuditIds() {}

    /**
     * True for the {@code ResponseComplete} record of a create: the one record of a workload request the job
     * scores (every create the generator writes is a workload create; the irrelevant traffic has other verbs).
     */
    static boolean isCreateResponse(byte[] event) {
        return indexOf(event, RESPONSE_COMPLETE) >= 0 && indexOf(event, CREATE) >= 0;
    }

    static String of(byte[] event) {
        int i = indexOf(event, FIELD);
        if (i >= 0) {
            int from = i + FIELD.length;
            int to = from;
            while (to < event.length && event[to] != '"') {
                to++;
            }
            return new String(event, from, to - from, StandardCharsets.UTF_8);
        }
        throw new IllegalStateException("generated event without an auditID: "
                + new String(event, 0, Math.min(200, event.length), StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static int partition(String auditId, int partitions) {
        return Math.floorMod(auditId.hashCode(), partitions);
    }
}
