package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.sink.AlertJson;
import dev.cronsentinel.sink.DeadLetterRecordSerializer;
import dev.cronsentinel.testing.FlinkMiniClusters;
import dev.cronsentinel.testing.KafkaBrokerExtension;
import dev.cronsentinel.testing.Pipelines;
import dev.cronsentinel.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on Kafka: audit records produced to a real broker, the topology in a MiniCluster with
 * checkpointing, alerts and dead letters read back with {@code isolation.level=read_committed}.
 *
 * <p>The expected output is the same topology run over the same records from an in-memory source, with
 * the same origins and offsets, so the comparison isolates what Kafka in and out add: every alert id exactly
 * once (none missing, none duplicated) and every dead letter with its reason and source position. Chain alerts
 * (escalations and orphans) are the exception by design: a chain re-emits its alert under the same id as it
 * grows, so for them the topic is an upsert stream, and what must hold is that the count never goes back and
 * the last record of each id is the reference's.
 */
class KafkaPipelineITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniClusters.extension();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Input that must be dead-lettered without stopping the job: not JSON, a tombstone, cut-off JSON. */
    private static final List<byte[]> MALFORMED = java.util.Arrays.asList(
            "this is not an audit event".getBytes(StandardCharsets.UTF_8),
            null,
            "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"verb\":\"create\",\"objectRef\":{\"resource\":\"cronj"
                    .getBytes(StandardCharsets.UTF_8));

    // ------------------------------------------------------------------------------------------ fixtures

    /**
     * The attack-chain fixture (an hour of CronJob, Job and Pod traffic with the seed attack chains, benign and
     * orphan chains, both audit stages, slight disorder) merged by time with the sample audit log (one line that
     * already is an EventList, one cut-off line). The merge keeps each file's own order, disorder included, so no
     * event arrives later than its file made it.
     */
    private static List<byte[]> fixtureLines() {
        List<byte[]> chains = TestData.lines(TestData.resource("fixtures/chains/attack-chains.jsonl"));
        List<byte[]> sample = TestData.lines(TestData.projectRoot().resolve("samples/audit.log"));
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        String lastI = "";
        String lastJ = "";
        while (i < chains.size() || j < sample.size()) {
            String ti = i < chains.size() ? timeOf(chains.get(i), lastI) : null;
            String tj = j < sample.size() ? timeOf(sample.get(j), lastJ) : null;
            if (tj == null || (ti != null && ti.compareTo(tj) <= 0)) {
                out.add(chains.get(i++));
                lastI = ti;
            } else {
                out.add(sample.get(j++));
                lastJ = tj;
            }
        }
        return out;
    }

    /** The request time of an event or of a batch's first item; a line that is not JSON keeps its place. */
    private static String timeOf(byte[] line, String previous) {
        try {
            JsonNode n = JSON.readTree(line);
            if (n.has("items") && n.get("items").size() > 0) {
                n = n.get("items").get(0);
            }
            String t = n.path("requestReceivedTimestamp").asText("");
            return t.isEmpty() ? previous : t;
        } catch (java.io.IOException notJson) {
            return previous;
        }
    }

    /**
     * The same events as {@code EventList} batches of up to {@code size} items, as webhook-to-Kafka bridges
     * write them. A line that is not valid JSON cannot sit inside a batch, and a line that already is a batch
     * cannot nest in another; both travel as records of their own.
     */
    private static List<byte[]> asEventLists(List<byte[]> lines, int size) throws Exception {
        List<byte[]> out = new ArrayList<>();
        ArrayNode items = JSON.createArrayNode();
        for (byte[] line : lines) {
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (java.io.IOException notJson) {
                out.add(line);
                continue;
            }
            if ("EventList".equals(event.path("kind").asText())) {
                out.add(line);
                continue;
            }
            items.add(event);
            if (items.size() == size) {
                out.add(eventList(items));
                items = JSON.createArrayNode();
            }
        }
        if (!items.isEmpty()) {
            out.add(eventList(items));
        }
        return out;
    }

    private static byte[] eventList(ArrayNode items) throws Exception {
        ObjectNode list = JSON.createObjectNode();
        list.put("kind", "EventList");
        list.put("apiVersion", "audit.k8s.io/v1");
        list.putObject("metadata");
        list.set("items", items);
        return JSON.writeValueAsBytes(list);
    }

    /** Malformed records first, so everything after them shows the job kept going. */
    private static List<byte[]> withMalformedFirst(List<byte[]> values) {
        List<byte[]> out = new ArrayList<>(MALFORMED);
        out.addAll(values);
        return out;
    }

    /** Produces the values alternately to partitions 0 and 1 and returns them as the source will see them. */
    private static List<RawAuditRecord> produce(String topic, List<byte[]> values) throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            records.add(new ProducerRecord<>(topic, i % 2, null, values.get(i)));
        }
        List<RecordMetadata> landed = KAFKA.produce(records);
        List<RawAuditRecord> raw = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            byte[] v = values.get(i) == null ? new byte[0] : values.get(i);
            RecordMetadata m = landed.get(i);
            raw.add(new RawAuditRecord(m.topic() + "-" + m.partition(), m.offset(), v));
        }
        return raw;
    }

    // ------------------------------------------------------------------------------------------ the job

    private record Topics(String input, String alerts, String deadLetters, String group) {
        static Topics fresh(String stem) throws Exception {
            String input = KAFKA.createTopic(stem + "-audit", 2);
            return new Topics(input, KAFKA.createTopic(stem + "-alerts", 2),
                    KAFKA.createTopic(stem + "-dead-letters", 1), "cronsentinel-" + input);
        }
    }

    /** The shipped config file switched to Kafka by command-line overrides, exactly as an operator would. */
    private static JobConfig kafkaConfig(Topics t, boolean bounded) {
        return CronSentinelJob.loadConfig(new String[] {
                "--config", "conf/cronsentinel.yaml",
                "--input.type=kafka", "--output.type=kafka", "--dead-letters.type=kafka",
                // Replayed fixtures are dated: the wall clock must not judge them (the test stays date-independent).
                "--event-time.wall-clock-bounds=off",
                "--input.kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                "--input.kafka.topics=" + t.input(),
                "--input.kafka.group-id=" + t.group(),
                "--input.kafka.starting-offsets=earliest",
                "--input.kafka.bounded=" + bounded,
                "--output.kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                "--output.kafka.alerts-topic=" + t.alerts(),
                "--output.kafka.dead-letter-topic=" + t.deadLetters(),
                "--output.kafka.transactional-id-prefix=" + t.input(),
                "--output.kafka.transaction-timeout=2m"});
    }

    /** Builds the job exactly as {@code CronSentinelJob.main} does, on the given environment. */
    private static void buildJob(StreamExecutionEnvironment env, JobConfig cfg) {
        CronSentinelJob.ensureCheckpointing(env, cfg);
        Topology.build(env, CronSentinelJob.source(env, cfg), CronSentinelJob.sinks(cfg), cfg);
    }

    private static StreamExecutionEnvironment checkpointedEnv(Duration interval, Path checkpoints, String restoreFrom) {
        Configuration conf = Pipelines.flinkConfig();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(FlinkMiniClusters.PARALLELISM);
        env.enableCheckpointing(interval.toMillis());
        return env;
    }

    // ------------------------------------------------------------------------------------------ expected

    /** What the topology makes of these records without Kafka: alerts by id, dead letters by source position. */
    private record Expected(Map<String, Alert> alerts, Map<String, DeadLetter> deadLetters) {}

    private static Expected reference(List<RawAuditRecord> records, JobConfig cfg) throws Exception {
        StreamExecutionEnvironment env = FlinkMiniClusters.env();
        Topology.Streams streams = Topology.build(env,
                env.fromData(records, TypeInformation.of(RawAuditRecord.class)),
                new Topology.Sinks(new DiscardingSink<>(), new DiscardingSink<>()), cfg);
        CloseableIterator<Alert> alerts = streams.alerts().collectAsync();
        CloseableIterator<DeadLetter> dead = streams.deadLetters().collectAsync();
        env.execute("reference");
        Map<String, Alert> byId = new TreeMap<>();
        alerts.forEachRemaining(a -> keepLatest(byId, a, "reference"));
        Map<String, DeadLetter> byPosition = new TreeMap<>();
        dead.forEachRemaining(d -> byPosition.put(d.origin() + "@" + d.position(), d));
        alerts.close();
        dead.close();
        return new Expected(byId, byPosition);
    }

    // ------------------------------------------------------------------------------------------ assertions

    /** The last committed alert of every key; fails on a single-event alert committed twice. */
    private static Map<String, Alert> committedAlerts(String topic) throws Exception {
        Map<String, Alert> byKey = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KAFKA.readAll(topic, IsolationLevel.READ_COMMITTED)) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            Alert alert = AlertJson.fromJson(new String(r.value(), StandardCharsets.UTF_8));
            assertThat(alert.alertId()).isEqualTo(key);
            keepLatest(byKey, alert, "committed");
        }
        return byKey;
    }

    /**
     * Keeps the latest alert of each id. Chain alerts may come again under their id, each time with a count no
     * lower than before (an update). A single-event alert comes again only as a grouped repeat of its finding
     * (score/AlertGroupingFunction), which always carries a higher count; one seen again with the same count is
     * a duplicate.
     */
    private static void keepLatest(Map<String, Alert> byId, Alert alert, String where) {
        Alert before = byId.put(alert.alertId(), alert);
        if (before != null) {
            if (alert.kind() == AlertKind.ESCALATION || alert.kind() == AlertKind.ORPHAN) {
                assertThat(alert.count()).as("%s: update of %s", where, alert.alertId()).isGreaterThanOrEqualTo(before.count());
            } else {
                assertThat(alert.count()).as("%s: alert %s twice", where, alert.alertId()).isGreaterThan(before.count());
            }
        }
    }

    private static void assertDeadLetters(String topic, Map<String, DeadLetter> expected) throws Exception {
        Map<String, String> actual = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KAFKA.readAll(topic, IsolationLevel.READ_COMMITTED)) {
            String at = header(r, DeadLetterRecordSerializer.HEADER_ORIGIN) + "@"
                    + header(r, DeadLetterRecordSerializer.HEADER_POSITION);
            assertThat(actual.put(at, header(r, DeadLetterRecordSerializer.HEADER_REASON) + " "
                    + new String(r.value(), StandardCharsets.UTF_8))).as("dead letter %s twice", at).isNull();
        }
        Map<String, String> wanted = new TreeMap<>();
        expected.forEach((at, d) -> wanted.put(at, d.reason() + " " + new String(d.payload(), StandardCharsets.UTF_8)));
        assertThat(actual).isEqualTo(wanted);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** The expected output is not trivially empty, and covers the malformed records. */
    private static void assertMeaningful(Expected expected, List<RawAuditRecord> raw) {
        // 19 ids with the default rules today (7 from the sample; from the chains 6 root alerts, 5 escalations and
        // an orphan); the floor only guards against an empty comparison passing.
        assertThat(expected.alerts()).hasSizeGreaterThanOrEqualTo(10);
        Set<String> malformedAt = new TreeSet<>();
        for (int i = 0; i < MALFORMED.size(); i++) {
            malformedAt.add(raw.get(i).origin() + "@" + raw.get(i).position());
        }
        assertThat(expected.deadLetters().keySet()).containsAll(malformedAt);
    }

    // ------------------------------------------------------------------------------------------ tests

    @Test
    void oneEventPerRecordRoundTripsWithEveryAlertExactlyOnce(@TempDir Path checkpoints) throws Exception {
        roundTrip(withMalformedFirst(fixtureLines()), checkpoints);
    }

    @Test
    void eventListBatchesRoundTripWithEveryAlertExactlyOnce(@TempDir Path checkpoints) throws Exception {
        List<byte[]> batches = asEventLists(fixtureLines(), 5);
        assertThat(batches.size()).isLessThan(fixtureLines().size());
        roundTrip(withMalformedFirst(batches), checkpoints);
    }

    private static void roundTrip(List<byte[]> values, Path checkpoints) throws Exception {
        Topics t = Topics.fresh("e2e");
        List<RawAuditRecord> raw = produce(t.input(), values);
        JobConfig cfg = kafkaConfig(t, true);
        Expected expected = reference(raw, cfg);
        assertMeaningful(expected, raw);

        StreamExecutionEnvironment env = checkpointedEnv(Duration.ofMillis(500), checkpoints, null);
        buildJob(env, cfg);
        env.execute("cronsentinel on kafka");

        assertThat(committedAlerts(t.alerts())).isEqualTo(expected.alerts());
        assertDeadLetters(t.deadLetters(), expected.deadLetters());
    }

    /**
     * Crash and restore: the first run reads part of the input, takes a checkpoint, writes more alerts into a
     * transaction that never commits, and is cancelled. The second run restores the checkpoint, aborts the
     * dangling transaction, re-reads from the checkpointed offsets and drains. read_committed must see each
     * alert exactly once, although the broker holds the re-written alerts twice.
     */
    @Test
    void restoreFromACheckpointAfterACrashKeepsTheCommittedAlertSetExact(
            @InjectMiniCluster MiniCluster miniCluster, @TempDir Path checkpoints) throws Exception {
        Topics t = Topics.fresh("restart");
        List<byte[]> values = withMalformedFirst(fixtureLines());
        int half = values.size() / 2;
        JobConfig cfg = kafkaConfig(t, false);

        // First run: periodic checkpoints far away, so the one checkpoint happens when the test says. (The
        // job is built without CronSentinelJob's interval check, which would rightly refuse a 1 h interval.)
        List<RawAuditRecord> raw = new ArrayList<>(produce(t.input(), values.subList(0, half)));
        StreamExecutionEnvironment first = checkpointedEnv(Duration.ofHours(1), checkpoints, null);
        Topology.build(first, CronSentinelJob.source(first, cfg), CronSentinelJob.sinks(cfg), cfg);
        JobClient run1 = first.executeAsync("cronsentinel run 1");
        KAFKA.awaitRecords(t.alerts(), IsolationLevel.READ_UNCOMMITTED, 1);
        String checkpoint = miniCluster.triggerCheckpoint(run1.getJobID()).get();
        // Everything written before the checkpoint barrier is among these; whatever comes later is not.
        long writtenByCheckpoint = KAFKA.readAll(t.alerts(), IsolationLevel.READ_UNCOMMITTED).size();

        raw.addAll(produce(t.input(), values.subList(half, values.size())));
        // Alerts of the second half reach the broker inside a transaction that the crash leaves open.
        awaitMoreUncommittedThan(t.alerts(), writtenByCheckpoint);
        run1.cancel().get();
        awaitTerminal(miniCluster, run1.getJobID());

        // Second run: same job, restored from the checkpoint, then drained so every event-time timer fires.
        StreamExecutionEnvironment second = checkpointedEnv(Duration.ofMillis(500), checkpoints, checkpoint);
        buildJob(second, cfg);
        JobClient run2 = second.executeAsync("cronsentinel run 2");
        KAFKA.awaitGroupCaughtUp(t.group(), t.input());
        miniCluster.stopWithSavepoint(run2.getJobID(), checkpoints.resolve("final").toUri().toString(), true,
                SavepointFormatType.CANONICAL).get();
        awaitTerminal(miniCluster, run2.getJobID());

        Expected expected = reference(raw, kafkaConfig(t, true));
        assertMeaningful(expected, raw);
        assertThat(committedAlerts(t.alerts())).isEqualTo(expected.alerts());
        assertDeadLetters(t.deadLetters(), expected.deadLetters());
        // The crash really left duplicates on the broker; only the transactions kept them from readers.
        assertThat(KAFKA.readAll(t.alerts(), IsolationLevel.READ_UNCOMMITTED).size())
                .isGreaterThan(expected.alerts().size());
    }

    private static void awaitMoreUncommittedThan(String topic, long count) throws Exception {
        java.time.Instant deadline = java.time.Instant.now().plus(KafkaBrokerExtension.WAIT);
        while (KAFKA.readAll(topic, IsolationLevel.READ_UNCOMMITTED).size() <= count) {
            if (java.time.Instant.now().isAfter(deadline)) {
                throw new AssertionError("no alert was written after the checkpoint within " + KafkaBrokerExtension.WAIT);
            }
            Thread.sleep(200);
        }
    }

    private static void awaitTerminal(MiniCluster miniCluster, JobID job) throws Exception {
        java.time.Instant deadline = java.time.Instant.now().plus(KafkaBrokerExtension.WAIT);
        while (!miniCluster.getJobStatus(job).get().isGloballyTerminalState()) {
            if (java.time.Instant.now().isAfter(deadline)) {
                throw new AssertionError("job " + job + " did not stop within " + KafkaBrokerExtension.WAIT);
            }
            Thread.sleep(100);
        }
    }
}
