package dev.cronsentinel.ingest;

import static dev.cronsentinel.ingest.AuditDecoderTest.CJ_REF;
import static dev.cronsentinel.ingest.AuditDecoderTest.event;
import static dev.cronsentinel.testing.TestData.decode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.ingest.AuditPreFilter.Verdict;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The ingest hooks of correlation's lifecycle checks (docs/CORRELATION.md, "Lifecycle"): deletes of CronJobs and
 * Jobs are kept, deletes of everything else still cost only the byte scan, and a CronJob's {@code suspend} and
 * history limits are read from the stored object, the request or a JSON Patch.
 */
class LifecycleDecodeTest {
    private static final String JOB_REF = "{\"resource\":\"jobs\",\"namespace\":\"ns\",\"name\":\"dump\",\"apiGroup\":\"batch\",\"apiVersion\":\"v1\"}";

    private final AuditPreFilter filter = new AuditPreFilter(64);

    private Verdict verdict(String json) {
        return filter.classify(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void deletesOfCronJobsAndJobsPassTheByteScanAndDeletesOfAnythingElseDoNot() {
        for (String resource : new String[] {"cronjobs", "jobs"}) {
            assertThat(verdict("{\"stage\":\"ResponseComplete\",\"verb\":\"delete\",\"objectRef\":{\"resource\":\"" + resource + "\"}}"))
                    .as(resource).isEqualTo(Verdict.RELEVANT);
        }
        // the body after the decision is garbage: no tree is built for an irrelevant delete, whatever the key order
        assertThat(verdict("{\"stage\":\"ResponseComplete\",\"verb\":\"delete\",\"objectRef\":{\"resource\":\"pods\"},\"requestObject\":{]]]"))
                .isEqualTo(Verdict.IRRELEVANT);
        assertThat(verdict("{\"objectRef\":{\"resource\":\"pods\",\"name\":\"p\"},\"verb\":\"delete\",\"requestObject\":{]]]"))
                .isEqualTo(Verdict.IRRELEVANT);
        assertThat(verdict("{\"verb\":\"delete\",\"objectRef\":{\"resource\":\"leases\"},\"requestObject\":{]]]"))
                .isEqualTo(Verdict.IRRELEVANT);
        assertThat(verdict("{\"verb\":\"deletecollection\",\"objectRef\":{\"resource\":\"jobs\"}}")).isEqualTo(Verdict.IRRELEVANT);
        // the tree path (escaped values) decides the same
        String escapedPodDelete = event("delete", "{\"resource\":\"p\\u006fds\",\"namespace\":\"ns\",\"name\":\"p\"}", "");
        assertThat(decode(escapedPodDelete).events).isEmpty();
    }

    @Test
    void aMetadataLevelDeleteIsADeleteWithNoTemplateAndAControllersOrARefusedOneIsDropped() {
        String del = event("delete", CJ_REF, "\"requestObject\":{\"kind\":\"DeleteOptions\",\"propagationPolicy\":\"Background\"}")
                .replace("\"RequestResponse\"", "\"Metadata\"").replace("\"code\":201", "\"code\":200");
        TestData.Decoded d = decode(del);
        assertThat(d.deadLetters).isEmpty();
        WorkloadEvent e = d.events.get(0);
        assertThat(e.verb()).isEqualTo("delete");
        assertThat(e.name()).isEqualTo("cj");
        assertThat(e.templates()).isEmpty();
        assertThat(new EventClassifier(DecoderConfig.defaults()).classify(e)).isEqualTo(EventRole.DELETE);

        String byController = del.replace("\"alice\"", "\"system:serviceaccount:kube-system:cronjob-controller\"")
                .replace(CJ_REF, JOB_REF);
        assertThat(decode(byController).filtered).containsExactly("controller-housekeeping");
        assertThat(decode(del.replace("\"code\":200", "\"code\":403")).filtered).containsExactly("refused-delete");
    }

    @Test
    void suspendAndHistoryLimitsAreReadFromTheStoredObjectTheRequestOrAJsonPatch() {
        String stored = event("patch", CJ_REF, "\"requestObject\":{\"spec\":{\"suspend\":true}},"
                + "\"responseObject\":{\"kind\":\"CronJob\",\"metadata\":{\"name\":\"cj\",\"uid\":\"u-1\"},"
                + "\"spec\":{\"schedule\":\"*/5 * * * *\",\"suspend\":false,\"successfulJobsHistoryLimit\":0}}");
        WorkloadEvent s = single(stored);
        assertThat(s.suspend()).as("the stored object wins over the patch").isFalse();
        assertThat(s.keepsNoHistory()).isTrue();
        assertThat(s.schedule()).isEqualTo("*/5 * * * *");

        assertThat(single(event("patch", CJ_REF, "\"requestObject\":{\"spec\":{\"suspend\":false}}")).suspend()).isFalse();
        WorkloadEvent jsonPatch = single(event("patch", CJ_REF,
                "\"requestObject\":[{\"op\":\"replace\",\"path\":\"/spec/suspend\",\"value\":true}]"));
        assertThat(jsonPatch.suspend()).isTrue();
        assertThat(single(event("patch", CJ_REF, "\"requestObject\":{\"metadata\":{\"labels\":{\"a\":\"b\"}}}")).suspend())
                .as("a patch that does not say").isNull();
        assertThat(single(event("create", JOB_REF, "\"requestObject\":{\"kind\":\"Job\",\"metadata\":{\"name\":\"dump\"},"
                + "\"spec\":{\"ttlSecondsAfterFinished\":0,\"template\":{\"spec\":{\"containers\":[]}}}}")).keepsNoHistory()).isTrue();
        // a label value spelled "suspend" is not the field
        assertThat(single(event("create", CJ_REF, "\"requestObject\":{\"metadata\":{\"name\":\"cj\",\"labels\":{\"suspend\":\"true\"}},"
                + "\"spec\":{\"schedule\":\"* * * * *\"}}")).suspend()).isNull();
    }

    private static WorkloadEvent single(String json) {
        TestData.Decoded d = decode(json);
        assertThat(d.deadLetters).as("dead letters").isEmpty();
        assertThat(d.events).hasSize(1);
        return d.events.get(0);
    }
}
