package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.sink.AlertJson;
import dev.cronsentinel.testing.KafkaBrokerExtension;
import dev.cronsentinel.testing.ManagedEnvelopes;
import dev.cronsentinel.testing.ManagedEnvelopes.Form;
import dev.cronsentinel.testing.Pipelines;
import dev.cronsentinel.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Every detection fixture replayed through each managed cluster's envelope (GKE entries, AKS Event Hubs batches,
 * EKS CloudWatch deliveries as base64 gzip) raises the same alerts as the plain audit lines: the whole job in a
 * MiniCluster at parallelism 2 from files, event time from the events. Alerts are compared as the documents an
 * idempotent sink ends with (the last version of each alert ID: escalations are rewritten as their chains grow,
 * and how many intermediate versions appear depends on when watermarks pass, which batching changes), without
 * the fields that name the source ({@code source}); for GKE also without {@code groups}, which a Cloud Audit
 * Logs entry does not carry. The same records produced to a real Kafka topic (EKS deliveries as the raw gzip
 * bytes a Kinesis bridge passes on, which no line file can hold) give the same alerts as well.
 */
class EnvelopeParityITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, List<Alert>> PLAIN = new HashMap<>();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} through {1}")
    @CsvSource({
        "fixtures/chains/attack-chains.jsonl, GKE", "fixtures/chains/attack-chains.jsonl, AKS", "fixtures/chains/attack-chains.jsonl, EKS",
        "fixtures/score/attacks.jsonl, GKE", "fixtures/score/attacks.jsonl, AKS", "fixtures/score/attacks.jsonl, EKS",
    })
    void anEnvelopeGivesTheAlertsOfThePlainLines(String fixture, Form form) throws Exception {
        List<byte[]> lines = TestData.lines(TestData.resource(fixture));
        List<Alert> plainRun = PLAIN.get(fixture);
        if (plainRun == null) {
            plainRun = run(lines, "plain");
            PLAIN.put(fixture, plainRun);
        }
        TreeSet<String> plain = documents(plainRun, form);
        List<Alert> alerts = run(ManagedEnvelopes.rewrite(form, lines), form.name());
        assertThat(plain).as("the plain run alerts").isNotEmpty();
        assertThat(documents(alerts, form)).as("alerts of %s through %s", fixture, form).isEqualTo(plain);
        assertThat(alerts).as("every alert names its %s cluster", form)
                .allSatisfy(a -> assertThat(a.source()).isNotNull().satisfies(s -> assertThat(s.clusterName()).isIn("parity", "PARITY")));
    }

    @ParameterizedTest(name = "attack chains from Kafka through {0}")
    @EnumSource(value = Form.class, names = {"GKE", "AKS", "EKS"})
    void anEnvelopeFromKafkaGivesTheAlertsOfThePlainLines(Form form) throws Exception {
        String fixture = "fixtures/chains/attack-chains.jsonl";
        List<byte[]> lines = TestData.lines(TestData.resource(fixture));
        List<Alert> plainRun = PLAIN.get(fixture);
        if (plainRun == null) {
            plainRun = run(lines, "plain");
            PLAIN.put(fixture, plainRun);
        }
        List<byte[]> values = new ArrayList<>();
        for (byte[] v : ManagedEnvelopes.rewrite(form, lines)) {
            boolean base64Gzip = form == Form.EKS && v.length > 4 && v[0] == 'H' && v[1] == '4' && v[2] == 's' && v[3] == 'I';
            values.add(base64Gzip ? Base64.getDecoder().decode(v) : v);
        }
        // One partition: the file run reads one file in order, and so does this.
        String topic = KAFKA.createTopic("envelope-" + form.name().toLowerCase(java.util.Locale.ROOT), 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (byte[] v : values) {
            records.add(new ProducerRecord<>(topic, 0, null, v));
        }
        KAFKA.produce(records);
        List<Alert> alerts = execute(Pipelines.jobConfig("input.type", "kafka",
                "input.kafka.bootstrap-servers", KAFKA.bootstrapServers(), "input.kafka.topics", topic,
                "input.kafka.group-id", "parity-" + topic, "input.kafka.starting-offsets", "earliest",
                "input.kafka.bounded", "true"), "kafka " + form);
        assertThat(plainRun).as("the plain run alerts").isNotEmpty();
        assertThat(documents(alerts, form)).as("alerts of %s from Kafka through %s", fixture, form).isEqualTo(documents(plainRun, form));
    }

    private List<Alert> run(List<byte[]> lines, String name) throws Exception {
        Path file = dir.resolve(name + ".log");
        Files.write(file, join(lines));
        return execute(Pipelines.jobConfig("input.file.paths", file.toString()), name);
    }

    private static List<Alert> execute(JobConfig config, String name) throws Exception {
        return Pipelines.runFiles(config, "envelope parity " + name).alerts();
    }

    private static boolean later(Alert a, Alert than) {
        if (a.count() != than.count()) {
            return a.count() > than.count();
        }
        if (a.lastSeen() != than.lastSeen()) {
            return a.lastSeen() > than.lastSeen();
        }
        return a.eventTime() > than.eventTime();
    }

    private static byte[] join(List<byte[]> lines) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (byte[] l : lines) {
            b.writeBytes(l);
            b.write('\n');
        }
        return b.toByteArray();
    }

    /**
     * The last version of each alert as a JSON document without the source fields (and, for GKE, the groups it
     * cannot carry).
     */
    private static TreeSet<String> documents(List<Alert> alerts, Form form) throws IOException {
        Map<String, Alert> last = new HashMap<>();
        for (Alert a : alerts) {
            last.merge(a.alertId(), a, (x, y) -> later(y, x) ? y : x);
        }
        TreeSet<String> out = new TreeSet<>();
        for (Alert a : last.values()) {
            ObjectNode doc = (ObjectNode) JSON.readTree(AlertJson.toJson(a));
            doc.remove("source");
            if (form == Form.GKE) {
                doc.remove("groups");
            }
            out.add(JSON.writeValueAsString(doc));
        }
        return out;
    }
}
