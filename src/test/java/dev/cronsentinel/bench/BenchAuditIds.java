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

    private BenchAuditIds() {}

    static String of(byte[] event) {
        outer:
        for (int i = 0; i + FIELD.length < event.length; i++) {
            for (int j = 0; j < FIELD.length; j++) {
                if (event[i + j] != FIELD[j]) {
                    continue outer;
                }
            }
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

    static int partition(String auditId, int partitions) {
        return Math.floorMod(auditId.hashCode(), partitions);
    }
}
