package dev.cronsentinel.hunt;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MetricOptions;

/**
 * Production's Flink configuration ({@code conf/flink/config.yaml}, or the {@code config.yaml} of
 * {@code FLINK_CONF_DIR}) for a job in an embedded cluster: the state backend, checkpointing, restart strategy and
 * pipeline settings stay as production has them; only what names this machine changes. Checkpoints and savepoints
 * go under the work directory (production's {@code /var/lib/cronsentinel} is not writable here), and metric
 * reporters are off (a local run must not take the Prometheus ports of a cluster on the same machine).
 */
public final class LocalFlinkConfiguration {
    private LocalFlinkConfiguration() {}

    public static Configuration load(Path confDir, Path workDir) {
        if (!Files.isRegularFile(confDir.resolve(GlobalConfiguration.FLINK_CONF_FILENAME))) {
            throw new IllegalArgumentException("no " + GlobalConfiguration.FLINK_CONF_FILENAME + " in " + confDir
                    + " (FLINK_CONF_DIR)");
        }
        Configuration c = GlobalConfiguration.loadConfiguration(confDir.toString());
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, workDir.resolve("checkpoints").toUri().toString());
        c.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, workDir.resolve("savepoints").toUri().toString());
        c.removeConfig(MetricOptions.REPORTERS_LIST);
        return c;
    }
}
