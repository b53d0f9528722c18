package dev.cronsentinel.model;

/**
 * A relevant workload write (create/update/patch of a CronJob, Job or Pod, by the byte scan) that could not
 * be decoded: too large, malformed, past a limit, or of a type the API server would not have stored. It
 * becomes an {@link AlertKind#UNDECODABLE} alert besides its dead letter, so breaking the parser never
 * switches the detector off for that event.
 *
 * <p>Every field but {@code origin}, {@code position} and {@code reason} is what a lenient scan of the raw
 * bytes could read of the envelope, and is null (or -1 for times and 0 for the code) when it could not.
 *
 * @param reason the dead letter's reason, e.g. {@code oversized}, {@code limit-exceeded}
 * @param detail the dead letter's detail
 * @param eventTime epoch millis of {@code stageTimestamp} (else {@code requestReceivedTimestamp}), -1 when
 *     neither could be read
 */
public record UndecodableEvent(
        String origin,
        long position,
        String reason,
        String detail,
        String auditId,
        String verb,
        String resource,
        String namespace,
        String name,
        String username,
        String sourceIp,
        String userAgent,
        int responseCode,
        long eventTime) {}
