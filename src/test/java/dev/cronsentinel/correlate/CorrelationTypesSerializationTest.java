package dev.cronsentinel.correlate;

import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/** Everything correlation sends between operators or keeps in state is serialized by Flink as a POJO, never by Kryo. */
class CorrelationTypesSerializationTest {
    @Test
    void streamRecords() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SpawnedJob.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(ChainFinding.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(Spawn.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(RootContext.class);
    }

    @Test
    void stateRecords() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(CronJobRoot.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(JobLink.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(EscalationState.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(ChainAggregate.class);
    }
}
