package dev.cronsentinel;

import dev.cronsentinel.config.ConfigException;
import dev.cronsentinel.config.ElasticsearchSinkConfig;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.config.KafkaSecurityConfig;
import dev.cronsentinel.config.KafkaSinkConfig;
import dev.cronsentinel.config.KafkaSourceConfig;
import dev.cronsentinel.sink.elasticsearch.ElasticsearchReachability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code main()} checks before it submits the job, so that a fault is one clear line naming the key to fix
 * rather than a minute of connector WARNs, a hang or a restart loop:
 * <ul>
 *   <li>every Kafka cluster and Elasticsearch endpoint the config names answers within
 *       {@code startup.check-timeout} (Kafka: {@code describeCluster}; Elasticsearch: {@code GET /}); a
 *       timeout of 0 skips these;</li>
 *   <li>credentials that would cross the network in the clear, and TLS without host name verification, are
 *       each named in one WARN: Elasticsearch basic auth or API key over {@code http://}, Kafka
 *       {@code SASL_PLAINTEXT} with {@code PLAIN}, {@code ssl.endpoint-identification: false}.</li>
 * </ul>
 * The check runs in the client with the client's environment; the connectors resolve their secrets again where
 * they run.
 */
public final class StartupChecks {
    private static final Logger LOG = LoggerFactory.getLogger(StartupChecks.class);

    private StartupChecks() {}

    /** Logs the warnings, then checks reachability. @throws ConfigException naming the key and the address */
    public static void run(JobConfig config) {
        for (String w : warnings(config)) {
            LOG.warn(w);
        }
        checkReachable(config);
    }

    /** One line per configuration that sends credentials in the clear or skips host name verification. */
    public static List<String> warnings(JobConfig config) {
        List<String> out = new ArrayList<>();
        if (config.kafkaInput() != null) {
            kafkaWarnings(out, KafkaSourceConfig.PREFIX, config.kafkaInput().security());
        }
        if (config.kafkaOutput() != null) {
            kafkaWarnings(out, KafkaSinkConfig.PREFIX, config.kafkaOutput().security());
        }
        ElasticsearchSinkConfig es = config.elasticsearchOutput();
        if (es != null && (es.apiKeyRef() != null || es.username() != null)) {
            for (String e : es.endpoints()) {
                if (e.regionMatches(true, 0, "http://", 0, 7)) {
                    out.add("config key '" + ElasticsearchSinkConfig.PREFIX + "endpoints': " + e + " is http://, so the "
                            + (es.apiKeyRef() != null ? "API key" : "basic-auth password") + " of "
                            + ElasticsearchSinkConfig.PREFIX + "auth.* crosses the network in the clear; use https://");
                    break;
                }
            }
        }
        return out;
    }

    private static void kafkaWarnings(List<String> out, String prefix, KafkaSecurityConfig s) {
        if (s.protocol() == KafkaSecurityConfig.Protocol.SASL_PLAINTEXT && "PLAIN".equals(s.saslMechanism())) {
            out.add("config key '" + prefix + "security.protocol': SASL_PLAINTEXT with mechanism PLAIN sends the "
                    + "password of " + prefix + "security.sasl.username in the clear; use SASL_SSL or SCRAM");
        }
        if (!s.endpointIdentification()) {
            out.add("config key '" + prefix + "security.ssl.endpoint-identification' is false: the broker's certificate "
                    + "is not checked against its host name, so anyone on the path can pose as the broker");
        }
    }

    /** @throws ConfigException naming the bootstrap or endpoints key and the address when a cluster does not answer */
    public static void checkReachable(JobConfig config) {
        Duration timeout = config.startupCheckTimeout();
        if (timeout.isZero()) {
            return;
        }
        if (config.kafkaInput() != null) {
            kafka(KafkaSourceConfig.PREFIX, config.kafkaInput().bootstrapServers(),
                    config.kafkaInput().security().clientProperties(), timeout);
        }
        if (config.kafkaOutput() != null) {
            kafka(KafkaSinkConfig.PREFIX, config.kafkaOutput().bootstrapServers(),
                    config.kafkaOutput().security().clientProperties(), timeout);
        }
        if (config.elasticsearchOutput() != null) {
            ElasticsearchReachability.check(config.elasticsearchOutput(), timeout);
        }
    }

    static void kafka(String prefix, String bootstrap, Map<String, String> security, Duration timeout) {
        String key = prefix + "bootstrap-servers";
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Properties p = new Properties();
        p.putAll(security);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Integer.toString(Math.min(ms, 10_000)));
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Integer.toString(Math.min(ms, 10_000)));
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "cronsentinel-startup-check");
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).clusterId().get(ms + 2_000L, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unreachable(key, bootstrap, "no answer within " + ms + " ms");
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw unreachable(key, bootstrap, c.getClass().getSimpleName() + ": " + c.getMessage());
        } catch (KafkaException e) {
            throw unreachable(key, bootstrap, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(key, bootstrap, "interrupted");
        }
    }

    private static ConfigException unreachable(String key, String bootstrap, String why) {
        return ConfigException.forKey(key, "cannot reach Kafka at " + bootstrap + " (" + why
                + "); check the address and " + key.replace("bootstrap-servers", "security.*")
                + ", or raise startup.check-timeout");
    }
}
