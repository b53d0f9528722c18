package dev.cronsentinel.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronsentinel.config.ElasticsearchSinkConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.testing.ElasticsearchNode;
import dev.cronsentinel.testing.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink against a node with security on ({@link ElasticsearchNode#startSecured}): HTTPS with a certificate
 * signed by a private CA, and basic auth against the file realm. The password reaches the sink only through a
 * {@code file:} secret. A wrong password, a bogus API key, or a CA the sink was not told about each fail the job
 * at once with a message naming the key to fix, instead of retrying forever.
 *
 * <p>A valid API key cannot be tested here: the integ-test distribution cannot create its {@code .security}
 * index (it lacks the analysis-common module), so it cannot issue keys. The bogus-key case still shows the sink
 * sends the {@code ApiKey} header and treats the node's 401 as fatal.
 */
class ElasticsearchSecuredNodeITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    private static ElasticsearchNode es;

    @TempDir
    Path secrets;

    @BeforeAll
    static void startNode() {
        es = ElasticsearchNode.startSecured("secured");
    }

    @AfterAll
    static void stopNode() {
        if (es != null) {
            es.close();
        }
    }

    private static void run(ElasticsearchSinkConfig config, List<Alert> alerts) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Pipelines.flinkConfig());
        env.setParallelism(2);
        env.fromData(alerts, TypeInformation.of(Alert.class))
                .sinkTo(ElasticsearchSink.forAlerts(config)).uid("es-sink").name("elasticsearch");
        // A sink that wrongly retried a fatal error would never finish: bound the wait.
        env.executeAsync("secured elasticsearch").getJobExecutionResult().get(3, TimeUnit.MINUTES);
    }

    private Path secretFile(String name, String value) throws Exception {
        return Files.writeString(secrets.resolve(name), value + "\n");
    }

    @Test
    void writesOverTlsWithAPrivateCaAndBasicAuthFromAFile() throws Exception {
        Path password = secretFile("password", es.secured().password());
        ElasticsearchSinkConfig config = SinkConfigs.forNode(es, "it-secured",
                "auth.username", es.secured().username(),
                "auth.password", "file:" + password,
                "tls.ca-file", es.secured().caCertificate().toString());
        assertThat(config.endpoints().get(0)).startsWith("https://");
        List<Alert> alerts = List.of(AlertFixtures.workload("audit-s1", "a", "10.0.0.1"), AlertFixtures.escalation("root-s", 2));
        run(config, alerts);

        assertThat(es.documents("it-secured").keySet())
                .containsExactlyInAnyOrderElementsOf(alerts.stream().map(Alert::alertId).toList());
    }

    @Test
    void aWrongPasswordFailsTheJobNamingTheAuthKeys() throws Exception {
        Path password = secretFile("wrong", "not-the-password");
        ElasticsearchSinkConfig config = SinkConfigs.forNode(es, "it-secured-401",
                "auth.username", es.secured().username(),
                "auth.password", "file:" + password,
                "tls.ca-file", es.secured().caCertificate().toString());
        assertThatThrownBy(() -> run(config, List.of(AlertFixtures.workload("audit-s2", "a", "10.0.0.1"))))
                .isInstanceOf(ExecutionException.class)
                .satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e, "HTTP 401")).get()
                        .extracting(Throwable::getMessage).asString()
                        .contains("output.elasticsearch.auth.*")
                        .doesNotContain("not-the-password"));
        assertThat(es.indexExists("it-secured-401")).isFalse();
    }

    /**
     * Issue 16 row 14: credentials that may write neither the alert index nor the dead-letter index (403 on
     * both) fail the job with a message naming both keys, instead of retrying the dead letter forever.
     */
    @Test
    void refusedByBothTheAlertAndTheDeadLetterIndexFailsTheJobNamingThePrivileges() throws Exception {
        Path password = secretFile("reader-password", es.secured().readerPassword());
        ElasticsearchSinkConfig config = SinkConfigs.forNode(es, "it-secured-403",
                "auth.username", es.secured().readerUsername(),
                "auth.password", "file:" + password,
                "template.install", "false",
                "dead-letter-index", "it-secured-403-dead",
                "tls.ca-file", es.secured().caCertificate().toString());
        assertThatThrownBy(() -> run(config, List.of(AlertFixtures.workload("audit-s4", "a", "10.0.0.1"))))
                .isInstanceOf(ExecutionException.class)
                .satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e, "HTTP 403")).get()
                        .extracting(Throwable::getMessage).asString()
                        .contains("it-secured-403-dead", "it-secured-403", "output.elasticsearch.index",
                                "output.elasticsearch.dead-letter-index")
                        .doesNotContain(es.secured().readerPassword()));
        assertThat(es.indexExists("it-secured-403")).isFalse();
    }

    @Test
    void aBogusApiKeyFailsTheJob() throws Exception {
        Path key = secretFile("api-key", "Ym9ndXMtaWQ6Ym9ndXMta2V5");
        ElasticsearchSinkConfig config = SinkConfigs.forNode(es, "it-secured-apikey",
                "auth.api-key", "file:" + key,
                "tls.ca-file", es.secured().caCertificate().toString());
        assertThatThrownBy(() -> run(config, List.of(AlertFixtures.workload("audit-s3", "a", "10.0.0.1"))))
                .isInstanceOf(ExecutionException.class)
                .satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e, "HTTP 401")).isPresent());
    }

    @Test
    void aCertificateFromAnUnknownCaFailsTheJobNamingTheCaKey() throws Exception {
        Path password = secretFile("password2", es.secured().password());
        ElasticsearchSinkConfig config = SinkConfigs.forNode(es, "it-secured-untrusted",
                "auth.username", es.secured().username(),
                "auth.password", "file:" + password);
        assertThatThrownBy(() -> run(config, List.of(AlertFixtures.workload("audit-s4", "a", "10.0.0.1"))))
                .isInstanceOf(ExecutionException.class)
                .satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e, "output.elasticsearch.tls.ca-file")).isPresent());
    }
}
