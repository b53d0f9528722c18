package dev.cronsentinel.sink.elasticsearch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.sink.DeadLetterJson;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;

/**
 * Maps a {@link DeadLetter} to an ECS document with {@code event.kind: pipeline_error}, the ECS value for "this
 * could not be ingested". The reason becomes {@code error.type} and the detail {@code error.message}, so Kibana
 * can count dead letters by reason. The payload is kept verbatim in {@code _source} (UTF-8 text when it is valid
 * UTF-8, else base64) but left unindexed: it is whatever failed, and indexing it could fail again.
 */
public final class DeadLetterDocument {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetterDocument() {}

    /**
     * The document id: a hash over origin, position, reason and payload, so the same dead letter recorded again
     * (a replay, or a retry after the dead-letter write itself failed) overwrites instead of duplicating.
     */
    public static String id(DeadLetter d) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
        sha.update(String.valueOf(d.origin()).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(Long.toString(d.position()).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(String.valueOf(d.reason()).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        if (d.payload() != null) {
            sha.update(d.payload());
        }
        byte[] h = sha.digest();
        StringBuilder sb = new StringBuilder("dl-");
        for (int i = 0; i < 12; i++) {
            sb.append(Character.forDigit((h[i] >> 4) & 0xf, 16)).append(Character.forDigit(h[i] & 0xf, 16));
        }
        return sb.toString();
    }

    /** The document as UTF-8 JSON; {@code recordedAt} (epoch millis) becomes {@code @timestamp}. */
    public static byte[] toJson(DeadLetter d, long recordedAt) {
        ObjectNode doc = MAPPER.createObjectNode();
        doc.put("@timestamp", Instant.ofEpochMilli(recordedAt).toString());
        doc.put("message", "dead letter from " + d.origin() + " at " + d.position() + ": " + d.reason());
        doc.putObject("ecs").put("version", EcsAlertDocument.ECS_VERSION);
        ObjectNode event = doc.putObject("event");
        event.put("kind", "pipeline_error");
        event.put("dataset", "cronsentinel.dead_letter");
        event.put("id", id(d));
        ObjectNode error = doc.putObject("error");
        if (d.reason() != null) {
            error.put("type", d.reason());
        }
        if (d.detail() != null) {
            error.put("message", d.detail());
        }
        ObjectNode dl = doc.putObject("cronsentinel").putObject("dead_letter");
        if (d.origin() != null) {
            dl.put("origin", d.origin());
        }
        dl.put("position", d.position());
        if (d.reason() != null) {
            dl.put("reason", d.reason());
        }
        dl.put("payload_length", d.payloadLength());
        if (d.payload() != null) {
            String text = DeadLetterJson.strictUtf8(d.payload());
            dl.put("payload_encoding", text != null ? "utf-8" : "base64");
            dl.put("payload", text != null ? text : Base64.getEncoder().encodeToString(d.payload()));
        }
        try {
            return MAPPER.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
