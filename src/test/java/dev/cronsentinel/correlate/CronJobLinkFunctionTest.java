package dev.cronsentinel.correlate;

import static dev.cronsentinel.correlate.ChainEvents.HUMAN;
import static dev.cronsentinel.correlate.ChainEvents.config;
import static dev.cronsentinel.correlate.ChainEvents.cronJob;
import static dev.cronsentinel.correlate.ChainEvents.spawnedJob;
import static dev.cronsentinel.correlate.ChainEvents.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ScoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CronJobLinkFunctionTest {
    private final List<KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob>> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (var h : opened) {
            h.close();
        }
    }

    @Test
    void linksTheFirstJobOfASuspiciousRootWithTheHumanActor() throws Exception {
        var h = harness(config());
        ScoredEvent root = cronJob("log-rotate").uid("cj-1").at(t("09:02:13")).suspicious().build();
        send(h, root);
        send(h, spawnedJob("log-rotate", "cj-1", t("09:05:00")).suspicious().build());

        List<SpawnedJob> out = h.extractOutputValues();
        assertThat(out).hasSize(1);
        SpawnedJob s = out.get(0);
        assertThat(s.status()).isEqualTo(RootStatus.SUSPICIOUS);
        assertThat(s.root().username()).isEqualTo(HUMAN);
        assertThat(s.root().auditId()).isEqualTo(root.event().auditId());
        assertThat(s.job().name()).isEqualTo("log-rotate-" + t("09:05:00") / 60_000);
        // the root stays open until the following fire time (09:10) plus the 5-minute grace
        assertThat(s.expiresAt()).isEqualTo(t("09:15:00"));
        assertThat(h.getSideOutput(CronJobLinkFunction.ORPHANS)).isNull();
    }

    @Test
    void aJobDeliveredBeforeItsRootWaitsForIt() throws Exception {
        var h = harness(config());
        send(h, spawnedJob("log-rotate", "cj-1", t("09:05:00")).suspicious().build());
        assertThat(h.extractOutputValues()).isEmpty();
        send(h, cronJob("log-rotate").uid("cj-1").at(t("09:02:13")).suspicious().build());

        assertThat(h.extractOutputValues()).singleElement().extracting(SpawnedJob::status).isEqualTo(RootStatus.SUSPICIOUS);
        h.processWatermark(new Watermark(t("10:00:00")));
        assertThat(h.extractOutputValues()).hasSize(1);
        assertThat(h.getSideOutput(CronJobLinkFunction.ORPHANS)).isNull();
        assertDrained(h);
    }

    @Test
    void anHourlyScheduleWaitsFiftyMinutesForItsFirstJobWhereAFixedTenMinuteWindowWouldNot() throws Exception {
        var hourly = harness(config());
        send(hourly, cronJob("image-prune").uid("cj-2").at(t("09:10:02")).schedule("0 * * * *", "Europe/Berlin").suspicious().build());
        send(hourly, spawnedJob("image-prune", "cj-2", t("10:00:00")).suspicious().build());
        assertThat(hourly.extractOutputValues()).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo(RootStatus.SUSPICIOUS);
            assertThat(s.job().time() - s.root().time()).isGreaterThan(Duration.ofMinutes(49).toMillis());
        });

        // The same chain without a schedule to go by falls back to the fixed default window of 10 minutes.
        var fixed = harness(config());
        send(fixed, cronJob("image-prune").uid("cj-2").at(t("09:10:02")).schedule(null, null).suspicious().build());
        send(fixed, spawnedJob("image-prune", "cj-2", t("10:00:00")).suspicious().build());
        fixed.processWatermark(new Watermark(t("10:01:00")));
        assertThat(fixed.extractOutputValues()).singleElement().extracting(SpawnedJob::status).isEqualTo(RootStatus.UNKNOWN);
    }

    @Test
    void aJobAfterTheWindowIsNotClaimedAndIsJudgedAsAnOrphan() throws Exception {
        var h = harness(config());
        send(h, cronJob("image-prune").uid("cj-2").at(t("09:10:02")).schedule("0 * * * *", null).suspicious().build());
        // no Job at 10:00 (window ends 10:05); the next one comes at 11:00
        h.processWatermark(new Watermark(t("10:30:00")));
        assertThat(h.numKeyedStateEntries()).isZero();
        send(h, spawnedJob("image-prune", "cj-2", t("11:00:00")).suspicious().build());
        h.processWatermark(new Watermark(t("11:01:00")));

        assertThat(h.extractOutputValues()).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo(RootStatus.UNKNOWN);
            assertThat(s.root()).isNull();
            assertThat(s.rootResource()).isEqualTo("cronjobs");
            assertThat(s.rootName()).isEqualTo("image-prune");
        });
        assertThat(h.getSideOutput(CronJobLinkFunction.ORPHANS)).singleElement().satisfies(r -> {
            ChainFinding f = r.getValue();
            assertThat(f.kind()).isEqualTo(AlertKind.ORPHAN);
            assertThat(f.key()).isEqualTo("orphan/payments/cronjobs/image-prune/" + t("11:00:00"));
        });
        assertDrained(h);
    }

    @Test
    void aRefusedRootIsNeverCorrelated() throws Exception {
        var h = harness(config());
        send(h, cronJob("log-rotate").uid("cj-1").at(t("09:02:13")).suspicious().refused().build());
        assertThat(h.numKeyedStateEntries()).isZero();
        send(h, spawnedJob("log-rotate", "cj-1", t("09:05:00")).suspicious().build());
        h.processWatermark(new Watermark(t("09:06:00")));

        assertThat(h.extractOutputValues()).singleElement().extracting(SpawnedJob::status).isEqualTo(RootStatus.UNKNOWN);
        assertDrained(h);
    }

    @Test
    void aBenignRootKeepsItsJobsQuiet() throws Exception {
        var h = harness(config());
        send(h, cronJob("pg-backup").uid("cj-3").at(t("09:00:41")).schedule("30 9 * * *", "Etc/UTC").build());
        send(h, spawnedJob("pg-backup", "cj-3", t("09:30:00")).build());
        h.processWatermark(new Watermark(t("12:00:00")));

        assertThat(h.extractOutputValues()).singleElement().extracting(SpawnedJob::status).isEqualTo(RootStatus.BENIGN);
        assertThat(h.getSideOutput(CronJobLinkFunction.ORPHANS)).isNull();
        // a daily CronJob keeps its root until the next day's run (plus grace) may come
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        h.processWatermark(new Watermark(t("09:35:00") + Duration.ofDays(1).toMillis()));
        assertDrained(h);
    }

    @Test
    void everyMinuteOfAnEveryMinuteCronJobStaysWithItsRootAndStateDrainsWhenItStops() throws Exception {
        var h = harness(config());
        send(h, cronJob("beacon").uid("cj-4").at(t("09:00:30")).schedule("*/1 * * * *", null).suspicious().build());
        for (int m = 1; m <= 90; m++) {
            long scheduled = t("09:00:00") + m * 60_000L;
            send(h, spawnedJob("beacon", "cj-4", scheduled).suspicious().build());
            h.processWatermark(new Watermark(scheduled + 30_000));
        }
        assertThat(h.extractOutputValues()).hasSize(90).allSatisfy(s -> assertThat(s.status()).isEqualTo(RootStatus.SUSPICIOUS));
        // one root and its one deadline timer, however many Jobs went by
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.processWatermark(new Watermark(t("10:40:00")));
        assertDrained(h);
    }

    @Test
    void eachRootInFlightIsOneSmallStateEntryAndAllOfThemDrain() throws Exception {
        var h = harness(config());
        int roots = 10_000;
        for (int i = 0; i < roots; i++) {
            var b = cronJob("cj-" + i).uid(UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)}).toString())
                    .at(t("09:00:00") + i);
            send(h, (i % 100 == 0 ? b.suspicious() : b).build());
        }
        assertThat(h.numKeyedStateEntries()).isEqualTo(roots);
        assertThat(h.numEventTimeTimers()).isEqualTo(roots);

        // what one root costs in state, serialized as the state backend stores it
        var serializer = TypeInformation.of(CronJobRoot.class)
                .createSerializer(h.getExecutionConfig().getSerializerConfig());
        for (ScoredEvent e : new ScoredEvent[] {cronJob("pg-backup").uid("0f3c2a4e-7d1b-4a55-9c0e-6e2f8b1d3a71").build(),
                cronJob("log-rotate").uid("0f3c2a4e-7d1b-4a55-9c0e-6e2f8b1d3a71").suspicious().build()}) {
            var out = new DataOutputSerializer(512);
            serializer.serialize(CronJobRoot.fresh(RootContext.of(e), 0, 0, false), out);
            assertThat(out.length()).as(e.event().name()).isLessThan(e.alertable() ? 1024 : 384);
        }
        h.processWatermark(new Watermark(t("09:30:00")));
        assertDrained(h);
    }

    @Test
    void aJobOfAnotherCronJobWithTheSameNameIsNotClaimed() throws Exception {
        var h = harness(config());
        send(h, cronJob("log-rotate").uid("cj-new").at(t("09:02:13")).suspicious().build());
        send(h, spawnedJob("log-rotate", "cj-old", t("09:05:00")).suspicious().build());
        h.processWatermark(new Watermark(t("09:06:00")));

        assertThat(h.extractOutputValues()).singleElement().extracting(SpawnedJob::status).isEqualTo(RootStatus.UNKNOWN);
    }

    @Test
    void aPatchThatMakesTheCronJobSuspiciousBecomesItsRoot() throws Exception {
        var h = harness(config());
        send(h, cronJob("report-gen").uid("cj-5").at(t("09:00:00")).schedule("*/20 * * * *", null).build());
        // a harmless patch is no root
        send(h, cronJob("report-gen").uid("cj-5").verb("patch").at(t("09:05:00")).schedule("*/20 * * * *", null).build());
        ScoredEvent patch = cronJob("report-gen").uid("cj-5").verb("patch").at(t("09:12:00")).schedule(null, null).suspicious().build();
        send(h, patch);
        send(h, spawnedJob("report-gen", "cj-5", t("09:20:00")).suspicious().build());
        // the Job waits until the harmless patch before it has been applied (changes go in event-time order)
        h.processWatermark(new Watermark(t("09:20:01")));

        assertThat(h.extractOutputValues()).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo(RootStatus.SUSPICIOUS);
            assertThat(s.root().auditId()).isEqualTo(patch.event().auditId());
            assertThat(s.root().schedule()).as("the patch inherits the known schedule").isEqualTo("*/20 * * * *");
        });
    }

    @Test
    void aHarmlessPatchThatMovesTheScheduleMovesTheWindow() throws Exception {
        var h = harness(config());
        send(h, cronJob("log-rotate").uid("cj-1").at(t("09:02:13")).schedule("0 0 * * *", null).suspicious().build());
        send(h, cronJob("log-rotate").uid("cj-1").verb("patch").at(t("09:03:00")).schedule("*/5 * * * *", null).build());
        send(h, spawnedJob("log-rotate", "cj-1", t("09:05:00")).suspicious().build());
        h.processWatermark(new Watermark(t("09:05:01")));

        assertThat(h.extractOutputValues()).singleElement().extracting(SpawnedJob::status).isEqualTo(RootStatus.SUSPICIOUS);
    }

    @Test
    void aJobWithoutOwnerReferenceLinksByItsScheduledMinuteName() throws Exception {
        var h = harness(config());
        send(h, cronJob("log-rotate").uid("cj-1").at(t("09:02:13")).suspicious().build());
        send(h, spawnedJob("log-rotate", null, t("09:05:00")).noOwner().bodiless().build());

        assertThat(h.extractOutputValues()).singleElement().extracting(SpawnedJob::status).isEqualTo(RootStatus.SUSPICIOUS);
    }

    @Test
    void lateEventsGoToTheSideOutputAndAreNotCorrelated() throws Exception {
        var h = harness(config());
        h.processWatermark(new Watermark(t("09:10:00")));
        send(h, cronJob("log-rotate").uid("cj-1").at(t("09:02:13")).suspicious().build());

        assertThat(h.getSideOutput(CorrelationStage.LATE)).hasSize(1);
        assertThat(h.numKeyedStateEntries()).isZero();
    }

    @Test
    void theWaitingBufferIsBounded() throws Exception {
        CorrelationConfig d = config();
        CorrelationConfig small = new CorrelationConfig(d.defaultWindow(), d.scheduleGrace(), d.maxWindow(), d.spawnBuffer(),
                d.orphanWindow(), d.updateInterval(), d.stateTtl(), d.maxChainLinks(), 2, d.controllerTimeZone(), d.lifecycle(), d.profile(),
                d.alertThreshold());
        var h = harness(small);
        for (int m = 0; m < 3; m++) {
            send(h, spawnedJob("orphaned", "cj-x", t("09:05:00") + m * 60_000L).build());
        }
        // the third could not wait: it is resolved at once
        assertThat(h.extractOutputValues()).singleElement().extracting(SpawnedJob::status).isEqualTo(RootStatus.UNKNOWN);
        h.processWatermark(new Watermark(t("09:10:00")));
        assertThat(h.extractOutputValues()).hasSize(3);
        assertDrained(h);
    }

    @Test
    void snapshotAndRestoreInTheMiddleOfAChain() throws Exception {
        var h = harness(config());
        send(h, cronJob("log-rotate").uid("cj-1").at(t("09:02:13")).suspicious().build());
        send(h, spawnedJob("log-rotate", "cj-1", t("09:05:00")).suspicious().build());
        OperatorSubtaskState snapshot = h.snapshot(1L, t("09:06:00"));
        h.close();
        opened.remove(h);

        var restored = harness(config(), snapshot);
        send(restored, spawnedJob("log-rotate", "cj-1", t("09:10:00")).suspicious().build());
        assertThat(restored.extractOutputValues()).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo(RootStatus.SUSPICIOUS);
            assertThat(s.root().username()).isEqualTo(HUMAN);
        });
        restored.processWatermark(new Watermark(t("10:00:00")));
        assertDrained(restored);
    }

    @Test
    void worksOnRocksDb() throws Exception {
        var h = harness(config(), true, null);
        send(h, spawnedJob("log-rotate", "cj-1", t("09:05:00")).suspicious().build());
        send(h, cronJob("log-rotate").uid("cj-1").at(t("09:02:13")).suspicious().build());
        OperatorSubtaskState snapshot = h.snapshot(1L, t("09:06:00"));
        assertThat(h.extractOutputValues()).singleElement().extracting(SpawnedJob::status).isEqualTo(RootStatus.SUSPICIOUS);

        var restored = harness(config(), true, snapshot);
        send(restored, spawnedJob("log-rotate", "cj-1", t("09:10:00")).suspicious().build());
        assertThat(restored.extractOutputValues()).singleElement().extracting(SpawnedJob::status).isEqualTo(RootStatus.SUSPICIOUS);
        restored.processWatermark(new Watermark(t("10:00:00")));
        assertThat(restored.numEventTimeTimers()).isZero();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob> harness(CorrelationConfig cfg) throws Exception {
        return harness(cfg, null);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob> harness(CorrelationConfig cfg,
                                                                                         OperatorSubtaskState restore) throws Exception {
        return harness(cfg, false, restore);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob> harness(CorrelationConfig cfg, boolean rocksDb,
                                                                                         OperatorSubtaskState restore) throws Exception {
        return Harnesses.cronJobStage(cfg, rocksDb, restore, opened);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob> h, ScoredEvent e) throws Exception {
        Harnesses.send(h, e);
    }

    private static void assertDrained(KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob> h) {
        Harnesses.assertDrained(h.numKeyedStateEntries(), h.numEventTimeTimers());
    }
}
