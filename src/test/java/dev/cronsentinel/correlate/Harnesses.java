package dev.cronsentinel.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.model.ScoredEvent;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/** Harness settings and checks every correlation test shares. */
final class Harnesses {
    private Harnesses() {}

    /** Like {@code pipeline.generic-types: false}: state that would need Kryo fails the test. */
    static <T extends AbstractStreamOperatorTestHarness<?>> T withoutGenericTypes(T harness) {
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        return harness;
    }

    /**
     * Opens the harness without generic types, on RocksDB or the heap backend, restored from {@code restore}
     * when given; {@code opened} collects it for closing.
     */
    static <T extends AbstractStreamOperatorTestHarness<?>> T open(T harness, boolean rocksDb, OperatorSubtaskState restore,
                                                                  List<? super T> opened) throws Exception {
        if (rocksDb) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        withoutGenericTypes(harness);
        opened.add(harness);
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }

    static void assertDrained(int keyedStateEntries, int eventTimeTimers) {
        assertThat(keyedStateEntries).as("keyed state entries").isZero();
        assertThat(eventTimeTimers).as("event-time timers").isZero();
    }

    /** The CronJob stage, keyed as the topology keys it. */
    static KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob> cronJobStage(CorrelationConfig cfg,
            boolean rocksDb, OperatorSubtaskState restore, List<? super KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob>> opened)
            throws Exception {
        LinkKeys keys = new LinkKeys(cfg.maxWindow().toMillis());
        return open(new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new CronJobLinkFunction(cfg)), keys::cronJobKey, Types.STRING), rocksDb, restore, opened);
    }

    /** The Job stage, keyed as the topology keys it. */
    static KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob, ChainFinding> jobStage(CorrelationConfig cfg,
            boolean rocksDb, OperatorSubtaskState restore,
            List<? super KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob, ChainFinding>> opened) throws Exception {
        LinkKeys keys = new LinkKeys(cfg.maxWindow().toMillis());
        return open(new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new JobLinkFunction(cfg)), keys::jobKey, SpawnedJob::key, Types.STRING),
                rocksDb, restore, opened);
    }

    /** A scored event at its event time, on the (first) input. */
    static void send(KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob> h, ScoredEvent e) throws Exception {
        h.processElement(new StreamRecord<>(e, e.event().eventTime()));
    }

    static void send(KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob, ChainFinding> h, ScoredEvent e)
            throws Exception {
        h.processElement1(new StreamRecord<>(e, e.event().eventTime()));
    }

    /** Both inputs of the Job stage move to {@code t}. */
    static void watermark(KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob, ChainFinding> h, long t)
            throws Exception {
        h.processWatermark1(new Watermark(t));
        h.processWatermark2(new Watermark(t));
    }
}
