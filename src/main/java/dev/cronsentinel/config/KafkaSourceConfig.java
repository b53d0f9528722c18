package dev.cronsentinel.config;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Where and how the job reads audit events from Kafka: the keys under {@code input.kafka.}. Built and
 * validated once at start; a bad value fails with one {@link ConfigException} naming its key.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param topics the topics to read; empty when {@code topicPattern} is used
 * @param topicPattern a {@link java.util.regex.Pattern} over topic names, already checked to compile; null when
 *     {@code topics} is used. New matching topics are picked up by partition discovery.
 * @param groupId consumer group: committed offsets (on checkpoint) and the {@code committed} starting mode use it
 * @param startingOffsets where a fresh job (one not restored from a checkpoint) starts reading
 * @param offsetReset for {@code committed}: where to start a partition the group has no offset for
 * @param startTimestampMillis for {@code timestamp}: the first record time to read, epoch millis; else 0
 * @param bounded true to stop at the latest offsets seen at start (replays of a fixed topic, tests)
 * @param partitionDiscoveryInterval how often new partitions (and, for a pattern, new topics) are looked for
 * @param security authentication and encryption
 * @param properties extra consumer properties, passed through to the Kafka client unchanged
 */
public record KafkaSourceConfig(
        String bootstrapServers,
        List<String> topics,
        String topicPattern,
        String groupId,
        StartingOffsets startingOffsets,
        OffsetReset offsetReset,
        long startTimestampMillis,
        boolean bounded,
        Duration partitionDiscoveryInterval,
        KafkaSecurityConfig security,
        Map<String, String> properties) implements Serializable {

    public static final String PREFIX = "input.kafka.";

    /** Where a job without restored state starts reading. A restored job always resumes from its checkpoint. */
    public enum StartingOffsets {
        /** The consumer group's committed offsets; {@link OffsetReset} for partitions without one. */
        COMMITTED,
        EARLIEST,
        LATEST,
        /** The first record whose timestamp is at or after {@code start-timestamp}. */
        TIMESTAMP
    }

    /** Kafka's {@code auto.offset.reset}, for partitions the group has never committed. */
    public enum OffsetReset {
        EARLIEST, LATEST,
        /** Fail instead of guessing: for operators who want to know when a group's offsets are missing. */
        NONE
    }

    /** Client properties that have their own key here and so cannot also be passed through. */
    private static final Set<String> OWNED = Set.of("bootstrap.servers", "group.id", "key.deserializer",
            "value.deserializer", "auto.offset.reset", "partition.discovery.interval.ms", "enable.auto.commit");

    public KafkaSourceConfig {
        topics = KafkaClientChecks.copy(topics);
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    public static KafkaSourceConfig from(ConfigSource c) {
        return from(c, Secrets.fromSystem());
    }

    public static KafkaSourceConfig from(ConfigSource c, Secrets secrets) {
        String bootstrap = KafkaClientChecks.bootstrapServers(c, PREFIX + "bootstrap-servers");

        String topicsKey = PREFIX + "topics";
        String patternKey = PREFIX + "topic-pattern";
        List<String> topics = c.list(topicsKey, List.of());
        String pattern = c.string(patternKey, null);
        if (topics.isEmpty() == (pattern == null)) {
            throw ConfigException.forKey(topicsKey, topics.isEmpty()
                    ? "set either " + topicsKey + " or " + patternKey
                    : "set either " + topicsKey + " or " + patternKey + ", not both");
        }
        for (String t : topics) {
            KafkaClientChecks.topic(topicsKey, t);
        }
        if (pattern != null) {
            checkPattern(patternKey, pattern);
        }

        String groupId = c.string(PREFIX + "group-id", "cronsentinel");
        StartingOffsets starting = c.enumValue(PREFIX + "starting-offsets", StartingOffsets.class,
                StartingOffsets.COMMITTED);
        OffsetReset reset = c.enumValue(PREFIX + "offset-reset", OffsetReset.class, OffsetReset.EARLIEST);
        String tsKey = PREFIX + "start-timestamp";
        long startTimestamp = 0;
        if (starting == StartingOffsets.TIMESTAMP) {
            startTimestamp = parseTimestamp(tsKey, c.required(tsKey));
        } else if (c.has(tsKey)) {
            throw ConfigException.forKey(tsKey, "is set, but " + PREFIX + "starting-offsets is "
                    + starting.name().toLowerCase(java.util.Locale.ROOT) + ", not timestamp");
        }
        boolean bounded = c.bool(PREFIX + "bounded", false);
        Duration discovery = c.duration(PREFIX + "partition-discovery-interval", Duration.ofMinutes(1));
        if (discovery.isNegative() || discovery.isZero()) {
            throw ConfigException.forKey(PREFIX + "partition-discovery-interval", "must be positive");
        }
        KafkaSecurityConfig security = KafkaSecurityConfig.from(c, PREFIX, secrets);
        Map<String, String> props = KafkaClientChecks.passThrough(c, PREFIX, OWNED);
        return new KafkaSourceConfig(bootstrap, topics, pattern, groupId, starting, reset, startTimestamp, bounded,
                discovery, security, props);
    }

    /**
     * Kafka subscribes by {@link java.util.regex.Pattern}, so the topic pattern is compiled with java.util.regex
     * rather than RE2J (the project's rule for matching event data). It is operator-supplied config, matched
     * only against topic names, so backtracking cost is not an attack surface here.
     */
    static void checkPattern(String key, String pattern) {
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw ConfigException.forKey(key, "malformed pattern '" + pattern + "': " + e.getDescription()
                    + " near index " + e.getIndex());
        }
    }

    /** ISO-8601 instant ({@code 2026-11-23T14:00:00Z}) or epoch millis. */
    static long parseTimestamp(String key, String value) {
        long millis;
        try {
            millis = Long.parseLong(value);
        } catch (NumberFormatException notMillis) {
            try {
                millis = Instant.parse(value).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw ConfigException.forKey(key, "expected an ISO-8601 instant like 2026-11-23T14:00:00Z or epoch "
                        + "millis, got '" + value + "'");
            }
        }
        if (millis < 0) {
            throw ConfigException.forKey(key, "must not be before 1970-01-01T00:00:00Z");
        }
        return millis;
    }
}
