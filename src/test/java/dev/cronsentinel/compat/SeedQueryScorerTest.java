package dev.cronsentinel.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronsentinel.model.SeedRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scorer's contract for one event: the row or null, and a {@link SkippedInputException} for what the
 * oracle skips. Whole-file behaviour is checked against the oracle in {@link SeedQueryOracleParityTest}.
 */
class SeedQueryScorerTest {
    private static final SeedQueryScorer SPLUNK = new SeedQueryScorer(SeedQueryProfile.loadBuiltIn(Path.of("conf"), "splunk"));
    private static final SeedQueryScorer SUMO = new SeedQueryScorer(SeedQueryProfile.loadBuiltIn(Path.of("conf"), "sumo"));

    private static final String HEAD = "{\"kind\":\"Event\",\"auditID\":\"a-1\",\"stage\":\"ResponseComplete\","
            + "\"verb\":\"create\",\"user\":{\"username\":\"alice\"},\"sourceIPs\":[\"10.0.0.1\",\"10.0.0.2\"],"
            + "\"userAgent\":\"kubectl\",\"objectRef\":{\"resource\":\"cronjobs\",\"namespace\":\"ns\",\"name\":\"cj\"},"
            + "\"requestReceivedTimestamp\":\"2026-11-21T08:00:00.000000Z\","
            + "\"stageTimestamp\":\"2026-11-21T08:00:00.004000Z\"";

    private static byte[] event(String requestObject) {
        return (HEAD + ",\"requestObject\":" + requestObject + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMatchingEventGivesTheRowWithTheOraclesFields() throws SkippedInputException {
        SeedRow row = SPLUNK.evaluate(event("{\"spec\":{\"image\":\"busybox\",\"privileged\":false}}"), false);

        assertThat(row).isNotNull();
        assertThat(row.auditID()).isEqualTo("a-1");
        assertThat(row.time()).isEqualTo("2026-11-21T08:00:00.004000Z");
        assertThat(row.resource()).isEqualTo("cronjobs");
        assertThat(row.resourceName()).isEqualTo("cj");
        assertThat(row.user()).isEqualTo("alice");
        assertThat(row.sourceIp()).isEqualTo("10.0.0.1");
        assertThat(row.flags()).containsExactly(
                entry("IsSuspiciousImage", 1), entry("IsSuspiciousCommand", 0), entry("IsHostPathMount", 0),
                entry("IsPrivileged", 1), entry("IsHostNetwork", 0), entry("IsSensitiveMount", 0));
        assertThat(row.suspicionScore()).isEqualTo(2);
        assertThat(row.nonStringFields()).isEmpty();
        assertThat(SeedRowJson.toJson(row)).isEqualTo("{\"auditID\":\"a-1\",\"stage\":\"ResponseComplete\","
                + "\"time\":\"2026-11-21T08:00:00.004000Z\",\"resource\":\"cronjobs\",\"verb\":\"create\","
                + "\"namespace\":\"ns\",\"resource_name\":\"cj\",\"user\":\"alice\",\"user_agent\":\"kubectl\","
                + "\"source_ip\":\"10.0.0.1\",\"IsSuspiciousImage\":1,\"IsSuspiciousCommand\":0,"
                + "\"IsHostPathMount\":0,\"IsPrivileged\":1,\"IsHostNetwork\":0,\"IsSensitiveMount\":0,"
                + "\"SuspicionScore\":2}");
    }

    @Test
    void noFlagOrNoMatchingVerbAndResourceGivesNull() throws SkippedInputException {
        assertThat(SPLUNK.evaluate(event("{\"spec\":{\"image\":\"nginx\"}}"), false)).isNull();
        assertThat(SPLUNK.evaluate((HEAD + "}").getBytes(StandardCharsets.UTF_8), false)).isNull();
        byte[] get = (HEAD.replace("\"create\"", "\"get\"") + ",\"requestObject\":{\"privileged\":true}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(SPLUNK.evaluate(get, false)).isNull();
        byte[] pods = (HEAD.replace("\"cronjobs\"", "\"pods\"") + ",\"requestObject\":{\"privileged\":true}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(SPLUNK.evaluate(pods, false)).isNull();
    }

    /**
     * A stand-alone event is matched on its raw text, escapes included; the same event as an EventList item
     * on Python's re-serialisation, where the escapes are decoded.
     */
    @Test
    void rawTextForLinesReserialisationForEventListItems() throws SkippedInputException {
        // "\/" hides a match only where the pattern spans a slash: "\/etc" would still contain "/etc".
        byte[] escaped = event("{\"volumes\":[{\"path\":\"\\/var\\/run\\/docker.sock\"}],\"cmd\":\"bash\\u0020-i\"}");
        assertThat(SPLUNK.evaluate(escaped, false)).isNull();
        SeedRow item = SPLUNK.evaluate(escaped, true);
        assertThat(item).isNotNull();
        assertThat(item.flags()).containsEntry("IsSensitiveMount", 1).containsEntry("IsSuspiciousCommand", 1);
    }

    @Test
    void duplicateRequestObjectsCountTheLastOne() throws SkippedInputException {
        byte[] twice = (HEAD + ",\"requestObject\":{\"privileged\":true},\"requestObject\":{\"image\":\"nginx\"}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(SUMO.evaluate(twice, false)).isNull();
        assertThat(SUMO.evaluate(twice, true)).isNull();
    }

    @Test
    void valuesThatAreNotStringsAreKeptAsJsonTextAndRenderedAsJsonValues() throws SkippedInputException {
        byte[] odd = (HEAD.replace("\"a-1\"", "12345678901234567890123").replace("\"kubectl\"", "{\"v\":[1.0,NaN]}")
                + ",\"stageTimestamp\":0,\"requestReceivedTimestamp\":-0.0,\"requestObject\":\"hostPath\"}")
                .getBytes(StandardCharsets.UTF_8);
        SeedRow row = SUMO.evaluate(odd, false);
        assertThat(row.auditID()).isEqualTo("12345678901234567890123");
        assertThat(row.userAgent()).isEqualTo("{\"v\":[1.0,NaN]}");
        assertThat(row.time()).isEqualTo("-0.0");
        assertThat(row.nonStringFields()).containsExactly("auditID", "time", "user_agent");
        assertThat(SeedRowJson.toJson(row)).startsWith("{\"auditID\":12345678901234567890123,\"stage\":"
                + "\"ResponseComplete\",\"time\":-0.0,").contains("\"user_agent\":{\"v\":[1.0,NaN]},");
    }

    @Test
    void timeFallsBackWhenStageTimestampIsFalsyInPython() throws SkippedInputException {
        for (String falsy : List.of("\"\"", "null", "0", "0.0", "false", "[]", "{}")) {
            byte[] bytes = (HEAD + ",\"stageTimestamp\":" + falsy + ",\"requestObject\":\"hostPath\"}")
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(SPLUNK.evaluate(bytes, false).time()).as(falsy).isEqualTo("2026-11-21T08:00:00.000000Z");
        }
        byte[] nan = (HEAD + ",\"stageTimestamp\":NaN,\"requestObject\":\"hostPath\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(SPLUNK.evaluate(nan, false).time()).isEqualTo("NaN");
    }

    @Test
    void inputTheOracleSkipsThrowsWithAReason() {
        assertSkipped("  \u00a0 ", false, SkippedInputException.BLANK);
        assertSkipped("{\"a\":", false, SkippedInputException.NOT_JSON);
        assertSkipped("{\"a\":-INF}", false, SkippedInputException.NOT_JSON);
        assertSkipped("\ufeff{}", false, SkippedInputException.NOT_JSON);
        assertSkipped("[{}]", false, SkippedInputException.NOT_OBJECT);
        assertSkipped("\"x\"", true, SkippedInputException.NOT_OBJECT);
        assertSkipped("[".repeat(1001) + "]".repeat(1001), false, SkippedInputException.TOO_DEEP);
        assertThatThrownBy(() -> SPLUNK.evaluate(new byte[] {'{', (byte) 0xC0, (byte) 0xAF, '}'}, false))
                .isInstanceOfSatisfying(SkippedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(SkippedInputException.INVALID_UTF8));
    }

    @Test
    void pythonWhitespaceAroundALineIsStripped() throws SkippedInputException {
        byte[] padded = ("\u00a0\u2003" + new String(event("\"hostPath\""), StandardCharsets.UTF_8) + "\u3000\u0085")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(SPLUNK.evaluate(padded, false)).isNotNull();
    }

    private static void assertSkipped(String text, boolean fromEventList, String reason) {
        assertThatThrownBy(() -> SPLUNK.evaluate(text.getBytes(StandardCharsets.UTF_8), fromEventList))
                .isInstanceOfSatisfying(SkippedInputException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private static java.util.Map.Entry<String, Integer> entry(String k, int v) {
        return java.util.Map.entry(k, v);
    }
}
