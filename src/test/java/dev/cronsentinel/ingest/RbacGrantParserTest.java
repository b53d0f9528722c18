package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.RbacGrant;
import dev.cronsentinel.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RBAC binding writes through the whole decoder (issue 19 item 1), over {@code fixtures/rbac/binding-writes.jsonl}
 * and a real Falco capture: the byte pre-filter keeps create/update/patch of bindings only, and their subjects come
 * out as grants read from the stored object, never as workload events.
 */
class RbacGrantParserTest {
    static final String FIXTURE = "fixtures/rbac/binding-writes.jsonl";

    private static TestData.Decoded line(int index) {
        byte[] line = TestData.lines(TestData.resource(FIXTURE)).get(index);
        return TestData.decode(new String(line, StandardCharsets.UTF_8));
    }

    @Test
    void eachSubjectOfTheStoredBindingIsAGrantAndTheClientsRequestIsNotBelieved() {
        TestData.Decoded d = line(0);
        assertThat(d.events).isEmpty();
        assertThat(d.grants).extracting(RbacGrant::subject)
                .containsExactly("system:serviceaccount:ops:ci-runner", "bob@example.com", "group:ops-team");
        RbacGrant sa = d.grants.get(0);
        assertThat(sa.roleRefName()).as("the response says edit, the request said view").isEqualTo("edit");
        assertThat(sa.roleRefKind()).isEqualTo("ClusterRole");
        assertThat(sa.actor()).isEqualTo("eve@example.com");
        assertThat(sa.auditId()).isEqualTo("rb-sa-create");
        assertThat(sa.namespace()).isEqualTo("ops");
        assertThat(sa.name()).isEqualTo("ci-edit");
        assertThat(sa.sourceIp()).isEqualTo("10.9.8.7");
        assertThat(sa.eventTime()).isEqualTo(java.time.Instant.parse("2026-11-20T10:00:00.010Z").toEpochMilli());
    }

    @Test
    void aPatchIsReadFromTheStoredBindingNeverFromThePatch() {
        TestData.Decoded d = line(1);
        assertThat(d.grants).singleElement().satisfies(g -> {
            assertThat(g.roleRefName()).isEqualTo("cluster-admin");
            assertThat(g.subject()).isEqualTo("eve@example.com");
            assertThat(g.resource()).isEqualTo("clusterrolebindings");
            assertThat(g.namespace()).isNull();
        });
    }

    @Test
    void refusedHousekeepingAndBodilessBindingWritesGrantNothing() {
        assertThat(line(2).filtered).containsExactly("rbac-refused");
        assertThat(line(3).filtered).containsExactly("controller-housekeeping");
        assertThat(line(4).filtered).containsExactly("rbac-no-body");
        for (int i = 2; i <= 4; i++) {
            assertThat(line(i).grants).isEmpty();
            assertThat(line(i).deadLetters).isEmpty();
        }
    }

    @Test
    void theBytePreFilterKeepsBindingWritesAndDropsTheirDeletesAndReadsWithoutATree() {
        List<byte[]> lines = TestData.lines(TestData.resource(FIXTURE));
        AuditPreFilter filter = new AuditPreFilter(AuditDecoder.MAX_TOKEN_DEPTH);
        assertThat(filter.classify(lines.get(0))).isEqualTo(AuditPreFilter.Verdict.RELEVANT);
        assertThat(filter.classify(lines.get(1))).isEqualTo(AuditPreFilter.Verdict.RELEVANT);
        assertThat(filter.classify(lines.get(5))).isEqualTo(AuditPreFilter.Verdict.IRRELEVANT);
        assertThat(filter.reason()).isEqualTo("verb");
        assertThat(filter.classify(lines.get(6))).isEqualTo(AuditPreFilter.Verdict.IRRELEVANT);
        String configMap = new String(lines.get(0), StandardCharsets.UTF_8).replace("\"resource\":\"rolebindings\"", "\"resource\":\"configmaps\"");
        assertThat(filter.classify(configMap.getBytes(StandardCharsets.UTF_8))).isEqualTo(AuditPreFilter.Verdict.IRRELEVANT);
        assertThat(line(5).filtered).containsExactly("verb");
    }

    @Test
    void aRealClusterAdminBindingCapturedByFalcoIsAGrant() {
        TestData.Decoded d = TestData.decodeFile(TestData.shared().resolve("data/falco-k8s-audit/attach_cluster_admin_role.json"));
        assertThat(d.grants).singleElement().satisfies(g -> {
            assertThat(g.subject()).isEqualTo("minikube");
            assertThat(g.roleRefName()).isEqualTo("cluster-admin");
            assertThat(g.actor()).isEqualTo("minikube-user");
            assertThat(g.auditId()).isEqualTo("c97244c7-4aec-4714-946a-8204d00ecdca");
        });
    }
}
