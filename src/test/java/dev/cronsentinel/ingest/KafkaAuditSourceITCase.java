package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.ConfigSource;
import dev.cronsentinel.config.KafkaSourceConfig;
import dev.cronsentinel.config.Secrets;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.testing.FlinkMiniClusters;
import dev.cronsentinel.testing.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Kafka audit source against a real broker, run bounded in a MiniCluster at parallelism 2. */
class KafkaAuditSourceITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniClusters.extension();

    private static final int MAX_RECORD_BYTES = 1024;

    private static KafkaSourceConfig config(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("input.kafka.bootstrap-servers", KAFKA.bootstrapServers());
        m.put("input.kafka.bounded", "true");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return KafkaSourceConfig.from(new ConfigSource(m, Path.of(".")), new Secrets(Map.of()));
    }

    /** Runs the source to its end and describes every record as {@code origin@offset len=N payload}. */
    private static List<String> readAll(KafkaSourceConfig cfg) throws Exception {
        StreamExecutionEnvironment env = FlinkMiniClusters.env();
        List<String> out = new ArrayList<>();
        try (CloseableIterator<RawAuditRecord> it = KafkaAuditSourceFactory
                .stream(env, cfg, MAX_RECORD_BYTES).executeAndCollect()) {
            it.forEachRemaining(r -> out.add(describe(r)));
        }
        return out;
    }

    private static String describe(RawAuditRecord r) {
        return r.origin() + "@" + r.position() + " len=" + r.length() + " "
                + new String(r.payload(), StandardCharsets.UTF_8);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, String value) {
        return new ProducerRecord<>(topic, partition, null, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyRecordBecomesOneRawRecordWithItsTopicPartitionAndOffset() throws Exception {
        String topic = KAFKA.createTopic("audit", 2);
        String big = "x".repeat(3000);
        String event = "{\"kind\":\"Event\",\"auditID\":\"a\"}";
        String list = "{\"kind\":\"EventList\",\"items\":[]}";
        ProducerRecord<byte[], byte[]> withHeaders = record(topic, 1, list);
        withHeaders.headers().add(new RecordHeader("content-type", "application/json".getBytes(StandardCharsets.UTF_8)));
        KAFKA.produce(List.of(
                record(topic, 0, event),
                record(topic, 0, null),
                record(topic, 0, big),
                withHeaders,
                record(topic, 1, "not json at all")));

        List<String> read = readAll(config("input.kafka.topics", topic, "input.kafka.starting-offsets", "earliest"));

        assertThat(read).containsExactlyInAnyOrder(
                topic + "-0@0 len=" + event.length() + " " + event,
                topic + "-0@1 len=0 ",
                topic + "-0@2 len=3000 " + "x".repeat(MAX_RECORD_BYTES),
                topic + "-1@0 len=" + list.length() + " " + list,
                topic + "-1@1 len=15 not json at all");
    }

    @Test
    void aTopicPatternReadsEveryMatchingTopicAndNothingElse() throws Exception {
        String stem = "pat" + Long.toHexString(System.nanoTime());
        String a = KAFKA.createTopic(stem + "-audit", 1);
        String b = KAFKA.createTopic(stem + "-audit", 2);
        String other = KAFKA.createTopic(stem + "-other", 1);
        KAFKA.produce(List.of(record(a, 0, "a0"), record(b, 1, "b1"), record(other, 0, "no")));

        List<String> read = readAll(config("input.kafka.topic-pattern", stem + "-audit-.*",
                "input.kafka.starting-offsets", "earliest"));

        assertThat(read).containsExactlyInAnyOrder(a + "-0@0 len=2 a0", b + "-1@0 len=2 b1");
    }

    @Test
    void timestampStartSkipsEarlierRecords() throws Exception {
        String topic = KAFKA.createTopic("audit", 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            records.add(new ProducerRecord<>(topic, 0, 1_700_000_000_000L + i * 60_000L, null,
                    ("t" + i).getBytes(StandardCharsets.UTF_8)));
        }
        KAFKA.produce(records);

        List<String> read = readAll(config("input.kafka.topics", topic, "input.kafka.starting-offsets", "timestamp",
                "input.kafka.start-timestamp", "2023-11-14T22:15:20Z")); // 1_700_000_120_000: the third record

        assertThat(read).containsExactlyInAnyOrder(topic + "-0@2 len=2 t2", topic + "-0@3 len=2 t3");
    }

    @Test
    void committedOffsetsResumeWhereTheGroupLeftOffAndResetAppliesToTheRest() throws Exception {
        String topic = KAFKA.createTopic("audit", 2);
        KAFKA.produce(List.of(record(topic, 0, "p0-0"), record(topic, 0, "p0-1"), record(topic, 0, "p0-2"),
                record(topic, 1, "p1-0"), record(topic, 1, "p1-1")));
        String group = "resume-" + topic;
        // The group has read partition 0 up to offset 2; partition 1 it has never committed.
        Properties p = new Properties();
        p.put("bootstrap.servers", KAFKA.bootstrapServers());
        p.put("group.id", group);
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(2)));
        }

        List<String> read = readAll(config("input.kafka.topics", topic, "input.kafka.group-id", group,
                "input.kafka.starting-offsets", "committed", "input.kafka.offset-reset", "earliest"));

        assertThat(read).containsExactlyInAnyOrder(
                topic + "-0@2 len=4 p0-2", topic + "-1@0 len=4 p1-0", topic + "-1@1 len=4 p1-1");
    }

    @Test
    void latestStartReadsNothingThatWasAlreadyThere() throws Exception {
        String topic = KAFKA.createTopic("audit", 2);
        KAFKA.produce(List.of(record(topic, 0, "old"), record(topic, 1, "old")));
        assertThat(readAll(config("input.kafka.topics", topic, "input.kafka.starting-offsets", "latest"))).isEmpty();
    }
}
