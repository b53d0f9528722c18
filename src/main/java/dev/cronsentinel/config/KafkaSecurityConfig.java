package dev.cronsentinel.config;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a Kafka client authenticates and encrypts: {@code security.protocol}, SASL/PLAIN or SASL/SCRAM
 * credentials, and SSL trust and key stores. Read from the keys under {@code <prefix>security.}.
 *
 * <p>The record holds secret <em>references</em> ({@code env:NAME} or {@code file:/path}), never the secrets:
 * {@link #from} resolves each reference once so that a missing variable or file fails the start naming its key,
 * and {@link #clientProperties} hands the references to the Kafka client as {@link SecretReferenceConfigProvider}
 * variables, resolved only where the client is created. That keeps passwords out of the config object, its
 * {@code toString()}, the client properties and the job graph they are serialized into.
 *
 * @param protocol {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}
 * @param saslMechanism {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}; null without SASL
 * @param saslUsername the SASL user; null without SASL
 * @param saslPasswordRef secret reference for the SASL password; null without SASL
 * @param truststoreLocation path of the SSL truststore on every node; null for the JVM default trust
 * @param truststoreType {@code PKCS12}, {@code JKS} or {@code PEM}; null for Kafka's default
 * @param truststorePasswordRef secret reference for the truststore password; null when none
 * @param keystoreLocation path of the SSL keystore for mutual TLS; null when the client presents no certificate
 * @param keystoreType keystore type; null for Kafka's default
 * @param keystorePasswordRef secret reference for the keystore password; null when none
 * @param keyPasswordRef secret reference for the private key password; null when none
 * @param endpointIdentification false turns off TLS host name verification (only for test brokers)
 */
public record KafkaSecurityConfig(
        Protocol protocol,
        String saslMechanism,
        String saslUsername,
        String saslPasswordRef,
        String truststoreLocation,
        String truststoreType,
        String truststorePasswordRef,
        String keystoreLocation,
        String keystoreType,
        String keystorePasswordRef,
        String keyPasswordRef,
        boolean endpointIdentification) implements Serializable {

    /** Kafka's {@code security.protocol} values. */
    public enum Protocol {
        PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL;

        boolean sasl() {
            return this == SASL_PLAINTEXT || this == SASL_SSL;
        }

        boolean ssl() {
            return this == SSL || this == SASL_SSL;
        }
    }

    /** The SASL mechanisms whose login module takes a user name and password. */
    static final List<String> SASL_MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    /** No authentication, no encryption: a local broker. */
    public static KafkaSecurityConfig plaintext() {
        return new KafkaSecurityConfig(
                Protocol.PLAINTEXT, null, null, null, null, null, null, null, null, null, null, true);
    }

    /**
     * Reads {@code <prefix>security.*}, e.g. {@code input.kafka.security.protocol}.
     *
     * @throws ConfigException naming the key when a value is malformed, a required credential is missing, or a
     *     secret reference cannot be resolved
     */
    public static KafkaSecurityConfig from(ConfigSource c, String prefix, Secrets secrets) {
        String p = prefix + "security.";
        Protocol protocol = c.enumValue(p + "protocol", Protocol.class, Protocol.PLAINTEXT);

        String mechanism = null;
        String username = null;
        String passwordRef = null;
        if (protocol.sasl()) {
            String mechKey = p + "sasl.mechanism";
            mechanism = c.string(mechKey, "PLAIN").toUpperCase(Locale.ROOT);
            if (!SASL_MECHANISMS.contains(mechanism)) {
                throw ConfigException.forKey(mechKey, "unsupported SASL mechanism '" + mechanism
                        + "', expected one of " + SASL_MECHANISMS);
            }
            username = c.required(p + "sasl.username");
            passwordRef = secretRef(c, secrets, p + "sasl.password", true);
        } else {
            rejectIfSet(c, protocol, p + "sasl.mechanism", p + "sasl.username", p + "sasl.password");
        }

        String truststore = null;
        String truststoreType = null;
        String truststorePasswordRef = null;
        String keystore = null;
        String keystoreType = null;
        String keystorePasswordRef = null;
        String keyPasswordRef = null;
        boolean endpointIdentification = true;
        if (protocol.ssl()) {
            truststore = c.string(p + "ssl.truststore-location", null);
            truststoreType = c.string(p + "ssl.truststore-type", null);
            truststorePasswordRef = secretRef(c, secrets, p + "ssl.truststore-password", false);
            keystore = c.string(p + "ssl.keystore-location", null);
            keystoreType = c.string(p + "ssl.keystore-type", null);
            keystorePasswordRef = secretRef(c, secrets, p + "ssl.keystore-password", false);
            keyPasswordRef = secretRef(c, secrets, p + "ssl.key-password", false);
            endpointIdentification = c.bool(p + "ssl.endpoint-identification", true);
        } else {
            rejectIfSet(c, protocol, p + "ssl.truststore-location", p + "ssl.truststore-type",
                    p + "ssl.truststore-password", p + "ssl.keystore-location", p + "ssl.keystore-type",
                    p + "ssl.keystore-password", p + "ssl.key-password", p + "ssl.endpoint-identification");
        }
        return new KafkaSecurityConfig(protocol, mechanism, username, passwordRef, truststore, truststoreType,
                truststorePasswordRef, keystore, keystoreType, keystorePasswordRef, keyPasswordRef,
                endpointIdentification);
    }

    /** Reads a secret reference and resolves it once, so a bad reference fails now, naming its key. */
    private static String secretRef(ConfigSource c, Secrets secrets, String key, boolean required) {
        String ref = required ? c.required(key) : c.string(key, null);
        if (ref != null) {
            secrets.resolve(key, ref);
        }
        return ref;
    }

    /**
     * A credential given for a protocol that does not use it is a mistake (most often a protocol left at its
     * default): say so rather than connect without the security the operator meant to configure.
     */
    private static void rejectIfSet(ConfigSource c, Protocol protocol, String... keys) {
        for (String key : keys) {
            if (c.has(key)) {
                throw ConfigException.forKey(key, "is set, but security.protocol is " + protocol
                        + ", which does not use it");
            }
        }
    }

    /**
     * The Kafka client properties for this security setup. Secrets are not in them: each is a
     * {@link SecretReferenceConfigProvider} variable that the Kafka client resolves when it is created on the
     * task manager, so the properties can be serialized into the job graph (HA storage, blob server) safely.
     */
    public Map<String, String> clientProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", protocol.name());
        boolean secrets = false;
        if (protocol.sasl()) {
            String module = saslMechanism.equals("PLAIN")
                    ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            props.put("sasl.mechanism", saslMechanism);
            props.put("sasl.jaas.config", module + " required username=\"" + jaasQuote(saslUsername)
                    + "\" password=\"" + SecretReferenceConfigProvider.variable("jaas", saslPasswordRef) + "\";");
            secrets = true;
        }
        if (protocol.ssl()) {
            putIfSet(props, "ssl.truststore.location", truststoreLocation);
            putIfSet(props, "ssl.truststore.type", truststoreType);
            secrets |= putSecretIfSet(props, "ssl.truststore.password", truststorePasswordRef);
            putIfSet(props, "ssl.keystore.location", keystoreLocation);
            putIfSet(props, "ssl.keystore.type", keystoreType);
            secrets |= putSecretIfSet(props, "ssl.keystore.password", keystorePasswordRef);
            secrets |= putSecretIfSet(props, "ssl.key.password", keyPasswordRef);
            if (!endpointIdentification) {
                props.put("ssl.endpoint.identification.algorithm", "");
            }
        }
        if (secrets) {
            props.put("config.providers", SecretReferenceConfigProvider.ALIAS);
            props.put("config.providers." + SecretReferenceConfigProvider.ALIAS + ".class",
                    SecretReferenceConfigProvider.class.getName());
        }
        return props;
    }

    private static boolean putSecretIfSet(Map<String, String> props, String key, String reference) {
        if (reference == null) {
            return false;
        }
        props.put(key, SecretReferenceConfigProvider.variable("plain", reference));
        return true;
    }

    /**
     * Escapes a value for a double-quoted JAAS option: Kafka parses {@code sasl.jaas.config} with a
     * {@link java.io.StreamTokenizer}, which reads backslash escapes inside quotes.
     */
    static String jaasQuote(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static void putIfSet(Map<String, String> props, String key, String value) {
        if (value != null) {
            props.put(key, value);
        }
    }
}
