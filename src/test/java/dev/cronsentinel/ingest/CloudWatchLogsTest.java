package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.EventSource;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.Allocations;
import dev.cronsentinel.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * EKS control-plane audit logs as a CloudWatch Logs subscription delivers them
 * ({@code fixtures/envelopes/eks.jsonl}; its README cites the sources: AWS's CloudWatch Logs subscription
 * filter documentation for the DATA_MESSAGE/CONTROL_MESSAGE payload and its gzip + base64 transport, the EKS
 * control-plane logging documentation for the {@code /aws/eks/<cluster>/cluster} log group and the
 * {@code kube-apiserver-audit-*} streams, Falco's k8saudit-eks plugin, which reads the same log events).
 */
class CloudWatchLogsTest {
    private static final List<byte[]> LINES = TestData.lines(TestData.resource("fixtures/envelopes/eks.jsonl"));
    private static final String ID_0 = "37841912345678901234567890123456789012345678901234567890";

    private static TestData.Decoded line(int n) {
        return TestData.decode(DecoderConfig.defaults(), LINES.get(n - 1));
    }

    @Test
    void aDeliveryIsSplitPerLogEventAndOneBrokenMessageCostsOnlyItself() {
        TestData.Decoded d = line(1);
        assertThat(d.events).singleElement().satisfies(e -> {
            assertThat(e.auditId()).isEqualTo("eks-cj-1");
            assertThat(e.name()).isEqualTo("miner");
            assertThat(e.source()).isEqualTo(new EventSource("aws", "eks-cloudwatch-logs", "prod-us", null, null, "123456789012",
                    "/aws/eks/prod-us/cluster", ID_0));
            assertThat(e.origin()).isEqualTo("test:1");
        });
        assertThat(d.filtered).containsExactly("verb");
        assertThat(d.deadLetters).singleElement().satisfies(dl -> {
            assertThat(dl.reason()).isEqualTo("malformed-json");
            assertThat(dl.detail()).as("names the CloudWatch id").startsWith("eks-cloudwatch-logs 37841912345678901234567890123456789012345678901234567892: ");
        });
    }

    @Test
    void controlMessagesAreFilteredByTheByteScanner() {
        assertThat(new AuditPreFilter(64).classify(LINES.get(1))).isEqualTo(AuditPreFilter.Verdict.IRRELEVANT);
        TestData.Decoded d = line(2);
        assertThat(d.filtered).containsExactly("eks-control-message");
        assertThat(d.events).isEmpty();
        assertThat(d.deadLetters).isEmpty();
        TestData.Decoded reordered = TestData.decode("{\"logEvents\":[{\"id\":\"\",\"message\":\"CWL CONTROL MESSAGE\"}],\"messageType\":\"CONTROL_MESSAGE\"}");
        assertThat(reordered.filtered).containsExactly("eks-control-message");
    }

    @Test
    void anEntryOfTheWrongTypeIsDeadLetteredAndTheDeniedCreateAfterItIsAnAttempt() {
        TestData.Decoded d = line(3);
        assertThat(d.filtered).containsExactly("verb");
        assertThat(d.deadLetters).extracting(DeadLetter::reason).containsExactly("wrong-type");
        assertThat(d.events).singleElement().satisfies(e -> {
            assertThat(e.responseCode()).isEqualTo(403);
            assertThat(TestData.classifier().classify(e)).isEqualTo(EventRole.ATTEMPT);
        });
    }

    @Test
    void base64GzipAndRawGzipDeliveriesDecodeLikeThePlainOne() throws IOException {
        TestData.Decoded plain = line(1);
        TestData.Decoded base64 = line(4);
        assertThat(base64.events).isEqualTo(plain.events);
        assertThat(base64.filtered).isEqualTo(plain.filtered);
        assertThat(base64.deadLetters).extracting(DeadLetter::reason).containsExactly("malformed-json");
        byte[] raw = Base64.getDecoder().decode(new String(LINES.get(3), java.nio.charset.StandardCharsets.US_ASCII).trim());
        assertThat(raw[0]).isEqualTo((byte) 0x1f);
        TestData.Decoded gzip = TestData.decode(DecoderConfig.defaults(), raw);
        assertThat(gzip.events).isEqualTo(plain.events);
    }

    @Test
    void aRawGzipKafkaValueIsDecodedAsTheFileLineIs() {
        // A Kinesis-to-Kafka bridge passes the delivery's bytes on: binary gzip, which no line file can hold.
        byte[] gzip = Base64.getDecoder().decode(new String(LINES.get(3), java.nio.charset.StandardCharsets.US_ASCII).trim());
        RawAuditRecord raw = new KafkaAuditRecordDeserializer(16 << 20)
                .toRaw(new org.apache.kafka.clients.consumer.ConsumerRecord<>("eks-audit", 0, 42L, null, gzip));
        TestData.Decoded d = new TestData.Decoded();
        new AuditDecoder(DecoderConfig.defaults()).decode(raw, d);
        assertThat(d.events).extracting(WorkloadEvent::auditId).containsExactly("eks-cj-1");
        assertThat(d.events.get(0).origin()).isEqualTo("eks-audit-0:42");
        assertThat(d.events.get(0).source().position()).isEqualTo(ID_0);
    }

    @Test
    void corruptCompressedRecordsAreDeadLetteredWithTheirRawBytes() {
        byte[] gz = Base64.getDecoder().decode(new String(LINES.get(3), java.nio.charset.StandardCharsets.US_ASCII).trim());
        byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
        TestData.Decoded d = TestData.decode(DecoderConfig.defaults(), truncated);
        assertThat(d.deadLetters).singleElement().satisfies(dl -> {
            assertThat(dl.reason()).isEqualTo("malformed-compression");
            assertThat(dl.payload()).isEqualTo(truncated);
        });
        assertThat(TestData.decode("H4sI!!not base64!!").deadLetters).extracting(DeadLetter::reason).containsExactly("malformed-compression");
    }

    @Test
    void aZipBombHitsTheRecordLimitAndCostsNoMoreThanIt() throws Exception {
        // 64 MiB of spaces inside a delivery compress to about 64 KiB; the limit here is 1 MiB.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write("{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[".getBytes());
            byte[] spaces = new byte[1 << 20];
            Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 64; i++) {
                gz.write(spaces);
            }
            gz.write("]}".getBytes());
        }
        byte[] bomb = bytes.toByteArray();
        assertThat(bomb.length).isLessThan(1 << 20);
        DecoderConfig small = new DecoderConfig(1 << 20, 1 << 20, 64, 1 << 20, 1024, DecoderConfig.DEFAULT_CONTROLLERS,
                DecoderConfig.DEFAULT_OUT_OF_SCOPE_POD_CREATORS);
        AuditDecoder decoder = new AuditDecoder(small);
        TestData.Decoded d = new TestData.Decoded();
        long allocated = Allocations.allocatedBy(() -> decoder.decode(new RawAuditRecord("bomb", 1, bomb), d));
        assertThat(d.deadLetters).singleElement().satisfies(dl -> {
            assertThat(dl.reason()).isEqualTo("oversized");
            assertThat(dl.detail()).contains("ingest.max-record-bytes=1048576");
            assertThat(dl.payloadLength()).isEqualTo(bomb.length);
        });
        assertThat(allocated).as("bytes allocated").isLessThan(8L << 20);
        String b64 = Base64.getEncoder().encodeToString(bomb);
        assertThat(TestData.decode(small, b64.getBytes()).deadLetters).extracting(DeadLetter::reason).containsExactly("oversized");
    }

    @Test
    void deliveriesGluedTogetherAsInAFirehoseObjectAreReadOneByOne() throws IOException {
        // Firehose writes each delivery as its own gzip member; inflated, they follow each other with no separator.
        ByteArrayOutputStream object = new ByteArrayOutputStream();
        for (int n : new int[] {1, 2, 3}) {
            try (GZIPOutputStream gz = new GZIPOutputStream(object)) {
                gz.write(LINES.get(n - 1));
            }
        }
        TestData.Decoded d = TestData.decode(DecoderConfig.defaults(), object.toByteArray());
        assertThat(d.events).extracting(WorkloadEvent::auditId).containsExactly("eks-cj-1", "eks-pod-denied");
        assertThat(d.filtered).containsExactly("verb", "eks-control-message", "verb");
        assertThat(d.deadLetters).extracting(DeadLetter::reason).containsExactly("malformed-json", "wrong-type");
        TestData.Decoded junk = TestData.decode(new String(LINES.get(0), java.nio.charset.StandardCharsets.UTF_8) + " 42");
        assertThat(junk.deadLetters).extracting(DeadLetter::reason).containsExactly("malformed-json", "malformed-json");
    }

    @Test
    void theLogGroupNamesTheCluster() {
        assertThat(CloudWatchLogsSplitter.clusterName("/aws/eks/prod-us/cluster")).isEqualTo("prod-us");
        assertThat(CloudWatchLogsSplitter.clusterName("/custom/group")).isNull();
        assertThat(CloudWatchLogsSplitter.clusterName(null)).isNull();
    }
}
