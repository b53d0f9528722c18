package dev.cronsentinel.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cronsentinel.model.DeadLetter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A dead letter as one JSON line for the local sinks. The payload is written as text when it is valid
 * UTF-8 ({@code payload}), otherwise base64 ({@code payloadBase64}), so the exact bytes can always be
 * recovered; {@code payloadTruncated} says whether only a prefix was kept.
 */
public final class DeadLetterJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetterJson() {}

    public static String toJson(DeadLetter d) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("kind", "dead-letter");
        n.put("origin", d.origin());
        n.put("position", d.position());
        n.put("reason", d.reason());
        n.put("detail", d.detail());
        n.put("payloadLength", d.payloadLength());
        byte[] p = d.payload() == null ? new byte[0] : d.payload();
        n.put("payloadTruncated", p.length < d.payloadLength());
        String text = strictUtf8(p);
        if (text != null) {
            n.put("payload", text);
        } else {
            n.put("payloadBase64", Base64.getEncoder().encodeToString(p));
        }
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes as text when they are valid UTF-8, else null (then a dead letter carries them as base64). */
    public static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
