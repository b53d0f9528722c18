package dev.cronsentinel.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.ConfigSource;
import dev.cronsentinel.config.KafkaSinkConfig;
import dev.cronsentinel.config.Secrets;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.testing.FlinkMiniClusters;
import dev.cronsentinel.testing.KafkaBrokerExtension;
import dev.cronsentinel.testing.SampleAlerts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The alert and dead-letter sinks against a real broker, read back with plain Kafka consumers. */
class KafkaAlertSinkITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniClusters.extension();

    private static final Secrets NO_SECRETS = new Secrets(Map.of());

    private static KafkaSinkConfig sinkConfig(String alerts, String deadLetters, String delivery) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("output.kafka.bootstrap-servers", KAFKA.bootstrapServers());
        m.put("output.kafka.alerts-topic", alerts);
        m.put("output.kafka.dead-letter-topic", deadLetters);
        m.put("output.kafka.delivery-guarantee", delivery);
        m.put("output.kafka.transactional-id-prefix", "it-" + alerts);
        m.put("output.kafka.transaction-timeout", "2m");
        m.put("output.kafka.dead-letter-max-bytes", "64");
        return KafkaSinkConfig.from(new ConfigSource(m, java.nio.file.Path.of(".")), NO_SECRETS);
    }

    /** Numbers written to a topic drive the test job, which never ends by itself: its transactions stay open. */
    private static KafkaSource<String> numbers(String topic) {
        return KafkaSource.<String>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(topic)
                .setGroupId("driver-" + topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .build();
    }

    private static List<ProducerRecord<byte[], byte[]>> numberRecords(String topic, int count) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new ProducerRecord<>(topic, i % 2, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
        }
        return records;
    }

    @Test
    void exactlyOnceAlertsStayInvisibleToReadCommittedUntilACheckpointCommitsThem(
            @InjectMiniCluster MiniCluster miniCluster) throws Exception {
        String input = KAFKA.createTopic("numbers", 2);
        String alerts = KAFKA.createTopic("alerts", 2);
        String deadLetters = KAFKA.createTopic("dead-letters", 1);
        int count = 20;
        KAFKA.produce(numberRecords(input, count));

        // Periodic checkpoints far in the future: only the checkpoint this test triggers can commit.
        StreamExecutionEnvironment env = FlinkMiniClusters.env(Duration.ofHours(1));
        env.fromSource(numbers(input), WatermarkStrategy.noWatermarks(), "numbers").uid("numbers")
                .map(s -> SampleAlerts.workload(Integer.parseInt(s)))
                .returns(TypeInformation.of(Alert.class))
                .sinkTo(KafkaAlertSinkFactory.alerts(sinkConfig(alerts, deadLetters, "exactly-once")))
                .uid(KafkaAlertSinkFactory.ALERTS_UID).name("alerts");
        JobClient job = env.executeAsync("exactly-once visibility");
        try {
            // Every alert has reached the broker, inside a transaction...
            assertThat(KAFKA.awaitRecords(alerts, IsolationLevel.READ_UNCOMMITTED, count)).hasSize(count);
            // ...which read_committed readers cannot see: the last stable offset has not moved.
            assertThat(KAFKA.totalEndOffset(alerts, IsolationLevel.READ_COMMITTED)).isZero();
            assertThat(KAFKA.readAll(alerts, IsolationLevel.READ_COMMITTED)).isEmpty();

            miniCluster.triggerCheckpoint(job.getJobID()).get();

            List<ConsumerRecord<byte[], byte[]>> committed =
                    KAFKA.awaitRecords(alerts, IsolationLevel.READ_COMMITTED, count);
            Map<String, Alert> byKey = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : committed) {
                Alert a = AlertJson.fromJson(new String(r.value(), StandardCharsets.UTF_8));
                assertThat(byKey.put(new String(r.key(), StandardCharsets.UTF_8), a)).as("duplicate key").isNull();
            }
            Map<String, Alert> expected = IntStream.range(0, count).mapToObj(SampleAlerts::workload)
                    .collect(Collectors.toMap(Alert::alertId, a -> a));
            assertThat(byKey).isEqualTo(expected);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void deadLettersArriveWithRawBytesReasonAndSourcePositionOnTheirOwnTopic() throws Exception {
        String alerts = KAFKA.createTopic("alerts", 1);
        String deadLetters = KAFKA.createTopic("dead-letters", 2);
        byte[] big = new byte[200];
        java.util.Arrays.fill(big, (byte) 'x');
        List<DeadLetter> letters = List.of(
                new DeadLetter("k8s-audit-0", 17, "malformed-json", "Unexpected character ('}')",
                        "{\"kind\":}".getBytes(StandardCharsets.UTF_8), 9),
                new DeadLetter("k8s-audit-1", 4, "empty", "record has no bytes", new byte[0], 0),
                new DeadLetter("k8s-audit-1", 5, "oversized", "record of 200 bytes", big, 200));

        // Bounded input: the final checkpoint at end of input commits the transaction.
        StreamExecutionEnvironment env = FlinkMiniClusters.env(Duration.ofSeconds(1));
        env.fromData(letters, TypeInformation.of(DeadLetter.class))
                .sinkTo(KafkaAlertSinkFactory.deadLetters(sinkConfig(alerts, deadLetters, "exactly-once")))
                .uid(KafkaAlertSinkFactory.DEAD_LETTERS_UID).name("dead letters");
        env.execute("dead letters");

        List<ConsumerRecord<byte[], byte[]>> read = readCommitted(deadLetters, 3);
        assertThat(read).hasSize(3);
        Map<String, ConsumerRecord<byte[], byte[]>> byPosition = read.stream().collect(Collectors.toMap(
                r -> header(r, DeadLetterRecordSerializer.HEADER_ORIGIN) + "@"
                        + header(r, DeadLetterRecordSerializer.HEADER_POSITION), r -> r));
        assertThat(byPosition).containsOnlyKeys("k8s-audit-0@17", "k8s-audit-1@4", "k8s-audit-1@5");

        ConsumerRecord<byte[], byte[]> malformed = byPosition.get("k8s-audit-0@17");
        assertThat(new String(malformed.value(), StandardCharsets.UTF_8)).isEqualTo("{\"kind\":}");
        assertThat(new String(malformed.key(), StandardCharsets.UTF_8)).isEqualTo("k8s-audit-0");
        assertThat(header(malformed, DeadLetterRecordSerializer.HEADER_REASON)).isEqualTo("malformed-json");
        assertThat(header(malformed, DeadLetterRecordSerializer.HEADER_DETAIL)).isEqualTo("Unexpected character ('}')");
        assertThat(header(malformed, DeadLetterRecordSerializer.HEADER_TRUNCATED)).isEqualTo("false");

        ConsumerRecord<byte[], byte[]> empty = byPosition.get("k8s-audit-1@4");
        assertThat(empty.value()).isEmpty();
        assertThat(header(empty, DeadLetterRecordSerializer.HEADER_REASON)).isEqualTo("empty");

        ConsumerRecord<byte[], byte[]> oversized = byPosition.get("k8s-audit-1@5");
        assertThat(oversized.value()).hasSize(64); // output.kafka.dead-letter-max-bytes
        assertThat(header(oversized, DeadLetterRecordSerializer.HEADER_LENGTH)).isEqualTo("200");
        assertThat(header(oversized, DeadLetterRecordSerializer.HEADER_TRUNCATED)).isEqualTo("true");

        // One source partition's dead letters share a key, hence a partition of the dead-letter topic.
        assertThat(empty.partition()).isEqualTo(oversized.partition());
        assertThat(KAFKA.readAll(alerts, IsolationLevel.READ_UNCOMMITTED)).isEmpty();
    }

    @Test
    void atLeastOnceWritesPlainRecordsWithoutTransactions() throws Exception {
        String alerts = KAFKA.createTopic("alerts", 2);
        String deadLetters = KAFKA.createTopic("dead-letters", 1);
        List<Alert> sent = List.of(SampleAlerts.workload(1), SampleAlerts.escalation(2), SampleAlerts.workload(3));

        StreamExecutionEnvironment env = FlinkMiniClusters.env();
        env.fromData(sent, TypeInformation.of(Alert.class))
                .sinkTo(KafkaAlertSinkFactory.alerts(sinkConfig(alerts, deadLetters, "at-least-once")))
                .uid(KafkaAlertSinkFactory.ALERTS_UID).name("alerts");
        env.execute("at-least-once");

        List<ConsumerRecord<byte[], byte[]>> read = KAFKA.readAll(alerts, IsolationLevel.READ_UNCOMMITTED);
        // Without transactions there are no commit markers: every offset is a record.
        assertThat(KAFKA.totalEndOffset(alerts, IsolationLevel.READ_UNCOMMITTED)).isEqualTo(3);
        assertThat(read.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).collect(Collectors.toSet()))
                .isEqualTo(sent.stream().map(Alert::alertId).collect(Collectors.toSet()));
        assertThat(read.stream().map(r -> AlertJson.fromJson(new String(r.value(), StandardCharsets.UTF_8))))
                .containsExactlyInAnyOrderElementsOf(sent);
        assertThat(Set.copyOf(read.stream().map(r -> header(r, AlertRecordSerializer.HEADER_KIND)).toList()))
                .containsExactlyInAnyOrder("workload", "escalation");
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /**
     * Reads a topic with read_committed until it holds {@code expected} records or 30 s pass. The broker
     * acknowledges a transaction commit before its commit markers reach the partitions, so right after the
     * job finishes the last stable offset can still lag for a moment.
     */
    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int expected) throws Exception {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        List<ConsumerRecord<byte[], byte[]>> read = KAFKA.readAll(topic, IsolationLevel.READ_COMMITTED);
        while (read.size() < expected && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            read = KAFKA.readAll(topic, IsolationLevel.READ_COMMITTED);
        }
        return read;
    }
}
