package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.loadgen.AuditTrafficGenerator;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.HostileInputs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pruned tree leaves out only what the parser never reads: every event of the real captures, fixtures,
 * sample log and generated traffic parses to the same {@link WorkloadEvent} (or the same refusal) from the
 * pruned tree as from a full Jackson tree; and what is left out is still checked for syntax and duplicates.
 */
class PrunedTreeReaderTest {
    private final JsonFactory factory = JsonFactory.builder().build();
    private final ObjectMapper mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final PrunedTreeReader reader = new PrunedTreeReader(factory, 64);
    private final AuditEventParser parser = new AuditEventParser(reader);

    @Test
    void parsesEveryKnownEventExactlyAsTheFullTreeDoes() throws Exception {
        List<byte[]> lines = new ArrayList<>();
        for (HostileInputs.Seed s : HostileInputs.loadSeeds()) {
            lines.add(s.raw());
        }
        AuditTrafficGenerator gen = new AuditTrafficGenerator(5, AuditTrafficGenerator.Mix.relevantOnly());
        for (int i = 0; i < 2_000; i++) {
            lines.add(gen.next());
        }
        int compared = 0;
        int pruned = 0;
        for (byte[] line : lines) {
            JsonNode full;
            try {
                full = mapper.readTree(line);
            } catch (Exception e) {
                continue; // malformed lines are compared below, by refusal
            }
            if (full == null || !full.isObject() || "EventList".equals(full.path("kind").asText())) {
                continue; // batches are split by bytes before this reader sees their items
            }
            JsonNode tree;
            try {
                tree = reader.read(line, 0, line.length);
            } catch (JsonParseException e) {
                // The one thing the reader refuses that a lenient full parse keeps: a key twice in the envelope.
                assertThat(e.getOriginalMessage()).startsWith("Duplicate field");
                continue;
            }
            if (!tree.equals(full)) {
                pruned++;
            }
            Object a = parseOrReason(full);
            Object b = parseOrReason(tree);
            assertThat(b).as(new String(line, 0, Math.min(line.length, 400), StandardCharsets.UTF_8)).isEqualTo(a);
            compared++;
        }
        assertThat(compared).isGreaterThan(2_000);
        // The comparison is only meaningful if the pruning happened on many of them.
        assertThat(pruned).isGreaterThan(1_000);
    }

    private Object parseOrReason(JsonNode root) {
        try {
            return parser.parse(root, "test");
        } catch (BadEventException e) {
            return e.getMessage();
        }
    }

    @Test
    void leftOutSubtreesAreStillCheckedForSyntaxAndTheEnvelopeForDuplicates() throws Exception {
        String dupEnvelope = "{\"verb\":\"create\",\"objectRef\":{\"name\":\"a\",\"name\":\"b\"}}";
        assertThatThrownBy(() -> read(dupEnvelope)).isInstanceOf(JsonParseException.class).hasMessageContaining("Duplicate field");
        // In a body the API server's decoder keeps the last of duplicate keys; so does this reader.
        String dupBody = "{\"verb\":\"create\",\"responseObject\":{\"metadata\":{\"managedFields\":[{\"a\":1,\"a\":2}]},"
                + "\"spec\":{\"x\":1,\"x\":2}}}";
        assertThat(read(dupBody).toString()).isEqualTo("{\"verb\":\"create\",\"responseObject\":{\"metadata\":{},\"spec\":{\"x\":2}}}");
        String broken = "{\"verb\":\"create\",\"responseObject\":{\"status\":{\"x\":[1,2}}}";
        assertThatThrownBy(() -> read(broken)).isInstanceOf(JsonParseException.class);
        String trailing = "{\"verb\":\"create\"} {}";
        assertThatThrownBy(() -> read(trailing)).isInstanceOf(JsonParseException.class).hasMessageContaining("Trailing");
    }

    @Test
    void keepsWhatTheParserReads() throws Exception {
        JsonNode t = read("{\"requestObject\":{\"status\":{\"a\":1},\"spec\":{\"template\":{\"x\":1}},\"metadata\":{\"name\":\"n\",\"managedFields\":[1]}},"
                + "\"responseObject\":{\"kind\":\"CronJob\",\"spec\":{\"schedule\":\"* * * * *\",\"jobTemplate\":{\"spec\":{}}},\"metadata\":{\"uid\":\"u\"}}}");
        assertThat(t.toString()).isEqualTo("{\"requestObject\":{\"spec\":{\"template\":{\"x\":1}},\"metadata\":{\"name\":\"n\"}},"
                + "\"responseObject\":{\"kind\":\"CronJob\",\"spec\":{\"schedule\":\"* * * * *\",\"jobTemplate\":{\"spec\":{}}},\"metadata\":{\"uid\":\"u\"}}}");
    }

    private JsonNode read(String json) throws Exception {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return reader.read(b, 0, b.length);
    }
}
