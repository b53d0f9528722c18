package dev.cronsentinel.testing;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** Environments for the Kafka integration tests, on the project's MiniCluster set-up ({@link Pipelines}). */
public final class FlinkMiniClusters {
    public static final int PARALLELISM = 2;

    private FlinkMiniClusters() {}

    /** One TaskManager with two slots, shared by the test class: {@link Pipelines#miniCluster()}. */
    public static MiniClusterExtension extension() {
        return Pipelines.miniCluster();
    }

    /**
     * An environment on the MiniCluster at parallelism 2 with Kryo fallback switched off, so a type that would
     * silently fall back to generic serialization fails the test instead. Restarts are off: a failure in a test
     * job should fail the test, not be retried quietly.
     */
    public static StreamExecutionEnvironment env() {
        Configuration conf = Pipelines.flinkConfig();
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
