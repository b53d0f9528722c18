package dev.cronsentinel.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.model.DeadLetter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeadLetterDocumentTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static DeadLetter letter(byte[] payload) {
        return new DeadLetter("audit.log", 42, "malformed-json", "unexpected end of input", payload, 1000);
    }

    @Test
    void isAnEcsPipelineError() throws IOException {
        DeadLetter d = letter("{\"kind\":\"Event\"".getBytes(StandardCharsets.UTF_8));
        JsonNode doc = MAPPER.readTree(DeadLetterDocument.toJson(d, 0L));
        assertThat(doc.path("@timestamp").asText()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(doc.path("event").path("kind").asText()).isEqualTo("pipeline_error");
        assertThat(doc.path("event").path("id").asText()).isEqualTo(DeadLetterDocument.id(d));
        assertThat(doc.path("error").path("type").asText()).isEqualTo("malformed-json");
        assertThat(doc.path("error").path("message").asText()).isEqualTo("unexpected end of input");
        JsonNode dl = doc.path("cronsentinel").path("dead_letter");
        assertThat(dl.path("origin").asText()).isEqualTo("audit.log");
        assertThat(dl.path("position").asLong()).isEqualTo(42);
        assertThat(dl.path("payload_length").asInt()).isEqualTo(1000);
        assertThat(dl.path("payload_encoding").asText()).isEqualTo("utf-8");
        assertThat(dl.path("payload").asText()).isEqualTo("{\"kind\":\"Event\"");
    }

    @Test
    void bytesThatAreNotUtf8AreKeptAsBase64() throws IOException {
        byte[] raw = {(byte) 0xff, (byte) 0xfe, 0x00, 0x41};
        JsonNode dl = MAPPER.readTree(DeadLetterDocument.toJson(letter(raw), 0L)).path("cronsentinel").path("dead_letter");
        assertThat(dl.path("payload_encoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(dl.path("payload").asText())).isEqualTo(raw);
    }

    @Test
    void idIsStableAndTellsDifferentPayloadsApart() {
        DeadLetter a = letter(new byte[] {1, 2, 3});
        assertThat(DeadLetterDocument.id(a)).isEqualTo(DeadLetterDocument.id(letter(new byte[] {1, 2, 3})));
        assertThat(DeadLetterDocument.id(a)).isNotEqualTo(DeadLetterDocument.id(letter(new byte[] {1, 2, 4})));
        assertThat(DeadLetterDocument.id(a)).startsWith("dl-").hasSize(27);
        assertThat(DeadLetterDocument.id(new DeadLetter(null, -1, null, null, null, 0))).startsWith("dl-");
    }

    @Test
    void converterCutsAPayloadTooLargeForOneDocument() throws IOException {
        byte[] big = "a".repeat(50_000).getBytes(StandardCharsets.UTF_8);
        DeadLetter d = new DeadLetter("k-0", 7, "oversized", "too big", big, big.length);
        BulkAction action = new DeadLetterBulkActionConverter(8192).apply(d, null);

        assertThat(action.document().length).isLessThanOrEqualTo(8192);
        assertThat(action.id()).isEqualTo(DeadLetterDocument.id(d));
        JsonNode dl = MAPPER.readTree(action.document()).path("cronsentinel").path("dead_letter");
        assertThat(dl.path("payload_length").asInt()).isEqualTo(50_000);
        assertThat(dl.path("payload").asText()).isNotEmpty().hasSizeLessThan(8192);
    }
}
