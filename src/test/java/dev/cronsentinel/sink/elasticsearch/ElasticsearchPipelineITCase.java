package dev.cronsentinel.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cronsentinel.Topology;
import dev.cronsentinel.config.ElasticsearchSinkConfig;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.testing.CollectingSink;
import dev.cronsentinel.testing.ElasticsearchNode;
import dev.cronsentinel.testing.Pipelines;
import dev.cronsentinel.testing.SharedElasticsearch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job, {@link Topology#build}, over the attack-chain fixture with the Elasticsearch sink as its alert
 * sink, at parallelism 2 in a MiniCluster, against a real Elasticsearch 8.19 node ({@link ElasticsearchNode}).
 * The index then holds exactly the alerts the fixture expects, typed as ECS says, and running the same input again
 * leaves it unchanged. A second sink on the same alert stream records what the job emitted, so "nothing lost,
 * nothing duplicated" is checked against the job's own output. Escalations are emitted again as their chains grow
 * (same id, higher count); the index must end with one document per chain holding the fixture's final count.
 */
class ElasticsearchPipelineITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    @RegisterExtension
    static final SharedElasticsearch ES = new SharedElasticsearch();

    /** Runs the job once; returns the ids of the alerts it emitted. */
    static List<String> runJob(JobConfig config, ElasticsearchSinkConfig sinkConfig) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Pipelines.flinkConfig());
        env.setParallelism(2);
        CollectingSink<Alert> emitted = new CollectingSink<>();
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        Topology.Streams streams = Topology.build(env,
                env.fromData(AttackChainExpectations.records(), TypeInformation.of(dev.cronsentinel.model.RawAuditRecord.class)),
                new Topology.Sinks(ElasticsearchSink.forAlerts(sinkConfig), dead), config);
        streams.alerts().sinkTo(emitted).uid("emitted-alerts").name("emitted alerts");
        env.execute("attack chains to elasticsearch");
        assertThat(dead.results()).as("the fixture is well-formed").isEmpty();
        return emitted.results().stream().map(Alert::alertId).toList();
    }

    @Test
    void attackChainsLandAsExactlyTheExpectedAlertsAndAReplayChangesNothing() throws Exception {
        ElasticsearchNode es = ES.node();
        String index = "it-attack-chains";
        JobConfig config = Pipelines.jobConfig("input.file.paths", AttackChainExpectations.fixture().toString());
        AttackChainExpectations expected = AttackChainExpectations.load(config);
        ElasticsearchSinkConfig sinkConfig = SinkConfigs.forNode(es, index);

        List<String> emitted = runJob(config, sinkConfig);
        Map<String, JsonNode> docs = es.documents(index);

        // Nothing lost, nothing extra, nothing twice: the index holds one document per alert the job emitted.
        assertThat(docs.keySet()).isEqualTo(new TreeSet<>(emitted));
        assertThat(es.count(index)).isEqualTo(new TreeSet<>(emitted).size());

        // Exactly the expected alerts: every required workload alert, and nothing for the benign chains.
        Map<String, List<String>> idsByKind = new HashMap<>();
        for (JsonNode d : docs.values()) {
            idsByKind.computeIfAbsent(d.path("_source").path("cronsentinel").path("kind").asText(), k -> new ArrayList<>())
                    .add(d.path("_id").asText());
        }
        assertThat(idsByKind.get("workload")).containsExactlyInAnyOrderElementsOf(expected.workloadIds.keySet());
        assertThat(idsByKind.getOrDefault("attempt", List.of())).isSubsetOf(expected.optionalIds);
        assertThat(idsByKind.keySet()).isSubsetOf(Set.of("workload", "attempt", "escalation", "orphan"));
        // Escalations and orphans: one document per chain, holding the chain's final count (later emissions of the
        // same id carry higher counts and overwrite; none can be overwritten by an earlier one).
        Map<String, Long> correlated = new HashMap<>();
        for (JsonNode d : docs.values()) {
            JsonNode src = d.path("_source");
            String kind = src.path("cronsentinel").path("kind").asText();
            if (kind.equals("escalation") || kind.equals("orphan")) {
                String key = kind + " " + src.path("orchestrator").path("namespace").asText() + "/"
                        + src.path("orchestrator").path("resource").path("name").asText();
                assertThat(correlated.put(key, src.path("cronsentinel").path("count").asLong())).as("one document for %s", key).isNull();
            }
            assertThat(src.path("threat").path("technique").path("id").asText()).isEqualTo("T1053.007");
            assertThat(src.path("event").path("kind").asText()).isEqualTo("alert");
        }
        assertThat(correlated).isEqualTo(expected.correlatedCounts);
        assertThat(emitted.size()).as("escalations were emitted more than once, as their chains grew")
                .isGreaterThan(new TreeSet<>(emitted).size());
        assertThat(docs.values()).extracting(d -> d.path("_source").path("orchestrator").path("namespace").asText())
                .doesNotContain("platform", "db", "reporting");

        // ECS types as types: @timestamp is a date, source.ip an ip.
        JsonNode props = es.json("GET", "/" + index + "/_mapping", null).path(index).path("mappings").path("properties");
        assertThat(props.path("@timestamp").path("type").asText()).isEqualTo("date");
        assertThat(props.path("source").path("properties").path("ip").path("type").asText()).isEqualTo("ip");
        String malloryCronJob = expected.workloadIds.entrySet().stream().filter(e -> e.getValue().equals("payments"))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        assertThat(search(es, index, "{\"bool\":{\"filter\":[{\"term\":{\"source.ip\":\"198.51.100.0/27\"}},"
                + "{\"term\":{\"cronsentinel.kind\":\"workload\"}}]}}"))
                .containsExactly(malloryCronJob);
        assertThat(search(es, index, "{\"range\":{\"@timestamp\":{\"gte\":\"2026-11-20T09:00:00Z\",\"lt\":\"2026-11-20T09:02:13Z\"}}}"))
                .isEmpty();
        assertThat(search(es, index, "{\"range\":{\"@timestamp\":{\"gte\":\"2026-11-20T09:02:13Z\",\"lt\":\"2026-11-20T09:02:14Z\"}}}"))
                .containsExactly(malloryCronJob);

        // Replay: the same input again overwrites every document with the same content and adds none.
        List<String> again = runJob(config, sinkConfig);
        assertThat(new TreeSet<>(again)).isEqualTo(new TreeSet<>(emitted));
        Map<String, JsonNode> replayed = es.documents(index);
        assertThat(es.count(index)).isEqualTo(docs.size());
        for (Map.Entry<String, JsonNode> e : docs.entrySet()) {
            assertThat(replayed.get(e.getKey()).path("_source")).isEqualTo(e.getValue().path("_source"));
        }
    }

    private static List<String> search(ElasticsearchNode es, String index, String query) {
        return es.json("POST", "/" + index + "/_search", "{\"size\":100,\"query\":" + query + "}")
                .path("hits").path("hits").findValuesAsText("_id");
    }
}
