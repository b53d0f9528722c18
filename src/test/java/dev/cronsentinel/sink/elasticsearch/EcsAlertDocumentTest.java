package dev.cronsentinel.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.SeedRow;
import dev.cronsentinel.model.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EcsAlertDocumentTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode doc(Alert a) throws IOException {
        return MAPPER.readTree(EcsAlertDocument.toJson(a));
    }

    @Test
    void mapsTheAlertToEcsFields() throws IOException {
        Alert a = AlertFixtures.workload("audit-1", "backup", "10.1.2.3");
        JsonNode d = doc(a);

        assertThat(d.path("@timestamp").asText()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(d.path("event").path("kind").asText()).isEqualTo("alert");
        assertThat(d.path("event").path("category").get(0).asText()).isEqualTo("configuration");
        assertThat(d.path("event").path("type").get(0).asText()).isEqualTo("creation");
        assertThat(d.path("event").path("action").asText()).isEqualTo("create");
        assertThat(d.path("event").path("outcome").asText()).isEqualTo("success");
        assertThat(d.path("event").path("id").asText()).isEqualTo(a.alertId());
        assertThat(d.path("event").path("severity").asInt()).isEqualTo(73);
        assertThat(d.path("event").path("risk_score").asDouble()).isEqualTo(75.0);
        assertThat(d.path("rule").path("id").asText()).isEqualTo("cronsentinel-workload");
        assertThat(d.path("rule").path("version").asText()).isEqualTo("rules-1");
        assertThat(d.path("threat").path("framework").asText()).isEqualTo("MITRE ATT&CK");
        assertThat(d.path("threat").path("technique").path("id").asText()).isEqualTo("T1053.007");
        assertThat(d.path("threat").path("technique").path("subtechnique").path("id").asText()).isEqualTo("T1053.007");
        assertThat(d.path("threat").path("tactic").path("id")).extracting(JsonNode::asText)
                .containsExactly("TA0002", "TA0003", "TA0004");
        assertThat(d.path("threat").path("tactic").path("name")).extracting(JsonNode::asText)
                .containsExactly("Execution", "Persistence", "Privilege Escalation");
        assertThat(d.path("user").path("name").asText()).isEqualTo("alice@example.com");
        assertThat(d.path("user").path("group").path("name")).extracting(JsonNode::asText)
                .containsExactly("system:authenticated", "devs");
        assertThat(d.path("source").path("ip").asText()).isEqualTo("10.1.2.3");
        assertThat(d.path("orchestrator").path("type").asText()).isEqualTo("kubernetes");
        assertThat(d.path("orchestrator").path("namespace").asText()).isEqualTo("payments");
        assertThat(d.path("orchestrator").path("resource").path("type").asText()).isEqualTo("cronjobs");
        assertThat(d.path("orchestrator").path("resource").path("name").asText()).isEqualTo("backup");
        assertThat(d.path("container").path("image").path("name")).extracting(JsonNode::asText)
                .containsExactly("busybox:1.36");
        assertThat(d.path("message").asText())
                .contains("cronjobs payments/backup", "alice@example.com", "privileged-container, host-path-mount");

        JsonNode cs = d.path("cronsentinel");
        assertThat(cs.path("alert_id").asText()).isEqualTo(a.alertId());
        assertThat(cs.path("kind").asText()).isEqualTo("workload");
        assertThat(cs.path("audit_id").asText()).isEqualTo("audit-1");
        assertThat(cs.path("severity").asText()).isEqualTo("high");
        assertThat(cs.path("signals")).hasSize(2);
        assertThat(cs.path("signals").get(1).path("path").asText()).endsWith("volumes[0].hostPath.path");
        assertThat(cs.path("signals").get(1).path("value").asText()).isEqualTo("/");
        assertThat(cs.has("truncated")).isFalse();
    }

    @Test
    void escalationCarriesItsChainAndSpawnTimes() throws IOException {
        Alert a = AlertFixtures.escalation("root-uid", 3);
        JsonNode d = doc(a);

        assertThat(d.path("@timestamp").asText()).isEqualTo("2026-03-01T10:03:00Z");
        assertThat(d.path("event").path("start").asText()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(d.path("event").path("end").asText()).isEqualTo("2026-03-01T10:03:00Z");
        assertThat(d.path("event").path("severity").asInt()).isEqualTo(99);
        assertThat(d.path("rule").path("id").asText()).isEqualTo("cronsentinel-escalation");
        assertThat(d.path("message").asText()).contains("3 spawns");
        JsonNode chain = d.path("cronsentinel").path("chain");
        assertThat(chain).hasSize(3);
        assertThat(chain.get(0).path("time").asText()).isEqualTo("2026-03-01T10:01:00Z");
        assertThat(chain.get(2).path("name").asText()).isEqualTo("evil-29000002");
        assertThat(d.path("cronsentinel").path("time_to_first_spawn_ms").asLong()).isEqualTo(60_000L);
        assertThat(d.path("cronsentinel").path("count").asLong()).isEqualTo(3);
    }

    @Test
    void versionFollowsTheCountSoLaterEmissionsWin() {
        assertThat(EcsAlertDocument.version(AlertFixtures.escalation("r", 1))).isEqualTo(1);
        assertThat(EcsAlertDocument.version(AlertFixtures.escalation("r", 7))).isEqualTo(7);
        assertThat(EcsAlertDocument.version(AlertFixtures.escalation("r", 0))).isEqualTo(1);
    }

    @Test
    void theSameAlertAlwaysRendersTheSameBytes() {
        assertThat(EcsAlertDocument.toJson(AlertFixtures.escalation("r", 4)))
                .isEqualTo(EcsAlertDocument.toJson(AlertFixtures.escalation("r", 4)));
    }

    @Test
    void aSourceThatIsNotAnAddressStaysOutOfTheIpField() throws IOException {
        JsonNode d = doc(AlertFixtures.workload("audit-2", "x", "not-an-ip"));
        assertThat(d.path("source").path("address").asText()).isEqualTo("not-an-ip");
        assertThat(d.path("source").has("ip")).isFalse();

        JsonNode none = doc(AlertFixtures.workload("audit-3", "x", null));
        assertThat(none.has("source")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::", "fe80::1", "2001:db8::8a2e:370:7334",
            "::ffff:192.168.1.1", "::1.2.3.4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7::", "ABCD::ef"})
    void acceptsIpLiterals(String s) {
        assertThat(EcsAlertDocument.isIpLiteral(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.1", "010.0.0.1", "256.0.0.1", "1.2.3.4.5", "1.2.3.", "host.example", "1::2::3",
            "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", "fe80::1%eth0", ":::", "12345::", "1:2:3:4:5:6:7", ":1::",
            "1::2:", "::1.2.3", "1.2.3.4:80", "[::1]", " 10.0.0.1"})
    void refusesWhatElasticsearchWouldRefuse(String s) {
        assertThat(EcsAlertDocument.isIpLiteral(s)).isFalse();
    }

    @Test
    void severityNumbersFollowElasticSecurity() {
        assertThat(EcsAlertDocument.severityNumber(Severity.INFO)).isZero();
        assertThat(EcsAlertDocument.severityNumber(Severity.LOW)).isEqualTo(21);
        assertThat(EcsAlertDocument.severityNumber(Severity.MEDIUM)).isEqualTo(47);
        assertThat(EcsAlertDocument.severityNumber(Severity.HIGH)).isEqualTo(73);
        assertThat(EcsAlertDocument.severityNumber(Severity.CRITICAL)).isEqualTo(99);
        assertThat(EcsAlertDocument.severityNumber(null)).isZero();
    }

    @Test
    void verbsMapToEventTypes() {
        assertThat(EcsAlertDocument.eventType("create")).isEqualTo("creation");
        assertThat(EcsAlertDocument.eventType("patch")).isEqualTo("change");
        assertThat(EcsAlertDocument.eventType("update")).isEqualTo("change");
        assertThat(EcsAlertDocument.eventType(null)).isEqualTo("info");
    }

    @Test
    void aDeployContainerAlertNamesT1610WithoutASubTechnique() throws IOException {
        Alert ok = AlertFixtures.workload("audit-5", "x", "10.0.0.1");
        Alert pod = new Alert(ok.alertId(), ok.kind(), ok.profile(), ok.ruleVersion(), ok.eventTime(), ok.timestamp(),
                ok.auditId(), ok.username(), ok.groups(), ok.userAgent(), ok.sourceIp(), ok.namespace(), "pods", "dbg",
                "create", 201, ok.signals(), ok.score(), ok.severity(), Alert.DEPLOY_CONTAINER_ID, ok.tactics(),
                ok.images(), 1, ok.firstSeen(), ok.lastSeen(), ok.chain(), null, null);
        JsonNode d = doc(pod);
        assertThat(d.path("threat").path("technique").path("id").asText()).isEqualTo("T1610");
        assertThat(d.path("threat").path("technique").path("name").asText()).isEqualTo("Deploy Container");
        assertThat(d.path("threat").path("technique").has("subtechnique")).isFalse();
        assertThat(d.path("tags")).extracting(JsonNode::asText).contains("T1610").doesNotContain("T1053.007");
    }

    @Test
    void aRefusedRequestIsAFailureOutcome() throws IOException {
        Alert ok = AlertFixtures.workload("audit-4", "x", "10.0.0.1");
        Alert refused = new Alert(ok.alertId(), AlertKind.ATTEMPT, ok.profile(), ok.ruleVersion(), ok.eventTime(),
                ok.timestamp(), ok.auditId(), ok.username(), ok.groups(), ok.userAgent(), ok.sourceIp(), ok.namespace(),
                "jobs", null, "create", 403, ok.signals(), ok.score(), ok.severity(), ok.techniqueId(), ok.tactics(),
                ok.images(), 1, ok.firstSeen(), ok.lastSeen(), ok.chain(), null, null);
        JsonNode d = doc(refused);
        assertThat(d.path("event").path("outcome").asText()).isEqualTo("failure");
        assertThat(d.path("rule").path("id").asText()).isEqualTo("cronsentinel-attempt");
        assertThat(d.path("orchestrator").path("resource").has("name")).isFalse();
    }

    @Test
    void anAlmostEmptyAlertStillRenders() throws IOException {
        Alert bare = new Alert("cs-x-1", AlertKind.UNSCORED, null, null, 0, null, null, null, null, null, null, null,
                null, null, null, 0, null, 0, null, null, null, null, 0, 0, 0, null, null, null);
        JsonNode d = doc(bare);
        assertThat(d.path("@timestamp").asText()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(d.path("event").path("type").get(0).asText()).isEqualTo("info");
        assertThat(d.path("event").has("outcome")).isFalse();
        assertThat(d.has("user")).isFalse();
        assertThat(d.path("cronsentinel").path("signals")).isEmpty();
    }

    @Test
    void compatRowsKeepTheSeedQueryFlags() throws IOException {
        Alert w = AlertFixtures.workload("audit-5", "x", "10.0.0.1");
        SeedRow row = new SeedRow("audit-5", "ResponseComplete", "2026-03-01T10:00:00Z", "cronjobs", "create", "payments",
                "x", "alice", "kubectl", "10.0.0.1", Map.of("privileged", 1, "hostPath", 0), 1);
        Alert compat = new Alert(w.alertId(), AlertKind.COMPAT, "splunk", w.ruleVersion(), w.eventTime(), w.timestamp(),
                w.auditId(), w.username(), w.groups(), w.userAgent(), w.sourceIp(), w.namespace(), w.resource(),
                w.name(), w.verb(), w.responseCode(), w.signals(), w.score(), w.severity(), w.techniqueId(),
                w.tactics(), w.images(), 1, w.firstSeen(), w.lastSeen(), w.chain(), null, row);
        JsonNode c = doc(compat).path("cronsentinel").path("compat");
        assertThat(c.path("flags").path("privileged").asInt()).isEqualTo(1);
        assertThat(c.path("flags").path("hostPath").asInt()).isZero();
        assertThat(c.path("suspicion_score").asInt()).isEqualTo(1);
        assertThat(doc(compat).path("rule").path("name").asText()).contains("splunk");
    }

    @Test
    void anOversizedAlertIsShortenedAndMarked() throws IOException {
        Alert big = AlertFixtures.escalation("root", 400);
        int full = EcsAlertDocument.toJson(big).length;
        byte[] within = EcsAlertDocument.toJsonWithin(big, full / 4);

        assertThat(within).isNotNull();
        assertThat(within.length).isLessThanOrEqualTo(full / 4);
        JsonNode cs = MAPPER.readTree(within).path("cronsentinel");
        assertThat(cs.path("truncated").asBoolean()).isTrue();
        assertThat(cs.path("chain")).hasSize(2 * EcsAlertDocument.CHAIN_KEEP_EACH_END);
        assertThat(cs.path("chain_omitted").asInt()).isEqualTo(400 - 2 * EcsAlertDocument.CHAIN_KEEP_EACH_END);
        assertThat(cs.path("chain").get(0).path("name").asText()).isEqualTo("evil-29000000");
        assertThat(cs.path("chain").get(49).path("name").asText()).isEqualTo("evil-29000399");
        assertThat(cs.path("count").asLong()).isEqualTo(400);
    }

    @Test
    void anAlertThatFitsIsNotShortened() {
        Alert a = AlertFixtures.escalation("root", 3);
        byte[] full = EcsAlertDocument.toJson(a);
        assertThat(EcsAlertDocument.toJsonWithin(a, full.length)).isEqualTo(full);
    }

    @Test
    void anAlertThatCannotFitEvenShortenedGivesNull() {
        Alert a = AlertFixtures.workload("audit-6", "x", "10.0.0.1");
        Alert huge = new Alert(a.alertId(), a.kind(), a.profile(), a.ruleVersion(), a.eventTime(), a.timestamp(),
                a.auditId(), "u".repeat(10_000), a.groups(), a.userAgent(), a.sourceIp(), a.namespace(), a.resource(),
                a.name(), a.verb(), a.responseCode(), new ArrayList<>(a.signals()), a.score(), a.severity(),
                a.techniqueId(), a.tactics(), a.images(), 1, 0, 0, a.chain(), null, null);
        assertThat(EcsAlertDocument.toJsonWithin(huge, 4096)).isNull();
    }
}
