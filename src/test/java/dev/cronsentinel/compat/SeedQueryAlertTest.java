package dev.cronsentinel.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.SeedRow;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.sink.AlertJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** COMPAT alerts built from seed rows. */
class SeedQueryAlertTest {
    private static final SeedQueryScorer SUMO = new SeedQueryScorer(SeedQueryProfile.loadBuiltIn(Path.of("conf"), "sumo"));

    private static SeedRow row(String stage, String stageTimestamp) throws SkippedInputException {
        String line = "{\"auditID\":\"same-id\",\"stage\":\"" + stage + "\",\"verb\":\"create\","
                + "\"objectRef\":{\"resource\":\"cronjobs\",\"namespace\":\"ns\",\"name\":\"cj\"},"
                + "\"user\":{\"username\":\"alice\"},\"sourceIPs\":[\"10.0.0.9\"],\"userAgent\":\"kubectl\","
                + "\"stageTimestamp\":" + stageTimestamp + ","
                + "\"requestObject\":{\"image\":\"busybox\",\"securityContext\":{\"privileged\":true}}}";
        return SUMO.evaluate(line.getBytes(StandardCharsets.UTF_8), false);
    }

    @Test
    void anAlertCarriesTheRowAndItsFields() throws Exception {
        SeedRow row = row("ResponseComplete", "\"2026-11-21T08:00:01.500000Z\"");
        Alert alert = SUMO.toAlert(row);

        assertThat(alert.kind()).isEqualTo(AlertKind.COMPAT);
        assertThat(alert.profile()).isEqualTo("sumo");
        assertThat(alert.ruleVersion()).isEqualTo(SUMO.profile().version());
        assertThat(alert.alertId()).startsWith("cs-compat-");
        assertThat(alert.compat()).isEqualTo(row);
        assertThat(alert.auditId()).isEqualTo("same-id");
        assertThat(alert.username()).isEqualTo("alice");
        assertThat(alert.sourceIp()).isEqualTo("10.0.0.9");
        assertThat(alert.name()).isEqualTo("cj");
        assertThat(alert.eventTime()).isEqualTo(1795248001500L);
        assertThat(alert.timestamp()).isEqualTo("2026-11-21T08:00:01.500Z");
        assertThat(alert.score()).isEqualTo(2);
        assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(alert.signals()).extracting(Signal::id).containsExactly("IsSuspiciousImage", "IsPrivileged");
        assertThat(alert.techniqueId()).isEqualTo(Alert.TECHNIQUE_ID);
        assertThat(AlertJson.fromJson(AlertJson.toJson(alert))).isEqualTo(alert);
    }

    @Test
    void theTwoStagesOfOneRequestGetTwoIdsAndAReplayTheSameIds() throws Exception {
        SeedRow received = row("RequestReceived", "\"2026-11-21T08:00:01Z\"");
        SeedRow complete = row("ResponseComplete", "\"2026-11-21T08:00:01Z\"");
        assertThat(SUMO.toAlert(received).alertId()).isNotEqualTo(SUMO.toAlert(complete).alertId());
        assertThat(SUMO.toAlert(row("RequestReceived", "\"2026-11-21T08:00:01Z\"")).alertId())
                .isEqualTo(SUMO.toAlert(received).alertId());
        assertThat(SUMO.toAlert(row("RequestReceived", "\"2026-11-21T08:00:02Z\"")).alertId())
                .isNotEqualTo(SUMO.toAlert(received).alertId());
    }

    /** Map order is lost in Flink serialisation; the id must not depend on it. */
    @Test
    void theIdDoesNotDependOnTheOrderOfTheFlagMap() throws Exception {
        SeedRow row = row("ResponseComplete", "\"2026-11-21T08:00:01Z\"");
        Map<String, Integer> reordered = new TreeMap<>(java.util.Comparator.reverseOrder());
        reordered.putAll(new HashMap<>(row.flags()));
        SeedRow shuffled = new SeedRow(row.auditID(), row.stage(), row.time(), row.resource(), row.verb(),
                row.namespace(), row.resourceName(), row.user(), row.userAgent(), row.sourceIp(), reordered,
                row.suspicionScore(), row.nonStringFields());
        assertThat(SeedQueryScorer.toAlert(shuffled, "sumo", "1").alertId())
                .isEqualTo(SeedQueryScorer.toAlert(row, "sumo", "1").alertId())
                .isEqualTo(SUMO.toAlert(row).alertId());
        assertThat(SeedRowJson.toJson(shuffled, SUMO.profile().flagNames())).isEqualTo(SeedRowJson.toJson(row));
    }

    @Test
    void aTimeThatIsNotATimestampLeavesNoEventTime() throws Exception {
        Alert text = SUMO.toAlert(row("ResponseComplete", "\"yesterday\""));
        assertThat(text.eventTime()).isZero();
        assertThat(text.timestamp()).isNull();
        assertThat(text.compat().time()).isEqualTo("yesterday");
        Alert number = SUMO.toAlert(row("ResponseComplete", "1795248001"));
        assertThat(number.eventTime()).isZero();
        assertThat(number.compat().nonStringFields()).contains("time");
    }
}
