package dev.cronsentinel.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * A Kafka {@link ConfigProvider} that resolves CronSentinel's secret references ({@code env:NAME},
 * {@code file:/path}) inside the Kafka client, when the client is created on the task manager (or, for the
 * source's enumerator, the job manager). The client properties that Flink serializes into the job graph then
 * hold only the variable {@code ${cronsentinel:<mode>:<reference>}}, never the secret.
 *
 * <p>Modes: {@code plain} returns the secret as is (SSL store passwords); {@code jaas} returns it escaped for a
 * double-quoted JAAS option ({@code sasl.jaas.config}), so a password with a quote or a backslash stays intact.
 * Registered by {@link KafkaSecurityConfig#clientProperties} as {@code config.providers=cronsentinel}. A JVM that
 * sets {@code -Dorg.apache.kafka.automatic.config.providers} must list this class there.
 */
public final class SecretReferenceConfigProvider implements ConfigProvider {
    /** The alias under {@code config.providers}. */
    public static final String ALIAS = "cronsentinel";

    private Secrets secrets = Secrets.fromSystem();

    /** The variable a client property holds in place of the secret behind {@code reference}. */
    static String variable(String mode, String reference) {
        return "${" + ALIAS + ":" + mode + ":" + reference + "}";
    }

    /** For tests: resolve from the given secrets instead of the process environment. */
    SecretReferenceConfigProvider withSecrets(Secrets s) {
        this.secrets = s;
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public ConfigData get(String path) {
        // Kafka asks only for the keys that variables name; nothing can be listed.
        return new ConfigData(Map.of());
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> out = new HashMap<>();
        for (String reference : keys) {
            String secret = secrets.resolve("secret reference " + reference, reference);
            if (secret == null) {
                continue;
            }
            switch (path == null ? "" : path) {
                case "plain" -> out.put(reference, secret);
                case "jaas" -> out.put(reference, KafkaSecurityConfig.jaasQuote(secret));
                default -> throw new ConfigException("unknown secret mode '" + path + "' in a ${" + ALIAS + ":...} variable");
            }
        }
        return new ConfigData(out);
    }

    @Override
    public void close() {}
}
