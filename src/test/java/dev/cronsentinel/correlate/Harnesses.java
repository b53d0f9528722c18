package dev.cronsentinel.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

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
}
