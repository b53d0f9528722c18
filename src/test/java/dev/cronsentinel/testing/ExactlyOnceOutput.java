package dev.cronsentinel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.Topology;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.sink.AlertJson;
import dev.cronsentinel.sink.DeadLetterRecordSerializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;

/**
 * The oracle for fault tests on Kafka: the same topology run over the same records (same origins and offsets)
 * from an in-memory source in the test's MiniCluster, with no fault and no Kafka, compared with what a
 * {@code read_committed} consumer sees on the job's output topics.
 *
 * <p>"Exact" means: the same alert ids, none missing and none extra, and for each id the reference's final
 * version. Single-event alerts (workload, attempt, unscored) have one version, so for them this is "each exactly
 * once". Chain alerts (escalation, orphan) are re-emitted under their id as the chain grows: their topic is an
 * upsert stream, whose count may never go back and whose last record per id must equal the reference's.
 */
public final class ExactlyOnceOutput {
    private ExactlyOnceOutput() {}

    /** What the topology makes of the records: every alert version in emission order, dead letters by position. */
    public record Expected(List<Alert> alerts, Map<String, DeadLetter> deadLetters) {
        public Map<String, Alert> finalAlerts() {
            return finalVersions(alerts);
        }
    }

    /** Runs the topology over the records on the test's MiniCluster (needs a registered MiniClusterExtension). */
    public static Expected reference(List<RawAuditRecord> records, JobConfig cfg) throws Exception {
        StreamExecutionEnvironment env = FlinkMiniClusters.env();
        Topology.Streams streams = Topology.build(env,
                env.fromData(records, TypeInformation.of(RawAuditRecord.class)),
                new Topology.Sinks(new DiscardingSink<>(), new DiscardingSink<>()), cfg);
        List<Alert> alerts = new ArrayList<>();
        Map<String, DeadLetter> dead = new TreeMap<>();
        try (CloseableIterator<Alert> a = streams.alerts().collectAsync();
                CloseableIterator<DeadLetter> d = streams.deadLetters().collectAsync()) {
            env.execute("reference");
            a.forEachRemaining(alerts::add);
            d.forEachRemaining(x -> dead.put(x.origin() + "@" + x.position(), x));
        }
        return new Expected(alerts, dead);
    }

    /** Every alert committed on the topic, in partition order, checked against its key. */
    public static List<Alert> committedAlerts(KafkaBrokerExtension kafka, String topic) throws Exception {
        List<Alert> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic, IsolationLevel.READ_COMMITTED)) {
            Alert alert = AlertJson.fromJson(new String(r.value(), StandardCharsets.UTF_8));
            assertThat(alert.alertId()).isEqualTo(new String(r.key(), StandardCharsets.UTF_8));
            out.add(alert);
        }
        return out;
    }

    /** The committed alerts are exactly the reference's: nothing lost, nothing duplicated, same final versions. */
    public static void assertAlertsExact(List<Alert> committed, Expected expected) {
        assertVersions(expected.alerts(), "reference");
        assertVersions(committed, "committed");
        Map<String, Alert> wanted = expected.finalAlerts();
        Map<String, Alert> got = finalVersions(committed);
        assertThat(got.keySet()).as("alert ids").containsExactlyInAnyOrderElementsOf(wanted.keySet());
        assertThat(got).as("final version of every alert").isEqualTo(wanted);
    }

    /**
     * An alert id comes again only as an update: a chain alert (escalation, orphan) with a count no lower
     * than before, a single-event alert only as a grouped repeat of its finding, with a higher count. A
     * single-event alert delivered twice with the same count is a duplicate.
     */
    private static void assertVersions(List<Alert> alerts, String where) {
        Map<String, Alert> last = new TreeMap<>();
        for (Alert a : alerts) {
            Alert before = last.put(a.alertId(), a);
            if (before != null) {
                if (singleEvent(a)) {
                    assertThat(a.count()).as("%s: alert %s twice", where, a.alertId()).isGreaterThan(before.count());
                } else {
                    assertThat(a.count()).as("%s: update of %s", where, a.alertId()).isGreaterThanOrEqualTo(before.count());
                }
            }
        }
    }

    /** Single-event alerts: one per alertable event, the ones the scoring stage counts by severity. */
    public static boolean singleEvent(Alert a) {
        return a.kind() != AlertKind.ESCALATION && a.kind() != AlertKind.ORPHAN;
    }

    /** Dead letters keyed by source position: the same reason and payload, each exactly once. */
    public static void assertDeadLettersExact(KafkaBrokerExtension kafka, String topic, Expected expected) throws Exception {
        Map<String, String> actual = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic, IsolationLevel.READ_COMMITTED)) {
            String at = header(r, DeadLetterRecordSerializer.HEADER_ORIGIN) + "@"
                    + header(r, DeadLetterRecordSerializer.HEADER_POSITION);
            assertThat(actual.put(at, header(r, DeadLetterRecordSerializer.HEADER_REASON) + " "
                    + new String(r.value(), StandardCharsets.UTF_8))).as("dead letter %s twice", at).isNull();
        }
        Map<String, String> wanted = new TreeMap<>();
        expected.deadLetters().forEach((at, d) -> wanted.put(at, d.reason() + " " + new String(d.payload(), StandardCharsets.UTF_8)));
        assertThat(actual).isEqualTo(wanted);
    }

    private static Map<String, Alert> finalVersions(List<Alert> alerts) {
        Map<String, Alert> last = new LinkedHashMap<>();
        alerts.forEach(a -> last.put(a.alertId(), a));
        return new TreeMap<>(last);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
