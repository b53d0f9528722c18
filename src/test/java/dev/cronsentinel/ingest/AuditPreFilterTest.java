package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.ingest.AuditPreFilter.Verdict;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuditPreFilterTest {
    private final AuditPreFilter filter = new AuditPreFilter(64);

    private Verdict verdict(String json) {
        return filter.classify(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readOnlyVerbsAreIrrelevantBeforeTheBodiesAreRead() {
        // The body after the verb is garbage: the scanner must stop before it.
        assertThat(verdict("{\"stage\":\"ResponseComplete\",\"verb\":\"get\",\"objectRef\":{\"resource\":\"pods\"},\"requestObject\":{]]]"))
                .isEqualTo(Verdict.IRRELEVANT);
        assertThat(filter.reason()).isEqualTo("verb");
        assertThat(verdict("{\"verb\":\"watch\"")).isEqualTo(Verdict.IRRELEVANT);
    }

    @Test
    void leaseUpdatesAreIrrelevantByResource() {
        assertThat(verdict("{\"stage\":\"ResponseComplete\",\"verb\":\"update\",\"objectRef\":{\"resource\":\"leases\",\"namespace\":\"kube-node-lease\"}}"))
                .isEqualTo(Verdict.IRRELEVANT);
        assertThat(filter.reason()).isEqualTo("resource");
    }

    @Test
    void requestReceivedStageAndSubresourcesAreIrrelevant() {
        assertThat(verdict("{\"stage\":\"RequestReceived\",\"verb\":\"create\",\"objectRef\":{\"resource\":\"cronjobs\"}}"))
                .isEqualTo(Verdict.IRRELEVANT);
        assertThat(filter.reason()).isEqualTo("stage");
        assertThat(verdict("{\"stage\":\"ResponseComplete\",\"verb\":\"update\",\"objectRef\":{\"resource\":\"cronjobs\",\"name\":\"x\",\"subresource\":\"status\"}}"))
                .isEqualTo(Verdict.IRRELEVANT);
        assertThat(filter.reason()).isEqualTo("subresource");
    }

    @Test
    void relevantWritesOfWorkloadsPass() {
        for (String resource : new String[] {"cronjobs", "jobs", "pods"}) {
            for (String verb : new String[] {"create", "update", "patch"}) {
                assertThat(verdict("{ \"stage\" : \"ResponseComplete\" ,\n \"verb\": \"" + verb + "\", \"objectRef\": {\"resource\": \"" + resource + "\", \"subresource\": \"\"}, \"requestObject\": {}}"))
                        .as(verb + " " + resource).isEqualTo(Verdict.RELEVANT);
            }
        }
    }

    @Test
    void nestedKeysNamedLikeAuditFieldsCannotFoolTheScanner() {
        // Keys sorted alphabetically (some forwarders re-serialise so): requestObject comes before verb, and
        // the attacker's CronJob carries a label "verb": "get". Only the top-level verb counts.
        String sorted = "{\"auditID\":\"a\",\"objectRef\":{\"resource\":\"cronjobs\"},"
                + "\"requestObject\":{\"metadata\":{\"labels\":{\"verb\":\"get\",\"stage\":\"RequestReceived\"}},\"x\":\"\\\"verb\\\":\\\"get\\\"\"},"
                + "\"stage\":\"ResponseComplete\",\"verb\":\"create\"}";
        assertThat(verdict(sorted)).isEqualTo(Verdict.RELEVANT);
    }

    @Test
    void escapedKeysAndValuesAreLeftToTheFullParser() {
        assertThat(verdict("{\"v\\u0065rb\":\"get\"}")).isEqualTo(Verdict.UNCERTAIN);
        assertThat(verdict("{\"verb\":\"cr\\u0065ate\"}")).isEqualTo(Verdict.UNCERTAIN);
    }

    @Test
    void batchesAndEnvelopesAreRecognised() {
        assertThat(verdict("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[]}")).isEqualTo(Verdict.EVENT_LIST);
        assertThat(verdict("{\"category\":\"kube-audit\",\"properties\":{\"log\":\"{}\"}}")).isEqualTo(Verdict.ENVELOPE);
        assertThat(verdict("{\"items\":[],\"kind\":\"EventList\"}")).isEqualTo(Verdict.EVENT_LIST);
    }

    @Test
    void brokenInputIsMalformedWithAReason() {
        assertThat(verdict("")).isEqualTo(Verdict.MALFORMED);
        assertThat(verdict("[1,2]")).isEqualTo(Verdict.MALFORMED);
        assertThat(filter.reason()).contains("array");
        assertThat(verdict("{\"stage\":\"ResponseComplete\",\"verb\":\"create\",\"objectRef\":{\"resource\":\"cronj")).isEqualTo(Verdict.MALFORMED);
        assertThat(filter.reason()).contains("truncated");
        assertThat(verdict("not json")).isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void deepNestingBeforeTheDecisiveFieldsIsBounded() {
        String deep = "{\"a\":" + "[".repeat(100) + "]".repeat(100) + ",\"verb\":\"create\"}";
        assertThat(verdict(deep)).isEqualTo(Verdict.MALFORMED);
        assertThat(filter.reason()).contains("nesting");
    }
}
