package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronsentinel.config.ConfigException;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.config.KafkaSinkConfig;
import dev.cronsentinel.config.KafkaSourceConfig;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The shipped {@code conf/cronsentinel.yaml} switched to Kafka by command-line overrides, as the README does. */
class CronSentinelJobKafkaConfigTest {
    private static final String CONF = "conf/cronsentinel.yaml";

    @Test
    void shippedConfigRunsOnKafkaWithThreeOverrides() {
        JobConfig cfg = CronSentinelJob.loadConfig(new String[] {"--config", CONF,
                "--input.type=kafka", "--output.type=kafka", "--dead-letters.type=kafka"});
        KafkaSourceConfig in = cfg.kafkaInput();
        assertThat(in.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(in.topics()).containsExactly("k8s-audit");
        assertThat(in.startingOffsets()).isEqualTo(KafkaSourceConfig.StartingOffsets.COMMITTED);
        KafkaSinkConfig out = cfg.kafkaOutput();
        assertThat(out.alertsTopic()).isEqualTo("cronsentinel-alerts");
        assertThat(out.deadLetterTopic()).isEqualTo("cronsentinel-dead-letters");
        assertThat(out.delivery()).isEqualTo(KafkaSinkConfig.Delivery.EXACTLY_ONCE);
    }

    @Test
    void kafkaSectionsAreSetAsideWhenKafkaIsNotUsed() {
        JobConfig cfg = CronSentinelJob.loadConfig(new String[] {"--config", CONF,
                "--input.file.paths=samples/audit.log"});
        assertThat(cfg.inputType()).isEqualTo("file");
        assertThat(cfg.kafkaInput()).isNull();
        assertThat(cfg.kafkaOutput()).isNull();
    }

    @Test
    void deadLettersAloneOnKafkaReadTheOutputSection() {
        JobConfig cfg = CronSentinelJob.loadConfig(new String[] {"--config", CONF,
                "--input.file.paths=samples/audit.log", "--dead-letters.type=kafka"});
        assertThat(cfg.kafkaOutput().deadLetterTopic()).isEqualTo("cronsentinel-dead-letters");
    }

    @Test
    void badKafkaConfigFailsAtStartWithOneMessageNamingTheKey() {
        assertThatThrownBy(() -> CronSentinelJob.loadConfig(new String[] {"--config", CONF,
                "--input.type=kafka", "--input.kafka.bootstrap-servers="}))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key 'input.kafka.bootstrap-servers': is required");
        assertThatThrownBy(() -> CronSentinelJob.loadConfig(new String[] {"--config", CONF,
                "--input.type=kafka", "--input.kafka.topics=", "--input.kafka.topic-pattern=audit-[a-"}))
                .hasMessageStartingWith("config key 'input.kafka.topic-pattern': malformed pattern 'audit-[a-'");
        assertThatThrownBy(() -> CronSentinelJob.loadConfig(new String[] {"--config", CONF,
                "--output.type=kafka", "--input.file.paths=x", "--output.kafka.delivery-guarantee=maybe"}))
                .hasMessageStartingWith("config key 'output.kafka.delivery-guarantee': unknown value 'maybe'");
        assertThatThrownBy(() -> CronSentinelJob.loadConfig(new String[] {"--config", CONF,
                "--input.type=kafka", "--input.kafka.bootstrap-server=localhost:9092"}))
                .hasMessageStartingWith("config key 'input.kafka.bootstrap-server': unknown key");
    }

    @Test
    void exactlyOnceOutputTurnsCheckpointingOnWhereNothingElseDid() {
        JobConfig cfg = CronSentinelJob.loadConfig(new String[] {"--config", CONF,
                "--input.type=kafka", "--output.type=kafka", "--dead-letters.type=kafka"});
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
        CronSentinelJob.ensureCheckpointing(env, cfg);
        assertThat(env.getCheckpointConfig().getCheckpointInterval())
                .isEqualTo(CronSentinelJob.DEFAULT_CHECKPOINT_INTERVAL.toMillis());
    }

    @Test
    void aClusterCheckpointIntervalIsKeptAndCheckedAgainstTheTransactionTimeout() {
        JobConfig cfg = CronSentinelJob.loadConfig(new String[] {"--config", CONF,
                "--input.type=kafka", "--output.type=kafka", "--dead-letters.type=kafka"});
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.enableCheckpointing(Duration.ofMinutes(6).toMillis());
        assertThatThrownBy(() -> CronSentinelJob.ensureCheckpointing(env, cfg))
                .hasMessageStartingWith("config key 'output.kafka.transaction-timeout': must be at least twice");

        StreamExecutionEnvironment env2 = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env2.enableCheckpointing(Duration.ofSeconds(10).toMillis());
        CronSentinelJob.ensureCheckpointing(env2, cfg);
        assertThat(env2.getCheckpointConfig().getCheckpointInterval()).isEqualTo(10_000L);
    }

    @Test
    void atLeastOnceLeavesCheckpointingAlone() {
        JobConfig cfg = CronSentinelJob.loadConfig(new String[] {"--config", CONF, "--input.type=kafka",
                "--output.type=kafka", "--output.kafka.delivery-guarantee=at-least-once"});
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        CronSentinelJob.ensureCheckpointing(env, cfg);
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
        assertThat(List.of(cfg.outputType(), cfg.deadLetterType())).containsExactly("kafka", "stderr");
    }
}
