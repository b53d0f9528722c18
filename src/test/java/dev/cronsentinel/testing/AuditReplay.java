package dev.cronsentinel.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.fixtures.AttackChainFixture;
import dev.cronsentinel.model.RawAuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Audit traffic to replay through Kafka: the attack-chain fixture merged by time with the sample audit log, and
 * the malformed records a job must dead-letter without stopping. Produces them to a real broker and returns
 * them as the job's source will see them (origin and offset), so a reference run can use the same positions.
 */
public final class AuditReplay {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Input that must be dead-lettered without stopping the job: not JSON, a tombstone, cut-off JSON. */
    public static final List<byte[]> MALFORMED = Arrays.asList(
            "this is not an audit event".getBytes(StandardCharsets.UTF_8),
            null,
            "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"verb\":\"create\",\"objectRef\":{\"resource\":\"cronj"
                    .getBytes(StandardCharsets.UTF_8));

    private AuditReplay() {}

    /**
     * The attack-chain fixture (an hour of CronJob, Job and Pod traffic with the seed attack chains, benign and
     * orphan chains, both audit stages, slight disorder) merged by time with the sample audit log (one line that
     * already is an EventList, one cut-off line). The merge keeps each file's own order, disorder included.
     */
    public static List<byte[]> fixtureLines() {
        List<byte[]> chains = TestData.lines(TestData.resource(AttackChainFixture.FIXTURE));
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

    /** Malformed records first, so everything after them shows the job kept going. */
    public static List<byte[]> withMalformedFirst(List<byte[]> values) {
        List<byte[]> out = new ArrayList<>(MALFORMED);
        out.addAll(values);
        return out;
    }

    /**
     * The request time of an event or of a batch's first item ({@code requestReceivedTimestamp}, RFC 3339 in UTC,
     * so strings compare like instants); a line that is not JSON keeps {@code previous}.
     */
    public static String timeOf(byte[] line, String previous) {
        try {
            JsonNode n = JSON.readTree(line);
            if (n.has("items") && n.get("items").size() > 0) {
                n = n.get("items").get(0);
            }
            String t = n.path("requestReceivedTimestamp").asText("");
            return t.isEmpty() ? previous : t;
        } catch (IOException notJson) {
            return previous;
        }
    }

    /** The index of the first line whose request time is at or after {@code t}; lines without one stay put. */
    public static int firstAtOrAfter(List<byte[]> lines, Instant t) {
        String last = "";
        for (int i = 0; i < lines.size(); i++) {
            last = timeOf(lines.get(i), last);
            if (!last.isEmpty() && !Instant.parse(last).isBefore(t)) {
                return i;
            }
        }
        return lines.size();
    }

    /** The lines whose request time lies in {@code [from, to)}. */
    public static List<byte[]> between(List<byte[]> lines, Instant from, Instant to) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] line : lines) {
            String t = timeOf(line, "");
            if (!t.isEmpty() && !Instant.parse(t).isBefore(from) && Instant.parse(t).isBefore(to)) {
                out.add(line);
            }
        }
        return out;
    }

    /**
     * Produces the values alternately to partitions 0 and 1 and returns them as the Kafka source will see them:
     * origin {@code topic-partition}, position the offset, a tombstone as empty bytes.
     */
    public static List<RawAuditRecord> produce(KafkaBrokerExtension kafka, String topic, List<byte[]> values)
            throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            records.add(new ProducerRecord<>(topic, i % 2, null, values.get(i)));
        }
        List<RecordMetadata> landed = kafka.produce(records);
        List<RawAuditRecord> raw = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            byte[] v = values.get(i) == null ? new byte[0] : values.get(i);
            RecordMetadata m = landed.get(i);
            raw.add(new RawAuditRecord(m.topic() + "-" + m.partition(), m.offset(), v));
        }
        return raw;
    }
}
