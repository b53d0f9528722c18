package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.sink.elasticsearch.ElasticsearchSink;
import dev.cronsentinel.testing.CollectingSink;
import dev.cronsentinel.testing.ElasticsearchNode;
import dev.cronsentinel.testing.Pipelines;
import dev.cronsentinel.testing.SharedElasticsearch;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code output.type: elasticsearch} and {@code dead-letters.type: elasticsearch} as the job's main class wires
 * them: the shipped config file with overrides, {@link CronSentinelJob#source} (the real file source over the
 * bundled sample) and {@link CronSentinelJob#sinks}, at parallelism 2 against a real Elasticsearch node. Alerts
 * land in the alert index and the sample's broken line in the dead-letter index.
 */
class ElasticsearchOutputITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    @RegisterExtension
    static final SharedElasticsearch ES = new SharedElasticsearch();

    @Test
    void configSelectsTheElasticsearchSinks() {
        JobConfig both = Pipelines.jobConfig("input.file.paths", Pipelines.sample().toString(),
                "output.type", "elasticsearch", "dead-letters.type", "elasticsearch");
        assertThat(both.elasticsearchOutput().endpoints()).containsExactly("http://127.0.0.1:9200");
        assertThat(both.elasticsearchOutput().index()).isEqualTo("cronsentinel-alerts");
        Topology.Sinks sinks = CronSentinelJob.sinks(both);
        assertThat(sinks.alerts()).isInstanceOf(ElasticsearchSink.class);
        assertThat(sinks.deadLetters()).isInstanceOf(ElasticsearchSink.class);
        assertThat(sinks.sinkParallelism()).as("both sinks keep the job's parallelism").isZero();

        JobConfig alertsOnly = Pipelines.jobConfig("input.file.paths", Pipelines.sample().toString(), "output.type", "elasticsearch");
        assertThat(CronSentinelJob.sinks(alertsOnly).sinkParallelism()).as("the console dead-letter sink needs 1").isEqualTo(1);

        JobConfig console = Pipelines.jobConfig("input.file.paths", Pipelines.sample().toString());
        assertThat(console.elasticsearchOutput()).as("the section is set aside unless used").isNull();
    }

    @Test
    void theJobWritesAlertsAndDeadLettersToElasticsearch() throws Exception {
        ElasticsearchNode es = ES.node();
        JobConfig config = Pipelines.jobConfig("input.file.paths", Pipelines.sample().toString(),
                "output.type", "elasticsearch", "dead-letters.type", "elasticsearch",
                "output.elasticsearch.endpoints", es.url(),
                "output.elasticsearch.index", "it-job-alerts",
                "output.elasticsearch.dead-letter-index", "it-job-dead-letters",
                "output.elasticsearch.bulk.flush-interval", "100ms");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Pipelines.flinkConfig());
        env.setParallelism(2);
        Topology.Streams streams = Topology.build(env, CronSentinelJob.source(env, config), CronSentinelJob.sinks(config), config);
        CollectingSink<Alert> emitted = new CollectingSink<>();
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        streams.alerts().sinkTo(emitted).uid("emitted-alerts").name("emitted alerts");
        streams.deadLetters().sinkTo(dead).uid("emitted-dead-letters").name("emitted dead letters");
        env.execute("cronsentinel to elasticsearch");

        Set<String> alertIds = emitted.results().stream().map(Alert::alertId).collect(Collectors.toCollection(TreeSet::new));
        assertThat(alertIds).isNotEmpty();
        assertThat(es.documents("it-job-alerts").keySet()).isEqualTo(alertIds);

        assertThat(dead.results()).isNotEmpty();
        Map<String, JsonNode> letters = es.documents("it-job-dead-letters");
        assertThat(letters).hasSize(dead.results().size());
        assertThat(letters.values()).extracting(d -> d.path("_source").path("error").path("type").asText())
                .containsExactlyInAnyOrderElementsOf(dead.results().stream().map(DeadLetter::reason).toList());
        assertThat(letters.values()).allSatisfy(d -> assertThat(
                d.path("_source").path("cronsentinel").path("dead_letter").path("origin").asText()).endsWith("samples/audit.log"));
    }
}
