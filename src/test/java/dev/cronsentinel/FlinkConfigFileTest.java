package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.testing.FlinkOptions;
import dev.cronsentinel.testing.TestData;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.executiongraph.failover.ExponentialDelayRestartBackoffTimeStrategy;
import org.apache.flink.runtime.executiongraph.failover.RestartBackoffTimeStrategyFactoryLoader;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.StateBackendLoader;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.PredefinedOptions;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code conf/flink/config.yaml}, read by Flink 2.2.1 itself: every key is an option this Flink defines (no
 * typo, no key of another version, no deprecated spelling), every value parses as its option's type, and what
 * Flink makes of the file is what the file's comments promise. The local cluster and its tests
 * ({@code FlinkClusterITCase}) run with this very file.
 */
class FlinkConfigFileTest {
    private static FlinkOptions options;
    private static Configuration config;

    @BeforeAll
    static void load() {
        options = FlinkOptions.onClasspath();
        config = GlobalConfiguration.loadConfiguration(TestData.projectRoot().resolve("conf/flink").toString());
    }

    @Test
    void everyKeyIsAnOptionOfThisFlinkVersion() {
        assertThat(options.size()).as("options found on the class path").isGreaterThan(300);
        Set<String> reporterArgs = FlinkOptions.reporterArgs(
                MetricOptions.forReporter(config, "prom").get(MetricOptions.REPORTER_FACTORY_CLASS));
        Map<String, String> problems = new TreeMap<>();
        for (String key : config.keySet()) {
            String problem = options.problem(key, reporterArgs);
            if (problem != null) {
                problems.put(key, problem);
            }
        }
        assertThat(problems).as("keys of conf/flink/config.yaml").isEmpty();
        assertThat(config.keySet()).as("the file was read at all").hasSizeGreaterThan(20);
    }

    @Test
    void everyValueParsesAsItsOptionsType() {
        Map<String, String> problems = new TreeMap<>();
        for (String key : config.keySet()) {
            ConfigOption<?> option = options.option(key);
            if (option == null) {
                continue; // reporter keys; the test above covers them
            }
            try {
                config.get(option);
            } catch (RuntimeException e) {
                problems.put(key, e.getMessage());
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void checkpointsAreExactlyOnceIncrementalAndBecomeUnalignedUnderBackPressure() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        CheckpointConfig c = env.getCheckpointConfig();
        assertThat(c.isCheckpointingEnabled()).isTrue();
        assertThat(c.getCheckpointingConsistencyMode()).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(c.getCheckpointInterval()).isEqualTo(Duration.ofSeconds(30).toMillis());
        assertThat(c.isUnalignedCheckpointsEnabled()).isTrue();
        assertThat(c.getAlignedCheckpointTimeout()).isPositive();
        assertThat(c.getMaxConcurrentCheckpoints()).as("unaligned checkpoints need one at a time").isEqualTo(1);
        assertThat(c.getExternalizedCheckpointRetention()).isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(config.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(config.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isNotBlank();
        assertThat(config.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isNotBlank();
    }

    @Test
    void theStateBackendIsIncrementalRocksDb() throws Exception {
        StateBackend backend = StateBackendLoader.loadStateBackendFromConfig(config, getClass().getClassLoader(), null);
        assertThat(backend).isInstanceOf(EmbeddedRocksDBStateBackend.class);
        EmbeddedRocksDBStateBackend rocks = (EmbeddedRocksDBStateBackend) backend;
        assertThat(rocks.isIncrementalCheckpointsEnabled()).isTrue();
        assertThat(rocks.getPredefinedOptions()).isEqualTo(PredefinedOptions.FLASH_SSD_OPTIMIZED);
    }

    @Test
    void failuresRestartWithExponentialBackoff() {
        var factory = RestartBackoffTimeStrategyFactoryLoader.createRestartBackoffTimeStrategyFactory(
                new Configuration(), config, true);
        assertThat(factory).isInstanceOf(ExponentialDelayRestartBackoffTimeStrategy.ExponentialDelayRestartBackoffTimeStrategyFactory.class);
    }

    @Test
    void kryoFallbackAndGeneratedUidsAreSwitchedOff() {
        assertThat(config.get(PipelineOptions.GENERIC_TYPES)).isFalse();
        assertThat(config.get(PipelineOptions.AUTO_GENERATE_UIDS)).isFalse();
    }

    /**
     * A Kafka transaction stays open from the first write after a checkpoint until the next checkpoint completes:
     * up to the interval plus the checkpoint timeout. The broker aborts it after the job's transaction timeout,
     * and with it alerts Flink already counted as committed.
     */
    @Test
    void theKafkaTransactionTimeoutOutlivesTheSlowestCheckpoint() {
        JobConfig job = CronSentinelJob.loadConfig(new String[] {
                "--config", "conf/cronsentinel.yaml", "--input.type=kafka", "--output.type=kafka"});
        Duration open = config.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)
                .plus(config.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT));
        assertThat(job.kafkaOutput().transactionTimeout()).isGreaterThan(open);
    }
}
