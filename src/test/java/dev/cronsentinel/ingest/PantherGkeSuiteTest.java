package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Panther's own GKE rule tests ({@code ../shared/data/peer-suites/panther/panther-gke.jsonl}, labelled in its
 * {@code cases.json}): before issue 18 every one of the 12 malicious pod and CronJob creates was dead-lettered
 * {@code unsupported-envelope}. Panther's entries are hand-written stubs without a {@code timestamp} or
 * {@code insertId}; completed with those two alone (as the suite's PROVENANCE completes its EKS and AKS
 * events), each is now decoded to the workload it creates and read for its spec.
 */
class PantherGkeSuiteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SUITE = TestData.shared().resolve("data/peer-suites/panther");

    @Test
    void everyMaliciousGkeCreateOfThePeerSuiteIsDecodedAndScored() throws IOException {
        List<byte[]> lines = TestData.lines(SUITE.resolve("panther-gke.jsonl"));
        List<Integer> malicious = new ArrayList<>();
        for (JsonNode c : JSON.readTree(SUITE.resolve("cases.json").toFile()).path("cases")) {
            for (JsonNode r : c.path("renderings")) {
                if ("panther-gke.jsonl".equals(r.path("file").asText()) && "malicious".equals(c.path("label").asText())) {
                    malicious.add(r.path("line").asInt());
                }
            }
        }
        assertThat(malicious).hasSize(12);
        List<Integer> alerting = new ArrayList<>();
        for (int line : malicious) {
            ObjectNode entry = (ObjectNode) JSON.readTree(lines.get(line - 1));
            entry.put("timestamp", "2025-01-06T00:00:00.000000Z");
            entry.put("insertId", "peer-panther-gke-" + line);
            TestData.Decoded d = TestData.decode(DecoderConfig.defaults(), JSON.writeValueAsString(entry).getBytes(StandardCharsets.UTF_8));
            assertThat(d.deadLetters).as("line %d", line).extracting(DeadLetter::reason).isEmpty();
            assertThat(d.events).as("line %d", line).hasSize(1);
            WorkloadEvent e = d.events.get(0);
            assertThat(e.resource()).isIn("pods", "cronjobs", "jobs");
            ScoredEvent s = TestData.defaultScorer().score(e, TestData.classifier().classify(e));
            if (s.alertable()) {
                alerting.add(line);
            }
        }
        // Scored by the structural rules and the detection families like any plain event: privileged containers,
        // hostPath mounts, host namespaces and added capabilities (the Pod Security Standards baseline, reported at
        // least at low) alert. Below the threshold, as on a plain audit line: 16 (runAsNonRoot false alone, a
        // restricted-only finding) and 28 (a person's plain nginx pod in gke-system,
        // a system namespace, with nothing else).
        assertThat(alerting).as("malicious GKE creates that alert").containsExactly(8, 10, 13, 15, 29, 30, 31, 32, 33, 34);
    }
}
