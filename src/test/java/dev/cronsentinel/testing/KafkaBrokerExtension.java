package dev.cronsentinel.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker (KRaft, combined broker and controller) running inside the test JVM for the lifetime
 * of one test class, on a random loopback port, started from Kafka's own test kit. Register it as a static
 * field with {@code @RegisterExtension}. Each test asks for {@link #createTopic fresh topics}, so tests never
 * see each other's records.
 *
 * <p>The helpers read and write raw bytes with plain Kafka clients, independent of the code under test.
 *
 * <p>Time retention is off ({@code log.retention.ms=-1}): the fixtures' audit events carry fixed dates, and a
 * test must not pass or fail by how far the calendar has moved past them. {@link #withTimeRetention} turns it
 * back on for the test that proves records survive it.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    /** Upper bound for waits on the broker; reaching it fails the test, it is never the thing tested. */
    public static final Duration WAIT = Duration.ofSeconds(60);

    private static final AtomicInteger TOPIC_COUNTER = new AtomicInteger();

    private final Map<String, Object> brokerProperties = new HashMap<>();
    private final SecurityProtocol protocol;
    private KafkaClusterTestKit cluster;
    private Admin admin;

    /** A broker with a PLAINTEXT listener. */
    public KafkaBrokerExtension() {
        this(SecurityProtocol.PLAINTEXT);
    }

    /**
     * A broker whose client listener requires SASL/PLAIN. The test kit registers the users
     * {@link JaasUtils#KAFKA_PLAIN_ADMIN} (a super user) and {@link JaasUtils#KAFKA_PLAIN_USER1} with the
     * passwords in {@link JaasUtils}; the helpers of this class connect as the admin.
     */
    public static KafkaBrokerExtension saslPlain() {
        return new KafkaBrokerExtension(SecurityProtocol.SASL_PLAINTEXT);
    }

    private KafkaBrokerExtension(SecurityProtocol protocol) {
        this.protocol = protocol;
        brokerProperties.put("offsets.topic.replication.factor", "1");
        brokerProperties.put("offsets.topic.num.partitions", "2");
        brokerProperties.put("transaction.state.log.replication.factor", "1");
        brokerProperties.put("transaction.state.log.min.isr", "1");
        brokerProperties.put("transaction.state.log.num.partitions", "2");
        brokerProperties.put("group.initial.rebalance.delay.ms", "0");
        brokerProperties.put("auto.create.topics.enable", "false");
        brokerProperties.put("log.flush.interval.messages", "1");
        brokerProperties.put("log.retention.ms", "-1");
    }

    /**
     * A broker that deletes by time as production brokers do: closed segments whose newest record timestamp is
     * older than {@code retention} are deleted at every retention check, which runs every {@code checkEvery};
     * segments roll after {@code rollAfter} (measured, as Kafka does, from the segment's first record timestamp).
     */
    public KafkaBrokerExtension withTimeRetention(Duration retention, Duration checkEvery, Duration rollAfter) {
        brokerProperties.put("log.retention.ms", Long.toString(retention.toMillis()));
        brokerProperties.put("log.retention.check.interval.ms", Long.toString(checkEvery.toMillis()));
        brokerProperties.put("log.roll.ms", Long.toString(rollAfter.toMillis()));
        brokerProperties.put("log.segment.delete.delay.ms", "0");
        brokerProperties.put("log.initial.task.delay.ms", "0"); // else the first check waits 30 s
        return this;
    }

    /** Sets a broker property before the broker starts. */
    public KafkaBrokerExtension withBrokerProperty(String key, String value) {
        brokerProperties.put(key, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBrokerSecurityProtocol(protocol)
                // With SASL the kit also enables an authorizer; the node must authenticate to its own controller.
                .setControllerSecurityProtocol(protocol)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        brokerProperties.forEach(builder::setConfigProp);
        cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        admin = Admin.create(clientProperties());
    }

    /** Connection properties of the helpers' own clients: bootstrap servers and, for SASL, the admin user. */
    public Properties clientProperties() {
        Properties p = new Properties();
        if (protocol == SecurityProtocol.SASL_PLAINTEXT) {
            p.put("security.protocol", "SASL_PLAINTEXT");
            p.put("sasl.mechanism", "PLAIN");
            p.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                    + JaasUtils.KAFKA_PLAIN_ADMIN + "\" password=\"" + JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD + "\";");
        }
        p.put("bootstrap.servers", bootstrapServers());
        return p;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(10));
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public Admin admin() {
        return admin;
    }

    /** Creates a topic with a name no other test uses, and returns that name. */
    public String createTopic(String stem, int partitions) throws Exception {
        String name = stem + "-" + TOPIC_COUNTER.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        return name;
    }

    /** Writes the records in order, waiting for every acknowledgement; returns where each one landed. */
    public List<RecordMetadata> produce(Collection<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Properties p = clientProperties();
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                sent.add(producer.send(r));
            }
            List<RecordMetadata> landed = new ArrayList<>();
            for (Future<RecordMetadata> f : sent) {
                landed.add(f.get());
            }
            return landed;
        }
    }

    /**
     * The end offset of every partition of the topic as a consumer with the given isolation level sees it. With
     * {@code READ_COMMITTED} that is the last stable offset: records of a transaction that is still open lie
     * beyond it, so this tells without any waiting whether written records are visible yet.
     */
    public Map<Integer, Long> endOffsets(String topic, IsolationLevel isolation) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int i = 0; i < partitions; i++) {
            request.put(new TopicPartition(topic, i), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
                admin.listOffsets(request, new org.apache.kafka.clients.admin.ListOffsetsOptions(isolation))
                        .all().get();
        return result.entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    /** The first offset still on the broker of every partition: above 0 once retention deleted a segment. */
    public Map<Integer, Long> logStartOffsets(String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int i = 0; i < partitions; i++) {
            request.put(new TopicPartition(topic, i), OffsetSpec.earliest());
        }
        return admin.listOffsets(request).all().get().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    /** The offsets a consumer group has committed on the topic, by partition (absent: never committed). */
    public Map<Integer, Long> committedOffsets(String group, String topic) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    /**
     * Waits until the group has committed the end offset of every partition of the topic: for a Flink Kafka
     * source, which commits on completed checkpoints, that means a checkpoint covers the whole topic.
     */
    public void awaitGroupCaughtUp(String group, String topic) throws Exception {
        Map<Integer, Long> end = endOffsets(topic, IsolationLevel.READ_UNCOMMITTED);
        Instant deadline = Instant.now().plus(WAIT);
        while (!caughtUp(committedOffsets(group, topic), end)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("group " + group + " did not commit " + end + " on " + topic + " within "
                        + WAIT + "; it has " + committedOffsets(group, topic));
            }
            Thread.sleep(200);
        }
    }

    private static boolean caughtUp(Map<Integer, Long> committed, Map<Integer, Long> end) {
        for (Map.Entry<Integer, Long> e : end.entrySet()) {
            if (e.getValue() > 0 && committed.getOrDefault(e.getKey(), -1L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Sum of {@link #endOffsets} over all partitions. */
    public long totalEndOffset(String topic, IsolationLevel isolation) throws Exception {
        return endOffsets(topic, isolation).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Reads the whole topic from the beginning up to its current end (for {@code READ_COMMITTED}: up to the last
     * stable offset) and returns every record. Reads until the consumer's position reaches the end offsets
     * sampled first, so the result is exactly what was visible at that moment, with no guessing about timing.
     */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, IsolationLevel isolation) throws Exception {
        Map<Integer, Long> end = endOffsets(topic, isolation);
        Properties p = clientProperties();
        p.put("isolation.level", isolation.toString());
        p.put("enable.auto.commit", "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = end.keySet().stream().map(i -> new TopicPartition(topic, i)).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Instant deadline = Instant.now().plus(WAIT);
            while (!reached(consumer, tps, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("could not read " + topic + " up to " + end + " within " + WAIT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, List<TopicPartition> tps, Map<Integer, Long> end) {
        for (TopicPartition tp : tps) {
            if (consumer.position(tp) < end.get(tp.partition())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until the topic holds at least {@code count} records visible at the given isolation level, then
     * returns them all. Fails after {@link #WAIT}.
     */
    public List<ConsumerRecord<byte[], byte[]>> awaitRecords(String topic, IsolationLevel isolation, long count)
            throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            List<ConsumerRecord<byte[], byte[]>> all = readAll(topic, isolation);
            if (all.size() >= count) {
                return all;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("expected at least " + count + " " + isolation + " records on " + topic
                        + ", found " + all.size() + " within " + WAIT);
            }
            Thread.sleep(200);
        }
    }
}
