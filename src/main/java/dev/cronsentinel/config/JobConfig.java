package dev.cronsentinel.config;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The one typed, validated configuration of the job, merged once from {@code conf/cronsentinel.yaml} and
 * command-line overrides ({@link ConfigSource}) and handed down as plain values. Flink's own settings
 * (checkpointing, state backend, restart strategy) are not here: they belong in Flink's configuration.
 *
 * @param profile {@code default} (structure-aware rules) or a seed-query compatibility profile,
 *     {@code splunk} or {@code sumo}
 * @param rulesFile the rule file of the profile
 * @param inputType {@code file} or {@code kafka}
 * @param inputPaths files or directories for {@code file} input
 * @param outputType {@code stdout}, {@code file}, {@code kafka} or {@code elasticsearch}
 * @param outputPath the alert file for {@code file} output
 * @param deadLetterType where dead letters go: {@code stderr}, {@code stdout}, {@code file}, {@code kafka},
 *     {@code elasticsearch}
 * @param deadLetterPath the dead-letter file for {@code file}
 * @param correlation windows and bounds of the CronJob -> Job -> Pod correlation (keys under {@code correlation.})
 * @param kafkaInput the Kafka source ({@code input.kafka.*}) when {@code input.type} is {@code kafka}, else null
 * @param kafkaOutput the Kafka sinks ({@code output.kafka.*}) when alerts or dead letters go to Kafka, else null
 * @param elasticsearchOutput the Elasticsearch sinks ({@code output.elasticsearch.*}) when alerts or dead letters go
 *     to Elasticsearch, else null
 * @param context per-actor context: profile lookback, bounds, learning period and context-signal weights
 * @param grouping how repeats of one finding fold into one alert
 * @param startupCheckTimeout {@code startup.check-timeout}: how long {@link dev.cronsentinel.StartupChecks} waits for
 *     each Kafka cluster and Elasticsearch output before main() fails naming the key; 0 skips the check
 * @param rbacSequences RBAC grant-then-workload sequences (keys under {@code correlation.rbac.})
 */
public record JobConfig(
        String profile,
        Path rulesFile,
        String inputType,
        List<String> inputPaths,
        String outputType,
        String outputPath,
        String deadLetterType,
        String deadLetterPath,
        DecoderConfig decoder,
        ScoringConfig scoring,
        EventTimeConfig eventTime,
        CorrelationConfig correlation,
        KafkaSourceConfig kafkaInput,
        KafkaSinkConfig kafkaOutput,
        ElasticsearchSinkConfig elasticsearchOutput,
        ContextConfig context,
        GroupingConfig grouping,
        Duration startupCheckTimeout,
        RbacSequenceConfig rbacSequences) implements Serializable {

    /** Default of {@code startup.check-timeout}: how long main() waits for each Kafka cluster and Elasticsearch. */
    public static final Duration DEFAULT_STARTUP_CHECK_TIMEOUT = Duration.ofSeconds(10);

    public static final List<String> PROFILES = List.of("default", "splunk", "sumo");
    public static final List<String> INPUTS = List.of("file", "kafka");
    public static final List<String> OUTPUTS = List.of("stdout", "file", "kafka", "elasticsearch");
    public static final List<String> DEAD_LETTER_OUTPUTS = List.of("stderr", "stdout", "file", "kafka", "elasticsearch");

    public boolean seedProfile() {
        return !"default".equals(profile);
    }

    /** Reads every key and fails on the first invalid one, naming it. */
    public static JobConfig from(ConfigSource c) {
        String profile = oneOf(c, "detection.profile", "default", PROFILES);
        Path rules = c.path("detection.rules", "rules/" + profile + ".yaml");
        String input = oneOf(c, "input.type", "file", INPUTS);
        List<String> paths = c.list("input.file.paths", List.of());
        if (input.equals("file") && paths.isEmpty()) {
            throw ConfigException.forKey("input.file.paths", "is required when input.type is file");
        }
        String output = oneOf(c, "output.type", "stdout", OUTPUTS);
        String outputPath = c.string("output.file.path", null);
        if (output.equals("file") && outputPath == null) {
            throw ConfigException.forKey("output.file.path", "is required when output.type is file");
        }
        String dlq = oneOf(c, "dead-letters.type", "stderr", DEAD_LETTER_OUTPUTS);
        String dlqPath = c.string("dead-letters.file.path", null);
        if (dlq.equals("file") && dlqPath == null) {
            throw ConfigException.forKey("dead-letters.file.path", "is required when dead-letters.type is file");
        }
        // A Kafka section is validated only when Kafka is used; otherwise its keys are set aside, so one config
        // file can carry both the local and the production settings.
        KafkaSourceConfig kafkaInput = null;
        if (input.equals("kafka")) {
            kafkaInput = KafkaSourceConfig.from(c);
        } else {
            c.withPrefix(KafkaSourceConfig.PREFIX);
        }
        KafkaSinkConfig kafkaOutput = null;
        if (output.equals("kafka") || dlq.equals("kafka")) {
            kafkaOutput = KafkaSinkConfig.from(c);
        } else {
            c.withPrefix(KafkaSinkConfig.PREFIX);
        }
        ElasticsearchSinkConfig elasticsearchOutput = null;
        if (output.equals("elasticsearch") || dlq.equals("elasticsearch")) {
            elasticsearchOutput = ElasticsearchSinkConfig.from(c);
        } else {
            c.withPrefix(ElasticsearchSinkConfig.PREFIX);
        }
        Duration startupCheck = c.duration("startup.check-timeout", DEFAULT_STARTUP_CHECK_TIMEOUT);
        if (startupCheck.isNegative()) {
            throw ConfigException.forKey("startup.check-timeout", "must be 0 (no check) or positive");
        }
        return new JobConfig(profile, rules, input, paths, output, outputPath, dlq, dlqPath,
                DecoderConfig.from(c), ScoringConfig.from(c), EventTimeConfig.from(c), CorrelationConfig.from(c),
                kafkaInput, kafkaOutput, elasticsearchOutput, ContextConfig.from(c), GroupingConfig.from(c), startupCheck,
                RbacSequenceConfig.from(c));
    }

    private static String oneOf(ConfigSource c, String key, String def, List<String> allowed) {
        String v = c.string(key, def).toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw ConfigException.forKey(key, "unknown value '" + v + "', expected one of " + allowed);
        }
        return v;
    }
}
