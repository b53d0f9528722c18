package dev.cronsentinel.model;

import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every record that crosses an operator boundary or lives in state is a Flink POJO, never Kryo. */
class ModelSerializationTest {
    @ParameterizedTest
    @ValueSource(classes = {
        RawAuditRecord.class, WorkloadEvent.class, PodTemplate.class, ContainerSpec.class, VolumeSpec.class,
        MountSpec.class, EnvVarSpec.class, EnvFromSpec.class, ExecSpec.class, Signal.class, ScoredEvent.class, Alert.class, ChainLink.class,
        SeedRow.class, DeadLetter.class
    })
    void serializedAsPojoWithoutKryo(Class<?> type) {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);
    }
}
