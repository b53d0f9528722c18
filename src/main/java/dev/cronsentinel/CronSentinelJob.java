package dev.cronsentinel;

import dev.cronsentinel.config.ConfigException;
import dev.cronsentinel.config.ConfigSource;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.config.KafkaSinkConfig;
import dev.cronsentinel.ingest.AuditLogFileFormat;
import dev.cronsentinel.ingest.KafkaAuditSourceFactory;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.sink.JsonLinesSink;
import dev.cronsentinel.sink.elasticsearch.ElasticsearchSink;
import dev.cronsentinel.sink.KafkaAlertSinkFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point. Reads the configuration ({@code --config FILE}, default {@code conf/cronsentinel.yaml}, plus
 * {@code --key=value} overrides), builds the source and sinks it names, and hands them to
 * {@link Topology#build}. Nothing else lives here.
 */
public final class CronSentinelJob {
    public static final String UID_FILE_SOURCE = "audit-file-source";
    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);

    private CronSentinelJob() {}

    public static void main(String[] args) throws Exception {
        JobConfig config;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        try {
            config = loadConfig(args);
            StartupChecks.run(config);
            ensureCheckpointing(env, config);
            Topology.build(env, source(env, config), sinks(config), config);
        } catch (ConfigException e) {
            // One clear line naming the key or file; no stack trace for a configuration mistake.
            System.err.println("cronsentinel: " + e.getMessage());
            System.exit(2);
            return;
        }
        env.execute("CronSentinel (" + config.profile() + ")");
    }

    /** Parses {@code --config} and the overrides into a validated {@link JobConfig}; rejects unknown keys. */
    public static JobConfig loadConfig(String[] args) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        Path file = Path.of("conf/cronsentinel.yaml");
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (a.equals("--config") && i + 1 < rest.size()) {
                file = Path.of(rest.get(i + 1));
                rest.remove(i + 1);
                rest.remove(i);
                break;
            }
            if (a.startsWith("--config=")) {
                file = Path.of(a.substring("--config=".length()));
                rest.remove(i);
                break;
            }
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist (give one with --config FILE)");
        }
        ConfigSource source = ConfigSource.load(file, rest.toArray(new String[0]));
        JobConfig config = JobConfig.from(source);
        source.assertAllKeysUsed();
        return config;
    }

    /**
     * Exactly-once Kafka output commits its transactions on completed checkpoints, so it needs checkpointing.
     * A cluster's own {@code execution.checkpointing.interval} is kept and checked against the transaction
     * timeout; where nothing enabled checkpointing (a local run), it is enabled here at
     * {@link #DEFAULT_CHECKPOINT_INTERVAL}, which is also how often alerts become visible to consumers.
     */
    static void ensureCheckpointing(StreamExecutionEnvironment env, JobConfig config) {
        KafkaSinkConfig kafka = config.kafkaOutput();
        if (kafka == null || kafka.delivery() != KafkaSinkConfig.Delivery.EXACTLY_ONCE) {
            return;
        }
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            System.err.println("cronsentinel: exactly-once Kafka output needs checkpointing; enabling it every "
                    + DEFAULT_CHECKPOINT_INTERVAL.toSeconds() + "s (set execution.checkpointing.interval in Flink's "
                    + "configuration to choose)");
            env.enableCheckpointing(DEFAULT_CHECKPOINT_INTERVAL.toMillis());
        }
        kafka.checkAgainstCheckpointing(Duration.ofMillis(env.getCheckpointConfig().getCheckpointInterval()));
    }

    public static DataStream<RawAuditRecord> source(StreamExecutionEnvironment env, JobConfig config) {
        switch (config.inputType()) {
            case "file":
                org.apache.flink.core.fs.Path[] paths = config.inputPaths().stream()
                        .map(org.apache.flink.core.fs.Path::new)
                        .toArray(org.apache.flink.core.fs.Path[]::new);
                FileSource<RawAuditRecord> files = FileSource
                        .forBulkFileFormat(new AuditLogFileFormat(config.decoder().maxRecordBytes()), paths)
                        .build();
                return env.fromSource(files, WatermarkStrategy.noWatermarks(), "audit log files")
                        .uid(UID_FILE_SOURCE);
            case "kafka":
                return KafkaAuditSourceFactory.stream(env, config.kafkaInput(), config.decoder().maxRecordBytes());
            default:
                throw new ConfigException("config key 'input.type': '" + config.inputType() + "' is not available in this build");
        }
    }

    static Topology.Sinks sinks(JobConfig config) {
        Sink<Alert> alerts;
        switch (config.outputType()) {
            case "stdout":
                alerts = JsonLinesSink.alerts("stdout");
                break;
            case "file":
                alerts = JsonLinesSink.alerts(config.outputPath());
                break;
            case "kafka":
                alerts = KafkaAlertSinkFactory.alerts(config.kafkaOutput());
                break;
            case "elasticsearch":
                // Alerts Elasticsearch refuses for good go to its dead-letter index, whatever dead-letters.type says.
                alerts = ElasticsearchSink.forAlerts(config.elasticsearchOutput());
                break;
            default:
                throw new ConfigException("config key 'output.type': '" + config.outputType() + "' is not available in this build");
        }
        Sink<DeadLetter> dead;
        switch (config.deadLetterType()) {
            case "stdout":
            case "stderr":
                dead = JsonLinesSink.deadLetters(config.deadLetterType());
                break;
            case "file":
                dead = JsonLinesSink.deadLetters(config.deadLetterPath());
                break;
            case "kafka":
                dead = KafkaAlertSinkFactory.deadLetters(config.kafkaOutput());
                break;
            case "elasticsearch":
                dead = ElasticsearchSink.forDeadLetters(config.elasticsearchOutput());
                break;
            default:
                throw new ConfigException("config key 'dead-letters.type': '" + config.deadLetterType() + "' is not available in this build");
        }
        // Console and file sinks write one stream, so they run at parallelism 1. Kafka and Elasticsearch sinks keep
        // the job's parallelism, which chains them to the decoder and keeps each source partition's output in order.
        boolean parallel = parallelSink(config.outputType()) && parallelSink(config.deadLetterType());
        return new Topology.Sinks(alerts, dead, parallel ? 0 : 1);
    }

    private static boolean parallelSink(String type) {
        return type.equals("kafka") || type.equals("elasticsearch");
    }
}
