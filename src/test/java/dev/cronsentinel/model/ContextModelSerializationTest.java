package dev.cronsentinel.model;

import dev.cronsentinel.context.SpreadSeed;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The per-actor context state and the warm-up's carrier are Flink POJOs, never Kryo. */
class ContextModelSerializationTest {
    @ParameterizedTest
    @ValueSource(classes = {ActorProfile.class, ActorSpread.class, SpreadSeed.class})
    void serializedAsPojoWithoutKryo(Class<?> type) {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);
    }
}
