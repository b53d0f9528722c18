package dev.cronsentinel.hunt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronsentinel.testing.TestData;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hunt runs on production's conf/flink/config.yaml with only this machine's paths and ports changed. */
class LocalFlinkConfigurationTest {
    @TempDir
    Path work;

    @Test
    void productionSettingsStayAndOnlyPathsAndReportersChange() {
        Configuration c = LocalFlinkConfiguration.load(TestData.projectRoot().resolve("conf/flink"), work);
        assertThat(c.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(c.get(PipelineOptions.GENERIC_TYPES)).isFalse();
        assertThat(c.get(PipelineOptions.OBJECT_REUSE)).isTrue();
        assertThat(c.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(c.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo(work.resolve("checkpoints").toUri().toString());
        assertThat(c.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isEqualTo(work.resolve("savepoints").toUri().toString());
        assertThat(c.getOptional(MetricOptions.REPORTERS_LIST)).isEmpty();
    }

    @Test
    void aConfDirWithoutConfigYamlIsNamed() {
        assertThatThrownBy(() -> LocalFlinkConfiguration.load(work, work)).hasMessageContaining("config.yaml in " + work);
    }
}
