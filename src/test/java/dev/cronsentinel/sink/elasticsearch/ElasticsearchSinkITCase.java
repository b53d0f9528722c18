package dev.cronsentinel.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.testing.ElasticsearchNode;
import dev.cronsentinel.testing.Pipelines;
import dev.cronsentinel.testing.SharedElasticsearch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink against a real Elasticsearch 8.19 node (see {@link ElasticsearchNode} for why that node and how it
 * runs), in a Flink MiniCluster at parallelism 2: documents land with the template's ECS types, an escalation
 * updates its own document while an older emission cannot overwrite it, and documents the index refuses go to
 * the dead-letter index while the job carries on. Each test writes to its own index.
 */
class ElasticsearchSinkITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    @RegisterExtension
    static final SharedElasticsearch ES = new SharedElasticsearch();

    private static <T> void run(List<T> elements, Class<T> type, Sink<T> sink, int parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Pipelines.flinkConfig());
        env.setParallelism(parallelism);
        env.fromData(elements, org.apache.flink.api.common.typeinfo.TypeInformation.of(type))
                .sinkTo(sink).uid("es-sink").name("elasticsearch");
        env.execute("elasticsearch sink test");
    }

    @Test
    void alertsLandWithTheTemplatesEcsTypes() throws Exception {
        ElasticsearchNode es = ES.node();
        String index = "it-types";
        List<Alert> alerts = List.of(
                AlertFixtures.workload("audit-1", "backup", "198.51.100.23"),
                AlertFixtures.workload("audit-2", "cleanup", "2001:db8::7"),
                AlertFixtures.workload("audit-3", "report", "not-an-address"),
                AlertFixtures.escalation("root-1", 3));
        run(alerts, Alert.class, ElasticsearchSink.forAlerts(SinkConfigs.forNode(es, index)), 2);

        Map<String, JsonNode> docs = es.documents(index);
        assertThat(docs.keySet()).containsExactlyInAnyOrderElementsOf(alerts.stream().map(Alert::alertId).toList());

        JsonNode props = es.json("GET", "/" + index + "/_mapping", null).path(index).path("mappings").path("properties");
        assertThat(props.path("@timestamp").path("type").asText()).isEqualTo("date");
        assertThat(props.path("source").path("properties").path("ip").path("type").asText()).isEqualTo("ip");
        assertThat(props.path("event").path("properties").path("severity").path("type").asText()).isEqualTo("long");
        assertThat(props.path("cronsentinel").path("properties").path("signals").path("type").asText()).isEqualTo("nested");

        // The types work as types: a date range, a CIDR match on an ip field, a nested query over signals.
        assertThat(hits(es, index, "{\"range\":{\"@timestamp\":{\"gte\":\"2026-03-01T10:02:00Z\"}}}"))
                .containsExactly(alerts.get(3).alertId());
        assertThat(hits(es, index, "{\"term\":{\"source.ip\":\"198.51.100.0/24\"}}"))
                .containsExactly(alerts.get(0).alertId());
        assertThat(hits(es, index, "{\"term\":{\"source.ip\":\"2001:db8::/32\"}}"))
                .containsExactly(alerts.get(1).alertId());
        assertThat(hits(es, index, "{\"term\":{\"source.address\":\"not-an-address\"}}"))
                .containsExactly(alerts.get(2).alertId());
        assertThat(hits(es, index, "{\"nested\":{\"path\":\"cronsentinel.signals\",\"query\":{\"bool\":{\"must\":["
                + "{\"term\":{\"cronsentinel.signals.id\":\"host-path-mount\"}},"
                + "{\"term\":{\"cronsentinel.signals.value\":\"/\"}}]}}}}"))
                .hasSize(3);
        assertThat(hits(es, index, "{\"bool\":{\"filter\":[{\"term\":{\"event.kind\":\"alert\"}},"
                + "{\"term\":{\"threat.technique.id\":\"T1053.007\"}},{\"term\":{\"threat.tactic.id\":\"TA0003\"}},"
                + "{\"range\":{\"event.severity\":{\"gte\":73}}}]}}"))
                .hasSize(4);

        JsonNode escalation = docs.get(alerts.get(3).alertId()).path("_source");
        assertThat(escalation.path("cronsentinel").path("chain")).hasSize(3);
        assertThat(es.indexExists(index + "-dead-letters")).as("nothing was refused").isFalse();
    }

    @Test
    void anEscalationUpdatesItsDocumentAndAnOlderEmissionCannotOverwriteIt() throws Exception {
        ElasticsearchNode es = ES.node();
        String index = "it-versions";
        Sink<Alert> sink = ElasticsearchSink.forAlerts(SinkConfigs.forNode(es, index));

        run(List.of(AlertFixtures.escalation("root-2", 2)), Alert.class, sink, 1);
        assertThat(storedCount(es, index, "root-2")).isEqualTo(2);

        run(List.of(AlertFixtures.escalation("root-2", 5)), Alert.class, sink, 1);
        assertThat(storedCount(es, index, "root-2")).isEqualTo(5);

        // A retry or a replay from an older checkpoint delivers an earlier emission after the newer one.
        run(List.of(AlertFixtures.escalation("root-2", 3), AlertFixtures.escalation("root-2", 1)), Alert.class, sink, 1);
        assertThat(storedCount(es, index, "root-2")).isEqualTo(5);
        assertThat(es.count(index)).isEqualTo(1);
        JsonNode doc = es.documents(index).values().iterator().next();
        assertThat(doc.path("_source").path("cronsentinel").path("chain")).hasSize(5);
        assertThat(es.indexExists(index + "-dead-letters")).as("a stale emission is not an error").isFalse();
    }

    @Test
    void documentsTheIndexRefusesAreDeadLetteredAndTheJobGoesOn() throws Exception {
        ElasticsearchNode es = ES.node();
        String index = "it-conflict";
        // An index created before the template, by something else, with a conflicting type for the object name.
        es.json("PUT", "/" + index, "{\"mappings\":{\"properties\":{\"orchestrator\":{\"properties\":"
                + "{\"resource\":{\"properties\":{\"name\":{\"type\":\"long\"}}}}}}}}");
        Alert numeric = AlertFixtures.workload("audit-10", "12345", "10.0.0.1");
        Alert conflicting = AlertFixtures.workload("audit-11", "evil-cron", "10.0.0.1");
        Alert conflicting2 = AlertFixtures.workload("audit-12", "miner", "10.0.0.1");

        run(List.of(numeric, conflicting, conflicting2), Alert.class,
                ElasticsearchSink.forAlerts(SinkConfigs.forNode(es, index)), 2);

        assertThat(es.documents(index).keySet()).containsExactly(numeric.alertId());
        Map<String, JsonNode> dead = es.documents(index + "-dead-letters");
        assertThat(dead).hasSize(2);
        Set<String> payloadIds = new TreeSet<>();
        for (JsonNode d : dead.values()) {
            JsonNode src = d.path("_source");
            assertThat(src.path("event").path("kind").asText()).isEqualTo("pipeline_error");
            assertThat(src.path("error").path("type").asText()).isEqualTo("elasticsearch-rejected");
            assertThat(src.path("error").path("message").asText())
                    .contains("HTTP 400", "document_parsing_exception", "orchestrator.resource.name");
            JsonNode letter = src.path("cronsentinel").path("dead_letter");
            assertThat(letter.path("origin").asText()).isEqualTo("elasticsearch:" + index);
            assertThat(letter.path("payload_encoding").asText()).isEqualTo("utf-8");
            JsonNode payload = new com.fasterxml.jackson.databind.ObjectMapper().readTree(letter.path("payload").asText());
            payloadIds.add(payload.path("cronsentinel").path("alert_id").asText());
        }
        assertThat(payloadIds).containsExactlyInAnyOrder(conflicting.alertId(), conflicting2.alertId());

        // Replaying the same input refuses the same documents again and overwrites their dead letters.
        run(List.of(numeric, conflicting, conflicting2), Alert.class,
                ElasticsearchSink.forAlerts(SinkConfigs.forNode(es, index)), 2);
        assertThat(es.count(index + "-dead-letters")).isEqualTo(2);
        assertThat(es.count(index)).isEqualTo(1);
    }

    @Test
    void anAlertTooLargeToSendIsDeadLetteredNotSent() throws Exception {
        ElasticsearchNode es = ES.node();
        String index = "it-oversized";
        Alert fits = AlertFixtures.escalation("root-3", 200);
        Alert tooBig = AlertFixtures.workload("audit-20", "x".repeat(20_000), "10.0.0.1");
        assertThat(EcsAlertDocument.toJson(fits).length).isGreaterThan(12_000);
        run(List.of(fits, tooBig), Alert.class, ElasticsearchSink.forAlerts(
                SinkConfigs.forNode(es, index, "bulk.max-document-bytes", "12000")), 1);

        JsonNode shortened = es.documents(index).get(fits.alertId()).path("_source").path("cronsentinel");
        assertThat(es.count(index)).isEqualTo(1);
        assertThat(shortened.path("truncated").asBoolean()).isTrue();
        assertThat(shortened.path("chain_omitted").asInt()).isEqualTo(150);
        JsonNode letter = es.documents(index + "-dead-letters").values().iterator().next().path("_source");
        assertThat(letter.path("error").path("type").asText()).isEqualTo("elasticsearch-oversized");
        assertThat(letter.path("error").path("message").asText()).contains(tooBig.alertId(), "bulk.max-document-bytes");
        assertThat(letter.path("cronsentinel").path("dead_letter").path("payload_length").asInt()).isGreaterThan(40_000);
    }

    @Test
    void anEndpointThatRefusesConnectionsIsPassedOver() throws Exception {
        ElasticsearchNode es = ES.node();
        String index = "it-failover";
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        List<Alert> alerts = List.of(AlertFixtures.workload("audit-30", "a", "10.0.0.1"), AlertFixtures.escalation("root-30", 2));
        run(alerts, Alert.class, ElasticsearchSink.forAlerts(SinkConfigs.forNode(es, index,
                "endpoints", "http://127.0.0.1:" + closedPort + "," + es.url())), 2);
        assertThat(es.documents(index).keySet())
                .containsExactlyInAnyOrderElementsOf(alerts.stream().map(Alert::alertId).toList());
    }

    @Test
    void decodeDeadLettersGoToTheDeadLetterIndexOnce() throws Exception {
        ElasticsearchNode es = ES.node();
        String index = "it-dead-sink";
        List<DeadLetter> letters = List.of(
                new DeadLetter("audit.log", 26, "malformed-json", "unexpected end", "{\"kind\":".getBytes(StandardCharsets.UTF_8), 8),
                new DeadLetter("audit.log", 27, "oversized", "event of 2000000 bytes", new byte[] {(byte) 0xff, 1}, 2_000_000));
        Sink<DeadLetter> sink = ElasticsearchSink.forDeadLetters(SinkConfigs.forNode(es, index));
        run(letters, DeadLetter.class, sink, 2);
        run(letters, DeadLetter.class, sink, 2);

        Map<String, JsonNode> docs = es.documents(index + "-dead-letters");
        assertThat(docs.keySet()).containsExactlyInAnyOrder(DeadLetterDocument.id(letters.get(0)), DeadLetterDocument.id(letters.get(1)));
        JsonNode props = es.json("GET", "/" + index + "-dead-letters/_mapping", null)
                .path(index + "-dead-letters").path("mappings").path("properties");
        assertThat(props.path("@timestamp").path("type").asText()).isEqualTo("date");
        assertThat(hits(es, index + "-dead-letters", "{\"term\":{\"error.type\":\"oversized\"}}"))
                .containsExactly(DeadLetterDocument.id(letters.get(1)));
    }

    private static long storedCount(ElasticsearchNode es, String index, String rootUid) {
        es.json("POST", "/" + index + "/_refresh", null);
        String id = AlertFixtures.escalation(rootUid, 1).alertId();
        return es.json("GET", "/" + index + "/_doc/" + id, null).path("_source").path("cronsentinel").path("count").asLong();
    }

    private static List<String> hits(ElasticsearchNode es, String index, String query) {
        JsonNode r = es.json("POST", "/" + index + "/_search", "{\"size\":100,\"query\":" + query + "}");
        return r.path("hits").path("hits").findValuesAsText("_id");
    }
}
