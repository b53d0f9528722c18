package dev.cronsentinel.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IndexTemplateTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void alertTemplateTargetsExactlyTheConfiguredIndexWithEcsTypes() throws IOException {
        IndexTemplate t = IndexTemplate.forIndex(IndexTemplate.ALERTS_RESOURCE, "soc-alerts");
        JsonNode body = MAPPER.readTree(t.body());
        assertThat(t.name()).isEqualTo("soc-alerts");
        assertThat(t.version()).isPositive();
        assertThat(body.path("index_patterns")).extracting(JsonNode::asText).containsExactly("soc-alerts");
        JsonNode props = body.path("template").path("mappings").path("properties");
        assertThat(props.path("@timestamp").path("type").asText()).isEqualTo("date");
        assertThat(props.path("source").path("properties").path("ip").path("type").asText()).isEqualTo("ip");
        assertThat(props.path("event").path("properties").path("severity").path("type").asText()).isEqualTo("long");
        assertThat(props.path("cronsentinel").path("properties").path("signals").path("type").asText()).isEqualTo("nested");
        assertThat(body.path("template").path("mappings").path("dynamic").asBoolean(true)).isFalse();
    }

    @Test
    void everyFieldTheDocumentWritesIsMapped() throws IOException {
        JsonNode props = MAPPER.readTree(IndexTemplate.forIndex(IndexTemplate.ALERTS_RESOURCE, "a").body())
                .path("template").path("mappings");
        JsonNode doc = MAPPER.readTree(EcsAlertDocument.toJson(AlertFixtures.escalation("r", 2)));
        assertMapped("", doc, props);
        JsonNode shortened = MAPPER.readTree(EcsAlertDocument.toJsonWithin(AlertFixtures.escalation("r", 300), 20_000));
        assertMapped("", shortened, props);
    }

    @Test
    void everyFieldOfADeadLetterIsMappedExceptThePayload() throws IOException {
        JsonNode mapping = MAPPER.readTree(IndexTemplate.forIndex(IndexTemplate.DEAD_LETTERS_RESOURCE, "d").body())
                .path("template").path("mappings");
        JsonNode doc = MAPPER.readTree(DeadLetterDocument.toJson(
                new dev.cronsentinel.model.DeadLetter("o", 1, "r", "d", new byte[] {'x'}, 1), 0));
        ((com.fasterxml.jackson.databind.node.ObjectNode) doc.path("cronsentinel").path("dead_letter")).remove("payload");
        assertMapped("", doc, mapping);
    }

    @Test
    void readsTheInstalledVersion() {
        String get = "{\"index_templates\":[{\"name\":\"t1\",\"index_template\":{\"index_patterns\":[\"a\"],\"version\":3}}]}";
        assertThat(IndexTemplate.installedVersion(get.getBytes(StandardCharsets.UTF_8))).isEqualTo(3);
        assertThat(IndexTemplate.installedVersion("{\"index_templates\":[]}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(IndexTemplate.installedVersion("garbage".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }

    /** Walks the document: each leaf must have a typed mapping (a flattened field covers everything under it). */
    private static void assertMapped(String path, JsonNode node, JsonNode mapping) {
        if (node.isObject()) {
            if ("flattened".equals(mapping.path("type").asText())) {
                return;
            }
            node.fields().forEachRemaining(e -> {
                JsonNode child = mapping.path("properties").path(e.getKey());
                assertThat(child.isMissingNode()).as("mapping for %s%s", path, e.getKey()).isFalse();
                assertMapped(path + e.getKey() + ".", e.getValue(), child);
            });
        } else if (node.isArray()) {
            node.forEach(item -> assertMapped(path, item, mapping));
        } else {
            assertThat(mapping.path("type").asText()).as("type of %s", path).isNotEmpty();
        }
    }
}
