package dev.cronsentinel.testing;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The project's MiniCluster setup for integration tests: two slots, parallelism 2, no generic types. */
public final class FlinkMiniClusters {
    public static final int PARALLELISM = 2;

    private FlinkMiniClusters() {}

    /** One TaskManager with two slots, shared by the test class. */
    public static MiniClusterExtension extension() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(PARALLELISM)
                .build());
    }

    /**
     * An environment on the MiniCluster at parallelism 2 with Kryo fallback switched off, so a type that would
     * silently fall back to generic serialization fails the test instead. Restarts are off: a failure in a test
     * job should fail the test, not be retried quietly.
     */
    public static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        return env;
    }

    /** As {@link #env()}, with periodic checkpoints at the given interval. */
    public static StreamExecutionEnvironment env(Duration checkpointInterval) {
        StreamExecutionEnvironment env = env();
        env.enableCheckpointing(checkpointInterval.toMillis());
        return env;
    }
}
