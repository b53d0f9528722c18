package dev.cronsentinel.testing;

import dev.cronsentinel.config.ConfigSource;
import dev.cronsentinel.config.JobConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
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

    public static Path sample() {
        return TestData.projectRoot().resolve("samples/audit.log");
    }
}
