package dev.cronsentinel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;

/**
 * The Flink side of the benchmark harness programs: production's Flink configuration
 * ({@code conf/flink/config.yaml}) with the few changes a benchmark JVM needs, a MiniCluster on it, and what a
 * finished or running job actually used (state backend, checkpoints).
 */
final class BenchFlink {
    private BenchFlink() {}

    /**
     * {@code conf/flink/config.yaml} as a cluster would load it, so state backend, checkpointing and pipeline
     * options are production's, then:
     * <ul>
     *   <li>checkpoint and savepoint directories under {@code checkpointDir}: production's
     *       {@code /var/lib/cronsentinel} does not exist on a development machine;</li>
     *   <li>no metric reporters: production's Prometheus reporter would bind ports 9249-9260, which other
     *       processes on this machine may hold, and costs nothing worth measuring here;</li>
     *   <li>restart strategy {@code none}: a failing benchmark job must fail the run, not be restarted quietly
     *       and report a slower figure;</li>
     *   <li>{@code pipeline.generic-types: false} (production's value, set again so no override loses it);</li>
     *   <li>a random REST port, as several clusters may run on this machine;</li>
     *   <li>then the caller's {@code overrides} (e.g. {@code --flink state.backend.type=hashmap}).</li>
     * </ul>
     */
    static Configuration productionConfig(Path confDir, Path checkpointDir, Map<String, String> overrides) {
        Configuration conf = GlobalConfiguration.loadConfiguration(confDir.toAbsolutePath().toString());
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.resolve("checkpoints").toUri().toString());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, checkpointDir.resolve("savepoints").toUri().toString());
        for (String key : new ArrayList<>(conf.keySet())) {
            if (key.startsWith("metrics.reporter")) {
                conf.removeKey(key);
            }
        }
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestOptions.BIND_PORT, "0");
        conf.addAll(Configuration.fromMap(overrides));
        return conf;
    }

    /** The settings that decide what is measured, one per line, for the top of a report. */
    static List<String> describe(Configuration conf) {
        List<String> lines = new ArrayList<>();
        for (String key : List.of("state.backend.type", "execution.checkpointing.incremental",
                "execution.checkpointing.interval", "execution.checkpointing.min-pause", "execution.checkpointing.mode",
                "execution.checkpointing.unaligned.enabled", "execution.checkpointing.dir", "pipeline.object-reuse",
                "pipeline.generic-types", "pipeline.auto-watermark-interval", "taskmanager.memory.managed.size",
                "state.backend.rocksdb.memory.managed", "state.backend.rocksdb.predefined-options")) {
            lines.add(key + ": " + conf.toMap().getOrDefault(key, "(Flink default)"));
        }
        return lines;
    }

    /** One TaskManager with {@code parallelism} slots on the given configuration, started. */
    static MiniCluster startMiniCluster(Configuration conf, int parallelism) throws Exception {
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(parallelism)
                .withRandomPorts()
                .build());
        cluster.start();
        // Every StreamExecutionEnvironment.getExecutionEnvironment(conf) from now on submits to this cluster.
        TestStreamEnvironment.setAsContext(cluster, parallelism);
        return cluster;
    }

    static StreamExecutionEnvironment env(Configuration conf, int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    /** What a job ran with, read from its execution graph rather than from the configuration we meant to give it. */
    record JobFacts(String stateBackend, String checkpointStorage, long checkpointIntervalMillis,
                    long completedCheckpoints, long failedCheckpoints) {
        static JobFacts of(AccessExecutionGraph graph) {
            CheckpointStatsSnapshot stats = graph.getCheckpointStatsSnapshot();
            long interval = graph.getCheckpointCoordinatorConfiguration() == null
                    ? -1 : graph.getCheckpointCoordinatorConfiguration().getCheckpointInterval();
            return new JobFacts(graph.getStateBackendName().orElse("?"), graph.getCheckpointStorageName().orElse("?"),
                    interval,
                    stats == null ? 0 : stats.getCounts().getNumberOfCompletedCheckpoints(),
                    stats == null ? 0 : stats.getCounts().getNumberOfFailedCheckpoints());
        }

        static JobFacts finished(MiniCluster cluster, JobID job) throws Exception {
            return of(cluster.getArchivedExecutionGraph(job).get());
        }

        static JobFacts running(MiniCluster cluster, JobID job) throws Exception {
            return of(cluster.getExecutionGraph(job).get());
        }

        String interval() {
            return checkpointIntervalMillis < 0 || checkpointIntervalMillis == Long.MAX_VALUE
                    ? "off" : checkpointIntervalMillis + " ms";
        }

        @Override
        public String toString() {
            return "state backend " + stateBackend + ", checkpoint storage " + checkpointStorage + ", checkpoint interval "
                    + interval() + ", checkpoints completed " + completedCheckpoints + ", failed " + failedCheckpoints;
        }
    }

    /** Deletes a directory tree the program created (its checkpoints), quietly skipping what is already gone. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
