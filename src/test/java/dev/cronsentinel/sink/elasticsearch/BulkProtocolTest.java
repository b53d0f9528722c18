package dev.cronsentinel.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.sink.elasticsearch.BulkProtocol.Disposition;
import dev.cronsentinel.sink.elasticsearch.BulkProtocol.ItemResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BulkProtocolTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A response an Elasticsearch 8.19 node returned for three versioned index actions, with BULK_PATH's filter_path. */
    private static final String REAL_RESPONSE = "{\"errors\":true,\"items\":["
            + "{\"index\":{\"_id\":\"a1\",\"status\":201}},"
            + "{\"index\":{\"_id\":\"a1\",\"status\":409,\"error\":{\"type\":\"version_conflict_engine_exception\","
            + "\"reason\":\"[a1]: version conflict, current version [2] is higher than the one provided [1]\"}}},"
            + "{\"index\":{\"_id\":\"a2\",\"status\":400,\"error\":{\"type\":\"document_parsing_exception\","
            + "\"reason\":\"[1:53] failed to parse field [source.ip] of type [ip] in document with id 'a2'. "
            + "Preview of field's value: 'not-an-ip'\"}}}]}";

    @Test
    void bodyIsOneActionLineAndOneDocumentLinePerAction() throws IOException {
        byte[] body = BulkProtocol.body("cronsentinel-alerts", List.of(
                BulkAction.index("cs-workload-1", 3, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
                BulkAction.index("dl-\"quoted\"", BulkAction.NO_VERSION, "{\"b\":2}".getBytes(StandardCharsets.UTF_8))));
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        String[] lines = text.split("\n");
        assertThat(lines).hasSize(4);

        JsonNode first = MAPPER.readTree(lines[0]).path("index");
        assertThat(first.path("_index").asText()).isEqualTo("cronsentinel-alerts");
        assertThat(first.path("_id").asText()).isEqualTo("cs-workload-1");
        assertThat(first.path("version").asLong()).isEqualTo(3);
        assertThat(first.path("version_type").asText()).isEqualTo("external_gte");
        assertThat(lines[1]).isEqualTo("{\"a\":1}");

        JsonNode second = MAPPER.readTree(lines[2]).path("index");
        assertThat(second.path("_id").asText()).isEqualTo("dl-\"quoted\"");
        assertThat(second.has("version")).isFalse();
        assertThat(second.has("version_type")).isFalse();
        assertThat(lines[3]).isEqualTo("{\"b\":2}");
    }

    @Test
    void readsItemsInRequestOrder() throws IOException {
        List<ItemResult> items = BulkProtocol.parseItems(REAL_RESPONSE.getBytes(StandardCharsets.UTF_8), 3);
        assertThat(items).extracting(ItemResult::status).containsExactly(201, 409, 400);
        assertThat(items.get(0).errorType()).isNull();
        assertThat(items.get(1).errorType()).isEqualTo("version_conflict_engine_exception");
        assertThat(items.get(2).errorType()).isEqualTo("document_parsing_exception");
        assertThat(items.get(2).errorReason()).contains("source.ip");

        assertThat(items).extracting(BulkProtocol::classify)
                .containsExactly(Disposition.DONE, Disposition.STALE, Disposition.REJECT);
    }

    @Test
    void refusesAResponseThatDoesNotMatchTheRequest() {
        byte[] body = REAL_RESPONSE.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BulkProtocol.parseItems(body, 2)).isInstanceOf(IOException.class)
                .hasMessageContaining("3 items for 2 actions");
        assertThatThrownBy(() -> BulkProtocol.parseItems("<html>proxy</html>".getBytes(StandardCharsets.UTF_8), 1))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> BulkProtocol.parseItems("{\"took\":1}".getBytes(StandardCharsets.UTF_8), 1))
                .isInstanceOf(IOException.class).hasMessageContaining("not a bulk response");
        assertThatThrownBy(() -> BulkProtocol.parseItems("{\"items\":[{\"index\":{}}]}".getBytes(StandardCharsets.UTF_8), 1))
                .isInstanceOf(IOException.class).hasMessageContaining("without a status");
    }

    @Test
    void classifiesItemStatuses() {
        assertThat(BulkProtocol.classify(new ItemResult(200, null, null))).isEqualTo(Disposition.DONE);
        assertThat(BulkProtocol.classify(new ItemResult(201, null, null))).isEqualTo(Disposition.DONE);
        assertThat(BulkProtocol.classify(new ItemResult(409, "version_conflict_engine_exception", "x"))).isEqualTo(Disposition.STALE);
        assertThat(BulkProtocol.classify(new ItemResult(409, "other", "x"))).isEqualTo(Disposition.REJECT);
        assertThat(BulkProtocol.classify(new ItemResult(429, "es_rejected_execution_exception", "x"))).isEqualTo(Disposition.RETRY);
        assertThat(BulkProtocol.classify(new ItemResult(503, "unavailable_shards_exception", "x"))).isEqualTo(Disposition.RETRY);
        assertThat(BulkProtocol.classify(new ItemResult(500, "x", "x"))).isEqualTo(Disposition.RETRY);
        assertThat(BulkProtocol.classify(new ItemResult(400, "mapper_parsing_exception", "x"))).isEqualTo(Disposition.REJECT);
        assertThat(BulkProtocol.classify(new ItemResult(404, "index_not_found_exception", "x"))).isEqualTo(Disposition.REJECT);
    }

    @Test
    void wholeRequestFailuresAreRetryableOnlyWhenTransient() {
        assertThat(ElasticsearchSinkException.forStatus("_bulk", 429, null).retryable()).isTrue();
        assertThat(ElasticsearchSinkException.forStatus("_bulk", 502, null).retryable()).isTrue();
        assertThat(ElasticsearchSinkException.forStatus("_bulk", 503, null).retryable()).isTrue();
        assertThat(ElasticsearchSinkException.forStatus("_bulk", 401, null).retryable()).isFalse();
        assertThat(ElasticsearchSinkException.forStatus("_bulk", 401, null).getMessage()).contains("output.elasticsearch.auth.*");
        assertThat(ElasticsearchSinkException.forStatus("_bulk", 413, null).getMessage()).contains("bulk.max-bytes");
        assertThat(ElasticsearchSinkException.forStatus("_bulk", 404, "{\"error\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .satisfies(e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("output.elasticsearch.endpoints");
    }
}
