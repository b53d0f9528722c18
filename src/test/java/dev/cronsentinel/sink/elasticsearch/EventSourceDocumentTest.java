package dev.cronsentinel.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.alert.AlertFactory;
import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.sink.AlertJson;
import dev.cronsentinel.testing.TestData;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An alert names the managed cluster its event came from, in its own document ({@code source}) and in ECS
 * ({@code orchestrator.cluster}, {@code cloud.*}), for each envelope of issue 18; a plain line names none.
 */
class EventSourceDocumentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Alert alertOf(String fixture, int line) {
        List<byte[]> lines = TestData.lines(TestData.resource("fixtures/envelopes/" + fixture));
        WorkloadEvent e = TestData.decode(DecoderConfig.defaults(), lines.get(line - 1)).events.get(0);
        ScoredEvent s = TestData.defaultScorer().score(e, TestData.classifier().classify(e));
        assertThat(s.alertable()).isTrue();
        return AlertFactory.fromScored(s, "default");
    }

    private static JsonNode ecs(Alert a) throws IOException {
        return JSON.readTree(EcsAlertDocument.toJson(a));
    }

    @Test
    void gkeAlertsNameClusterLocationAndProject() throws IOException {
        Alert a = alertOf("gke.jsonl", 1);
        JsonNode doc = ecs(a);
        assertThat(doc.at("/orchestrator/cluster/name").asText()).isEqualTo("prod-eu");
        assertThat(doc.at("/cloud/provider").asText()).isEqualTo("gcp");
        assertThat(doc.at("/cloud/region").asText()).isEqualTo("europe-west1");
        assertThat(doc.at("/cloud/project/id").asText()).isEqualTo("acme-prod");
        JsonNode own = JSON.readTree(AlertJson.toJson(a));
        assertThat(own.at("/source/envelope").asText()).isEqualTo("gke-cloud-audit");
        assertThat(AlertJson.fromJson(AlertJson.toJson(a)).source()).isEqualTo(a.source());
    }

    @Test
    void aksAlertsNameTheResourceIdAndSubscription() throws IOException {
        JsonNode doc = ecs(alertOf("aks.jsonl", 1));
        assertThat(doc.at("/cloud/provider").asText()).isEqualTo("azure");
        assertThat(doc.at("/orchestrator/cluster/name").asText()).isEqualTo("PROD-WEU");
        assertThat(doc.at("/orchestrator/cluster/id").asText()).endsWith("/MANAGEDCLUSTERS/PROD-WEU");
        assertThat(doc.at("/cloud/account/id").asText()).isEqualTo("0b1f6471-1bf0-4dda-aec3-cb9272f09590");
    }

    @Test
    void eksAlertsNameTheLogGroupAndAccount() throws IOException {
        JsonNode doc = ecs(alertOf("eks.jsonl", 1));
        assertThat(doc.at("/cloud/provider").asText()).isEqualTo("aws");
        assertThat(doc.at("/orchestrator/cluster/name").asText()).isEqualTo("prod-us");
        assertThat(doc.at("/orchestrator/cluster/id").asText()).isEqualTo("/aws/eks/prod-us/cluster");
        assertThat(doc.at("/cloud/account/id").asText()).isEqualTo("123456789012");
    }

    @Test
    void plainLinesNameNoCloud() throws IOException {
        Alert a = alertOf("eks.jsonl", 1);
        Alert plain = new Alert(a.alertId(), a.kind(), a.profile(), a.ruleVersion(), a.eventTime(), a.timestamp(), a.auditId(),
                a.username(), a.groups(), a.userAgent(), a.sourceIp(), a.namespace(), a.resource(), a.name(), a.verb(),
                a.responseCode(), a.signals(), a.score(), a.severity(), a.techniqueId(), a.tactics(), a.images(), a.count(),
                a.firstSeen(), a.lastSeen(), a.chain(), a.timeToFirstSpawnMillis(), a.compat());
        JsonNode doc = ecs(plain);
        assertThat(doc.has("cloud")).isFalse();
        assertThat(doc.at("/orchestrator/cluster").isMissingNode()).isTrue();
    }
}
