package dev.cronsentinel.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.ConfigSource;
import dev.cronsentinel.config.KafkaSinkConfig;
import dev.cronsentinel.config.Secrets;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.testing.FlinkMiniClusters;
import dev.cronsentinel.testing.KafkaBrokerExtension;
import dev.cronsentinel.testing.SampleAlerts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alerts about old audit events survive a broker that deletes by time, as production brokers do. A retro-hunt,
 * a warm-up or a replay of archived logs produces alerts whose event time is weeks old; stamped with that time,
 * a 7-day retention would delete them at its first check after their segment rolls.
 *
 * <p>The same job writes the same alerts to a second topic with {@code record-timestamp: event-time}: that
 * topic must lose them, which proves the broker's retention really ran while the first topic kept everything.
 */
class KafkaRecordRetentionITCase {
    private static final Duration RETENTION = Duration.ofDays(7);
    private static final Duration ROLL_AFTER = Duration.ofSeconds(1);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA =
            new KafkaBrokerExtension().withTimeRetention(RETENTION, Duration.ofMillis(500), ROLL_AFTER);

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniClusters.extension();

    private static KafkaSinkConfig sinkConfig(String alerts, String recordTimestamp) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("output.kafka.bootstrap-servers", KAFKA.bootstrapServers());
        m.put("output.kafka.alerts-topic", alerts);
        m.put("output.kafka.dead-letter-topic", alerts + "-dlq");
        m.put("output.kafka.delivery-guarantee", "at-least-once");
        if (recordTimestamp != null) {
            m.put("output.kafka.record-timestamp", recordTimestamp);
        }
        return KafkaSinkConfig.from(new ConfigSource(m, Path.of(".")), new Secrets(Map.of()));
    }

    @Test
    void alertsOfMonthOldEventsOutliveASevenDayRetention() throws Exception {
        String kept = KAFKA.createTopic("alerts-default", 1);
        String eventTimed = KAFKA.createTopic("alerts-event-time", 1);
        int count = 20;
        List<Alert> sent = IntStream.range(0, count).mapToObj(SampleAlerts::workload).toList();
        // Relative to the broker's clock, which is the one retention reads: 30 days before now, whatever the date.
        long monthAgo = Instant.now().minus(Duration.ofDays(30)).toEpochMilli();

        StreamExecutionEnvironment env = FlinkMiniClusters.env();
        DataStream<Alert> alerts = env.fromData(sent, TypeInformation.of(Alert.class))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Alert>noWatermarks()
                        .withTimestampAssigner((alert, ignored) -> monthAgo));
        alerts.sinkTo(KafkaAlertSinkFactory.alerts(sinkConfig(kept, null))).name("default");
        alerts.sinkTo(KafkaAlertSinkFactory.alerts(sinkConfig(eventTimed, "event-time"))).name("event-time");
        env.execute("month-old alerts");

        // Segments roll on the first append after ROLL_AFTER; only a closed segment can be deleted.
        Thread.sleep(ROLL_AFTER.multipliedBy(2).toMillis());
        KAFKA.produce(List.of(marker(kept), marker(eventTimed)));

        Instant deadline = Instant.now().plus(KafkaBrokerExtension.WAIT);
        while (KAFKA.logStartOffsets(eventTimed).get(0) == 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("retention never deleted the event-time stamped alerts of " + eventTimed);
            }
            Thread.sleep(200);
        }
        assertThat(KAFKA.logStartOffsets(eventTimed)).containsEntry(0, (long) count);
        // Further retention checks pass over the default topic and find nothing to delete.
        Thread.sleep(2_000);

        assertThat(KAFKA.logStartOffsets(kept)).containsEntry(0, 0L);
        List<ConsumerRecord<byte[], byte[]>> read = KAFKA.readAll(kept, IsolationLevel.READ_COMMITTED);
        Set<String> keys = read.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .collect(Collectors.toSet());
        assertThat(keys).containsAll(sent.stream().map(Alert::alertId).toList());
        for (ConsumerRecord<byte[], byte[]> r : read) {
            if (!"marker".equals(new String(r.key(), StandardCharsets.UTF_8))) {
                assertThat(r.timestamp()).as("record timestamp is the time of writing").isGreaterThan(monthAgo
                        + Duration.ofDays(29).toMillis());
                assertThat(new String(r.headers().lastHeader(AlertRecordSerializer.HEADER_EVENT_TIME).value(),
                        StandardCharsets.UTF_8)).isEqualTo(Long.toString(monthAgo));
            }
        }
    }

    private static ProducerRecord<byte[], byte[]> marker(String topic) {
        return new ProducerRecord<>(topic, 0, null, "marker".getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8));
    }
}
