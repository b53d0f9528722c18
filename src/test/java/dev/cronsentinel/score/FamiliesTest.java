package dev.cronsentinel.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cronsentinel.alert.AlertFactory;
import dev.cronsentinel.config.ConfigException;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The detection families of issue 17 one by one: evidence, the posture floor, Pod writes, technique, missing level. */
class FamiliesTest {
    private static WorkloadEvent event(String resource, String verb, String ns, String name, String user, String level, String body) {
        String group = resource.equals("pods") ? "" : "batch";
        String json = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"," + (level == null ? "" : "\"level\":\"" + level + "\",")
                + "\"auditID\":\"f-" + name + "-" + verb + "\",\"stage\":\"ResponseComplete\",\"verb\":\"" + verb + "\","
                + "\"user\":{\"username\":\"" + user + "\"},\"objectRef\":{\"resource\":\"" + resource + "\",\"namespace\":\"" + ns
                + "\",\"name\":\"" + name + "\",\"apiGroup\":\"" + group + "\"},\"responseStatus\":{\"code\":200},"
                + (body == null ? "" : body + ",") + "\"stageTimestamp\":\"2026-12-01T10:00:00.000000Z\"}";
        TestData.Decoded d = TestData.decode(json);
        assertThat(d.deadLetters).isEmpty();
        assertThat(d.events).hasSize(1);
        return d.events.get(0);
    }

    private static ScoredEvent score(WorkloadEvent e) {
        EventRole role = TestData.classifier().classify(e);
        return role == null ? null : TestData.defaultScorer().score(e, role);
    }

    private static Signal only(ScoredEvent s, String rule) {
        return s.signals().stream().filter(x -> x.rule().equals(rule)).findFirst().orElseThrow(() -> new AssertionError(rule + " not in " + s.signals()));
    }

    @Test
    void baselineControlsFireWithTheirEvidenceAndAreReportedAtLow() {
        WorkloadEvent e = event("pods", "create", "default", "probe", "dana@example.com", "RequestResponse",
                "\"requestObject\":{\"metadata\":{\"name\":\"probe\",\"annotations\":{\"container.apparmor.security.beta.kubernetes.io/main\":\"unconfined\"}},"
                        + "\"spec\":{\"securityContext\":{\"sysctls\":[{\"name\":\"kernel.shm_rmid_forced\",\"value\":\"1\"},{\"name\":\"kernel.core_pattern\",\"value\":\"|/x\"}]},"
                        + "\"containers\":[{\"name\":\"main\",\"image\":\"nginx:1.27\",\"ports\":[{\"containerPort\":80,\"hostPort\":8080}],"
                        + "\"securityContext\":{\"procMount\":\"Unmasked\"}}]}}");
        ScoredEvent s = score(e);
        assertThat(only(s, "host-ports").path()).isEqualTo("requestObject.spec.containers[0].ports[0].hostPort");
        assertThat(only(s, "host-ports").value()).isEqualTo("8080");
        assertThat(only(s, "unsafe-sysctl").value()).isEqualTo("kernel.core_pattern");
        assertThat(only(s, "proc-mount-unmasked").path()).isEqualTo("requestObject.spec.containers[0].securityContext.procMount");
        assertThat(only(s, "apparmor-unconfined").path())
                .isEqualTo("requestObject.metadata.annotations[container.apparmor.security.beta.kubernetes.io/main]");
        assertThat(s.signals()).extracting(Signal::id).containsOnly(FamilyCatalog.PSS_BASELINE);
        // One signal id: the strongest control counts (30), below the threshold; the floor reports it at low.
        assertThat(s.score()).isEqualTo(30);
        assertThat(s.alertable()).isTrue();
        assertThat(s.severity()).isEqualTo(Severity.LOW);
    }

    @Test
    void theClustersOwnComponentsAreNotReportedByTheFloor() {
        String body = "\"requestObject\":{\"spec\":{\"hostIPC\":true,\"containers\":[{\"name\":\"a\",\"image\":\"registry.k8s.io/agent:1\"}]}}";
        assertThat(score(event("pods", "create", "kube-system", "agent", "system:serviceaccount:kube-system:daemon", "RequestResponse", body)).alertable()).isFalse();
        assertThat(score(event("pods", "create", "default", "agent", "dana@example.com", "RequestResponse", body)).alertable()).isTrue();
    }

    @Test
    void restrictedOnlyFindingsAddEvidenceButNeverAlertAlone() {
        ScoredEvent s = score(event("jobs", "create", "default", "rooty", "dana@example.com", "RequestResponse",
                "\"requestObject\":{\"spec\":{\"template\":{\"spec\":{\"securityContext\":{\"runAsNonRoot\":false},"
                        + "\"volumes\":[{\"name\":\"n\",\"nfs\":{\"server\":\"10.0.0.2\",\"path\":\"/x\"}}],\"containers\":[{\"name\":\"a\",\"image\":\"ghcr.io/acme/a:1\"}]}}}}"));
        assertThat(only(s, "run-as-non-root-false").path()).isEqualTo("requestObject.spec.template.spec.securityContext.runAsNonRoot");
        assertThat(only(s, "volume-type").path()).isEqualTo("requestObject.spec.template.spec.volumes[0].nfs");
        assertThat(s.alertable()).isFalse();
    }

    @Test
    void aWriteToAPodOwnedByADaemonSetIsOutOfScopeWhoeverWritesIt() {
        String owned = "\"requestObject\":{\"metadata\":{\"labels\":{\"x\":\"y\"}}},\"responseObject\":{\"metadata\":{\"name\":\"agent-x\",\"ownerReferences\":"
                + "[{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"name\":\"agent\",\"uid\":\"u1\",\"controller\":true}]},"
                + "\"spec\":{\"volumes\":[{\"name\":\"d\",\"hostPath\":{\"path\":\"/var/run/docker.sock\"}}],\"containers\":[{\"name\":\"a\",\"image\":\"datadog/agent:7\"}]}}";
        String json = "{\"kind\":\"Event\",\"level\":\"RequestResponse\",\"auditID\":\"owned-1\",\"stage\":\"ResponseComplete\",\"verb\":\"VERB\","
                + "\"user\":{\"username\":\"ci@example.com\"},\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"monitoring\",\"name\":\"agent-x\"},"
                + "\"responseStatus\":{\"code\":200}," + owned + ",\"stageTimestamp\":\"2026-12-01T10:00:00.000000Z\"}";
        TestData.Decoded patch = TestData.decode(json.replace("VERB", "patch"));
        assertThat(patch.deadLetters).isEmpty();
        assertThat(patch.events).isEmpty();
        // A create claiming the same owner is still judged: on a create, ownerReferences are the client's word.
        TestData.Decoded create = TestData.decode(json.replace("VERB", "create"));
        assertThat(create.events).hasSize(1);
        assertThat(TestData.classifier().dropReason(create.events.get(0))).isNull();
    }

    @Test
    void anUpdateOfABarePodIsJudgedOnlyOnWhatAPodMayChange() {
        String spec = "{\"metadata\":{\"name\":\"dbg\"},\"spec\":{\"hostPID\":true,\"volumes\":[{\"name\":\"r\",\"hostPath\":{\"path\":\"/\"}}],"
                + "\"containers\":[{\"name\":\"a\",\"image\":\"IMAGE\"}]}}";
        ScoredEvent same = score(event("pods", "update", "default", "dbg", "dana@example.com", "RequestResponse",
                "\"requestObject\":" + spec.replace("IMAGE", "ghcr.io/acme/app:2")));
        assertThat(same.signals()).isEmpty();
        assertThat(same.alertable()).isFalse();
        ScoredEvent swapped = score(event("pods", "update", "default", "dbg", "dana@example.com", "RequestResponse",
                "\"requestObject\":" + spec.replace("IMAGE", "203.0.113.50:5000/x/xmrig:latest")));
        assertThat(swapped.signals()).extracting(Signal::path).allMatch(p -> p.endsWith(".image"));
        assertThat(swapped.alertable()).isTrue();
    }

    @Test
    void aBarePodCreatedByAPersonIsDeployContainer() {
        String pod = "\"requestObject\":{\"spec\":{\"privileged\":true,\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"securityContext\":{\"privileged\":true}}]}}";
        ScoredEvent person = score(event("pods", "create", "default", "p", "dana@example.com", "RequestResponse", pod));
        assertThat(AlertFactory.fromScored(person, "default").techniqueId()).isEqualTo(Alert.DEPLOY_CONTAINER_ID);
        String cron = "\"requestObject\":{\"spec\":{\"schedule\":\"* * * * *\",\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":"
                + "[{\"name\":\"a\",\"image\":\"x\",\"securityContext\":{\"privileged\":true}}]}}}}}}";
        ScoredEvent cronJob = score(event("cronjobs", "create", "default", "c", "dana@example.com", "RequestResponse", cron));
        assertThat(AlertFactory.fromScored(cronJob, "default").techniqueId()).isEqualTo(Alert.TECHNIQUE_ID);
    }

    @Test
    void aBatchWriteWithoutBodyAndWithoutLevelIsUnscored() {
        ScoredEvent s = score(event("cronjobs", "create", "default", "nolevel", "dana@example.com", null, null));
        assertThat(s.alertable()).isTrue();
        assertThat(AlertFactory.kindOf(s)).isEqualTo(AlertKind.UNSCORED);
        // A patch without level that touches no template still has a body: scored, quiet.
        ScoredEvent patch = score(event("cronjobs", "patch", "default", "nolevel", "dana@example.com", null,
                "\"requestObject\":{\"metadata\":{\"labels\":{\"team\":\"a\"}}}"));
        assertThat(patch.alertable()).isFalse();
    }

    @Test
    void theFamiliesSectionIsValidatedAtStart() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        assertThatThrownBy(() -> RuleSetLoader.families(yaml.readTree("{placement: {tolerate-all: {weight: 5}}}"), "f.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown rule");
        assertThatThrownBy(() -> RuleSetLoader.families(yaml.readTree("{plasement: {}}"), "f.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'plasement'");
        assertThatThrownBy(() -> RuleSetLoader.families(yaml.readTree("{placement: {control-plane-node: {weight: 5}}}"), "f.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be a list");
        assertThatThrownBy(() -> RuleSetLoader.families(yaml.readTree("{placement: {node-name: {weight: 5, values: [a]}}}"), "f.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'values'");
        assertThatThrownBy(() -> RuleSetLoader.families(yaml.readTree("{pod-security: {report-at-low: [no-such-signal]}}"), "f.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no-such-signal");
        assertThat(RuleSetLoader.families(null, "f.yaml")).isEqualTo(FamilyRules.NONE);
        assertThat(List.of(TestData.defaultScorer().rules().families().rules().size())).containsExactly(FamilyCatalog.all().size());
    }

    /** Evidence of the placement, service-account, namespace and anti-forensics rules on the breadth corpus. */
    @Test
    void eachFamilyNamesTheFieldAndValueItFiredOn() {
        TestData.Decoded d = TestData.decodeFile(TestData.resource("fixtures/eval/breadth.jsonl"));
        java.util.Map<String, ScoredEvent> byName = new java.util.HashMap<>();
        d.events.forEach(e -> byName.put(e.name(), score(e)));
        String cj = "requestObject.spec.jobTemplate.spec.template.spec";
        Signal cp = only(byName.get("node-maint"), "control-plane-node");
        assertThat(cp.path()).isEqualTo(cj + ".nodeSelector[node-role.kubernetes.io/control-plane]");
        assertThat(only(byName.get("node-maint"), "tolerate-everything").path()).isEqualTo(cj + ".tolerations[1]");
        assertThat(only(byName.get("pinned"), "node-name").value()).isEqualTo("ip-10-0-1-12.ec2.internal");
        assertThat(only(byName.get("affinity-cp"), "control-plane-node").value()).startsWith("node-role.kubernetes.io/master Exists");
        Signal sa = only(byName.get("aggregator-sync"), "controller-service-account");
        assertThat(sa.path()).isEqualTo(cj + ".serviceAccountName");
        assertThat(sa.value()).isEqualTo("kube-system/clusterrole-aggregation-controller");
        assertThat(only(byName.get("aggregator-sync"), "automount-token").path()).isEqualTo(cj + ".automountServiceAccountToken");
        assertThat(only(byName.get("kube-proxy-x7k2p"), "system-name-mimicry").path()).isEqualTo("objectRef.name");
        assertThat(only(byName.get("kube-proxy-x7k2p"), "system-namespace").value()).isEqualTo("kube-system");
        ScoredEvent tick = byName.get("tick");
        assertThat(only(tick, "no-job-history").path()).isEqualTo("requestObject.spec.successfulJobsHistoryLimit+failedJobsHistoryLimit");
        assertThat(only(tick, "ttl-zero").path()).isEqualTo("requestObject.spec.jobTemplate.spec.ttlSecondsAfterFinished");
        assertThat(only(tick, "every-minute-overlap").value()).isEqualTo("* * * * * (concurrencyPolicy: Allow by default)");
        // Anti-forensics counts once (its rules share one signal id): 10, not 25.
        assertThat(tick.signals()).filteredOn(x -> x.id().equals("anti-forensics")).extracting(Signal::weight).containsOnly(10, 5);
        assertThat(only(byName.get("agent-sync"), "bare-ip-public").value()).isEqualTo("203.0.113.50:5000/tools/agent:latest");
        assertThat(only(byName.get("registry-gc"), "bare-ip-private").weight()).isEqualTo(15);
        assertThat(only(byName.get("kube-proxy-helper"), "system-image-impersonation").path()).isEqualTo("requestObject.spec.containers[0].image");
        assertThat(byName.get("proxy-check").signals()).extracting(Signal::rule).doesNotContain("system-image-impersonation");
        assertThat(only(byName.get("env-indirect"), "kubectl-secrets-cluster-wide").path()).endsWith("command+args (env-expanded)");
    }
}
