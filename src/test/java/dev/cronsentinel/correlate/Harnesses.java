package dev.cronsentinel.correlate;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** Harness settings every correlation test shares. */
final class Harnesses {
    private Harnesses() {}

    /** Like {@code pipeline.generic-types: false}: state that would need Kryo fails the test. */
    static <T extends AbstractStreamOperatorTestHarness<?>> T withoutGenericTypes(T harness) {
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        return harness;
    }
}
