package dev.cronsentinel.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Validation shared by the Kafka source and sink configs. */
final class KafkaClientChecks {
    private KafkaClientChecks() {}

    /** Kafka's own limit on topic name length. */
    private static final int MAX_TOPIC_LENGTH = 249;

    /** A required {@code host:port[,host:port...]} list; every entry is checked, so a typo fails at start. */
    static String bootstrapServers(ConfigSource c, String key) {
        String value = c.required(key);
        for (String server : value.split(",")) {
            String s = server.trim();
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1) {
                throw ConfigException.forKey(key, "expected host:port[,host:port...], got '" + value + "'");
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw ConfigException.forKey(key, "port of '" + s + "' is not a number");
            }
            if (port < 1 || port > 65535) {
                throw ConfigException.forKey(key, "port of '" + s + "' is out of range");
            }
        }
        return value;
    }

    /** A topic name Kafka would accept: 1-249 characters of {@code [a-zA-Z0-9._-]}, not {@code .} or {@code ..}. */
    static String topic(String key, String name) {
        if (name.isEmpty() || name.length() > MAX_TOPIC_LENGTH || name.equals(".") || name.equals("..")) {
            throw ConfigException.forKey(key, "'" + name + "' is not a valid Kafka topic name");
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            boolean legal = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                    || ch == '.' || ch == '_' || ch == '-';
            if (!legal) {
                throw ConfigException.forKey(key, "'" + name + "' is not a valid Kafka topic name (character '"
                        + ch + "'; allowed are letters, digits, '.', '_' and '-')");
            }
        }
        return name;
    }

    /**
     * Extra Kafka client properties from {@code <prefix>properties.*}, passed through unchanged. Properties that
     * have their own typed key are refused (two places to set one thing is one too many), and so is anything
     * that would carry a secret inline: secrets come only as {@code env:}/{@code file:} references under
     * {@code security.}.
     */
    static Map<String, String> passThrough(ConfigSource c, String prefix, Set<String> owned) {
        Map<String, String> raw = c.withPrefix(prefix + "properties.");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String name = e.getKey();
            String key = prefix + "properties." + name;
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("sasl.jaas.config") || lower.contains("password") || lower.contains("secret")) {
                throw ConfigException.forKey(key, "secrets cannot be passed through; use the "
                        + prefix + "security.* keys with env:NAME or file:/path references");
            }
            boolean security = lower.equals("security.protocol") || lower.equals("sasl.mechanism")
                    || lower.startsWith("ssl.truststore.") || lower.startsWith("ssl.keystore.")
                    || lower.startsWith("ssl.key.") || lower.equals("ssl.endpoint.identification.algorithm");
            if (owned.contains(lower) || security) {
                throw ConfigException.forKey(key, "is set by its own key under " + prefix
                        + " and cannot be passed through");
            }
            out.put(name, e.getValue());
        }
        return out;
    }

    /** Lists are held unmodifiable so a config record is a value. */
    static List<String> copy(List<String> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
