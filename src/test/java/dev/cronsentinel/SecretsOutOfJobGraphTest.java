package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.testing.Pipelines;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 row 12: the job graph the client submits (serialized into HA storage and the blob server) holds the
 * secret references, never the secrets. Builds the real job from config as {@code main()} does, with SASL and
 * SSL credentials from an environment variable (a real one, set by surefire) and from files, Kafka in and out,
 * then Elasticsearch out with an API key; serializes the JobGraph and looks for every secret's bytes.
 */
class SecretsOutOfJobGraphTest {
    private static final String ENV_SECRET = System.getenv("CRONSENTINEL_TEST_KAFKA_PASSWORD");

    private static byte[] jobGraphBytes(JobConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Pipelines.flinkConfig());
        Topology.build(env, CronSentinelJob.source(env, config), CronSentinelJob.sinks(config), config);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        return InstantiationUtil.serializeObject(graph);
    }

    private static boolean contains(byte[] haystack, String needle) {
        // Java serialization writes strings as modified UTF-8: plain bytes for these ASCII secrets.
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    @Test
    void kafkaCredentialsStayReferencesInTheJobGraph(@TempDir Path dir) throws Exception {
        assertThat(ENV_SECRET).as("surefire sets CRONSENTINEL_TEST_KAFKA_PASSWORD").isNotBlank();
        String fileSecret = "truststore-pw-in-a-file-77";
        Path trust = Files.writeString(dir.resolve("truststore-password"), fileSecret + "\n");
        String[] security = {"security.protocol", "SASL_SSL", "security.sasl.mechanism", "SCRAM-SHA-512",
            "security.sasl.username", "cronsentinel", "security.sasl.password", "env:CRONSENTINEL_TEST_KAFKA_PASSWORD",
            "security.ssl.truststore-location", "/etc/kafka/truststore.p12",
            "security.ssl.truststore-password", "file:" + trust};
        java.util.List<String> kv = new java.util.ArrayList<>(java.util.List.of(
                "input.type", "kafka", "output.type", "kafka", "dead-letters.type", "kafka",
                "input.kafka.bootstrap-servers", "kafka-0.example:9093", "output.kafka.bootstrap-servers", "kafka-0.example:9093"));
        for (String prefix : new String[] {"input.kafka.", "output.kafka."}) {
            for (int i = 0; i < security.length; i += 2) {
                kv.add(prefix + security[i]);
                kv.add(security[i + 1]);
            }
        }
        byte[] bytes = jobGraphBytes(Pipelines.jobConfig(kv.toArray(new String[0])));

        assertThat(contains(bytes, "env:CRONSENTINEL_TEST_KAFKA_PASSWORD")).as("the reference is there").isTrue();
        assertThat(contains(bytes, ENV_SECRET)).as("the SASL password from the environment").isFalse();
        assertThat(contains(bytes, fileSecret)).as("the truststore password from a file").isFalse();
    }

    @Test
    void elasticsearchApiKeyStaysAReferenceInTheJobGraph() throws Exception {
        byte[] bytes = jobGraphBytes(Pipelines.jobConfig("input.file.paths", Pipelines.sample().toString(),
                "output.type", "elasticsearch", "dead-letters.type", "elasticsearch",
                "output.elasticsearch.endpoints", "https://es.example:9200",
                "output.elasticsearch.auth.api-key", "env:CRONSENTINEL_TEST_KAFKA_PASSWORD"));

        assertThat(contains(bytes, "env:CRONSENTINEL_TEST_KAFKA_PASSWORD")).isTrue();
        assertThat(contains(bytes, ENV_SECRET)).isFalse();
    }
}
