package dev.cronsentinel.testing;

import dev.cronsentinel.CronSentinelJob;
import dev.cronsentinel.Topology;
import dev.cronsentinel.config.ConfigSource;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.ScoredEvent;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** Shared set-up of MiniCluster tests: parallelism 2, no Kryo fallback, config from conf/ plus overrides. */
public final class Pipelines {
    private Pipelines() {}

    public static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .setConfiguration(flinkConfig())
                .build());
    }

    /**
     * Flink settings every test job runs with, as production's {@code conf/flink/config.yaml} sets them: a generic
     * (Kryo) type anywhere fails the job, and records are handed on between chained operators without copies.
     */
    public static Configuration flinkConfig() {
        Configuration c = new Configuration();
        c.set(PipelineOptions.GENERIC_TYPES, false);
        c.set(PipelineOptions.OBJECT_REUSE, true);
        return c;
    }

    /** The shipped config with test overrides, e.g. {@code "input.file.paths", path}. */
    public static JobConfig jobConfig(String... keyValues) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            overrides.put(keyValues[i], keyValues[i + 1]);
        }
        // Fixtures are dated: tests never let the wall clock judge them (event times stay bounded by the stream).
        overrides.putIfAbsent("event-time.wall-clock-bounds", "off");
        String[] args = overrides.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigSource src = ConfigSource.load(TestData.projectRoot().resolve("conf/cronsentinel.yaml"), args);
        JobConfig cfg = JobConfig.from(src);
        src.assertAllKeysUsed();
        return cfg;
    }

    /** What one bounded run of the production topology wrote: its alerts, dead letters and late events. */
    public record FileRun(List<Alert> alerts, List<DeadLetter> deadLetters, List<ScoredEvent> lateForCorrelation) {}

    /**
     * Runs the production topology over the config's file input, at parallelism 2 on the test's MiniCluster,
     * with collecting sinks, until the input ends.
     */
    public static FileRun runFiles(JobConfig config, String jobName) throws Exception {
        CollectingSink<Alert> alerts = new CollectingSink<>();
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        CollectingSink<ScoredEvent> late = new CollectingSink<>();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfig());
        env.setParallelism(2);
        Topology.Streams streams = Topology.build(env, CronSentinelJob.source(env, config), new Topology.Sinks(alerts, dead), config);
        streams.lateForCorrelation().sinkTo(late).uid("test-late-sink").name("late events (test)");
        env.execute(jobName);
        return new FileRun(alerts.results(), dead.results(), late.results());
    }

    public static Path sample() {
        return TestData.projectRoot().resolve("samples/audit.log");
    }
}
