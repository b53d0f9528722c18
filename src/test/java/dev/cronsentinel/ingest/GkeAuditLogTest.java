package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.EventSource;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GKE Cloud Audit Logs entries ({@code fixtures/envelopes/gke.jsonl}; its README cites the sources each entry
 * follows: Google's AuditLog and GKE audit logging documentation, Falco's k8saudit-gke converter, Panther's
 * GKE rule tests) decoded through the one {@link AuditDecoder}.
 */
class GkeAuditLogTest {
    private static final List<byte[]> LINES = TestData.lines(TestData.resource("fixtures/envelopes/gke.jsonl"));
    private final EventClassifier classifier = TestData.classifier();

    private static TestData.Decoded line(int n) {
        return TestData.decode(DecoderConfig.defaults(), LINES.get(n - 1));
    }

    private static WorkloadEvent event(int n) {
        TestData.Decoded d = line(n);
        assertThat(d.deadLetters).as("dead letters").isEmpty();
        assertThat(d.events).hasSize(1);
        return d.events.get(0);
    }

    @Test
    void aCronJobCreateIsMappedFieldByField() {
        WorkloadEvent e = event(1);
        assertThat(e.auditId()).as("operation.id").isEqualTo("7f1c3a52-7e0b-4d2e-9a0a-3d2c1b0a9f01");
        assertThat(e.verb()).isEqualTo("create");
        assertThat(e.resource()).isEqualTo("cronjobs");
        assertThat(e.namespace()).isEqualTo("default");
        assertThat(e.name()).isEqualTo("node-sync");
        assertThat(e.uid()).isEqualTo("0b1e4d2a-1111-4c3a-9a53-1f0c2a6b7c01");
        assertThat(e.username()).isEqualTo("alice@example.com");
        assertThat(e.sourceIp()).isEqualTo("203.0.113.7");
        assertThat(e.userAgent()).startsWith("kubectl/v1.30.2");
        assertThat(e.responseCode()).as("gRPC 0 on a create").isEqualTo(201);
        assertThat(e.decision()).isEqualTo("allow");
        assertThat(e.level()).isEqualTo("RequestResponse");
        assertThat(e.eventTime()).isEqualTo(Instant.parse("2026-11-20T10:00:00.123Z").toEpochMilli());
        assertThat(e.schedule()).isEqualTo("*/5 * * * *");
        assertThat(e.templates()).singleElement().satisfies(t -> {
            // GKE's response is the stored object, and the stored object is what is judged (issue 16, row 7).
            assertThat(t.path()).isEqualTo("responseObject.spec.jobTemplate.spec.template.spec");
            assertThat(t.hostPID()).isTrue();
            assertThat(t.containers()).singleElement().satisfies(c -> assertThat(c.privileged()).isTrue());
        });
        assertThat(e.source()).isEqualTo(new EventSource("gcp", "gke-cloud-audit", "prod-eu", "europe-west1", "acme-prod",
                null, null, "1x2y3z4a5b6c"));
        assertThat(classifier.classify(e)).isEqualTo(EventRole.WORKLOAD);
    }

    @Test
    void aPermissionDeniedCreateIsAnAttemptNeverASuccess() {
        WorkloadEvent e = event(2);
        assertThat(e.responseCode()).as("gRPC 7 PERMISSION_DENIED").isEqualTo(403);
        assertThat(e.decision()).isEqualTo("forbid");
        assertThat(e.refused()).isTrue();
        assertThat(classifier.classify(e)).isEqualTo(EventRole.ATTEMPT);
        assertThat(e.templates()).as("the request body is still read").singleElement()
                .satisfies(t -> assertThat(t.hostNetwork()).isTrue());
    }

    @Test
    void anyOtherGrpcCodeIsAFailureAndTheAuditIdFallsBackToTheInsertId() {
        WorkloadEvent e = event(4);
        assertThat(e.auditId()).as("no operation: insertId").isEqualTo("4x2y3z4a5b6c");
        assertThat(e.responseCode()).as("gRPC 6 ALREADY_EXISTS").isEqualTo(409);
        assertThat(classifier.classify(e)).isEqualTo(EventRole.ATTEMPT);
        // Read as an HTTP code, 7 would be a success (< 400): it never is.
        assertThat(GkeAuditLogMapper.httpStatus(7L, "create")).isEqualTo(403);
        assertThat(GkeAuditLogMapper.httpStatus(16L, "patch")).isEqualTo(401);
        assertThat(GkeAuditLogMapper.httpStatus(99L, "create")).isEqualTo(500);
        assertThat(GkeAuditLogMapper.httpStatus(1L << 40, "create")).isEqualTo(500);
        assertThat(GkeAuditLogMapper.httpStatus(null, "patch")).isEqualTo(200);
    }

    @Test
    void theCronJobControllersJobIsASpawnLinkedToItsCronJob() {
        WorkloadEvent e = event(3);
        assertThat(e.ownerKind()).isEqualTo("CronJob");
        assertThat(e.ownerUid()).isEqualTo("0b1e4d2a-1111-4c3a-9a53-1f0c2a6b7c01");
        assertThat(classifier.classify(e)).isEqualTo(EventRole.SPAWN);
    }

    @Test
    void irrelevantEntriesAreRejectedFromBytesWithoutATree() {
        AuditPreFilter preFilter = new AuditPreFilter(64);
        for (int n = 5; n <= 8; n++) {
            assertThat(preFilter.classify(LINES.get(n - 1))).as("line %d", n).isEqualTo(AuditPreFilter.Verdict.IRRELEVANT);
        }
        assertThat(line(5).filtered).containsExactly("verb");
        assertThat(line(6).filtered).containsExactly("subresource");
        assertThat(line(7).filtered).containsExactly("resource");
        assertThat(line(8).filtered).as("a Deployment Manager entry").containsExactly("gke-method");
        for (int n = 1; n <= 4; n++) {
            assertThat(preFilter.classify(LINES.get(n - 1))).isEqualTo(AuditPreFilter.Verdict.ENVELOPE);
            assertThat(preFilter.envelope()).isEqualTo(AuditPreFilter.Envelope.GKE);
        }
    }

    @Test
    void gkeSystemIdentitiesAreControllersOnlyOnGkeEntries() {
        String gke = new String(LINES.get(0), StandardCharsets.UTF_8)
                .replace("\"methodName\":\"io.k8s.batch.v1.cronjobs.create\"", "\"methodName\":\"io.k8s.batch.v1.cronjobs.update\"")
                .replace("alice@example.com", "system:addon-manager");
        TestData.Decoded d = TestData.decode(gke);
        assertThat(d.events).isEmpty();
        assertThat(d.filtered).containsExactly("controller-housekeeping");
        String plain = AuditDecoderTest.event("update", AuditDecoderTest.CJ_REF, "").replace("\"alice\"", "\"system:addon-manager\"");
        assertThat(TestData.decode(plain).events).as("the same name on a plain line is nobody special").hasSize(1);
    }

    @Test
    void methodNamesSplitIntoGroupVersionResourceSubresourceVerb() {
        assertThat(GkeMethod.parse("io.k8s.core.v1.pods.create")).isEqualTo(new GkeMethod("", "v1", "pods", "", "create"));
        assertThat(GkeMethod.parse("io.k8s.batch.v1beta1.cronjobs.patch")).isEqualTo(new GkeMethod("batch", "v1beta1", "cronjobs", "", "patch"));
        assertThat(GkeMethod.parse("io.k8s.core.v1.pods.exec.create")).isEqualTo(new GkeMethod("", "v1", "pods", "exec", "create"));
        assertThat(GkeMethod.parse("io.k8s.authorization.rbac.v1.roles.create").apiGroup()).isEqualTo("rbac.authorization");
        assertThat(GkeMethod.parse("io.k8s.get")).isNull();
        assertThat(GkeMethod.parse("v2.deploymentmanager.deployments.insert")).isNull();
        assertThat(GkeMethod.parse("io.k8s.core.v1.pods.a.b.create")).isNull();
    }

    @Test
    void brokenEntriesAreDeadLetteredWithTheReasonsOfPlainEvents() {
        String cj = new String(LINES.get(0), StandardCharsets.UTF_8);
        assertThat(reasons(cj.replace("\"timestamp\":\"2026-11-20T10:00:00.123456Z\"", "\"timestamp\":\"yesterday\""))).containsExactly("bad-timestamp");
        assertThat(reasons(cj.replace("\"timestamp\":\"2026-11-20T10:00:00.123456Z\",", "").replace(",\"timestamp\":\"2026-11-20T10:00:00.123456Z\"", "")
                .replace("\"receiveTimestamp\":\"2026-11-20T10:00:01.5Z\",", ""))).containsExactly("missing-timestamp");
        assertThat(reasons(cj.replace("\"status\":{\"code\":0}", "\"status\":{\"code\":\"zero\"}"))).containsExactly("wrong-type");
        assertThat(reasons(cj.replace("{\"granted\":true,", "{\"granted\":\"yes\","))).containsExactly("wrong-type");
        assertThat(reasons(cj.replace("\"methodName\":\"io.k8s.batch.v1.cronjobs.create\",", "\"methodName\":\"io.k8s.batch.v1.cronjobs.create\",\"methodName\":\"x\",")))
                .containsExactly("duplicate-key");
        TestData.Decoded d = TestData.decode(cj.substring(0, cj.length() - 40));
        assertThat(d.deadLetters).extracting(DeadLetter::reason).containsExactly("malformed-json");
        String inList = "{\"kind\":\"EventList\",\"items\":[" + cj + "]}";
        assertThat(reasons(inList)).containsExactly("nested-envelope");
    }

    private static List<String> reasons(String json) {
        TestData.Decoded d = TestData.decode(json);
        assertThat(d.events).isEmpty();
        return d.deadLetters.stream().map(DeadLetter::reason).toList();
    }
}
