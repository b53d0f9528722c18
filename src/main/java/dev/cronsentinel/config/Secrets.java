package dev.cronsentinel.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Resolves secrets (Kafka SASL passwords, Elasticsearch API keys) from the environment or from a file,
 * never from the config file or the command line, so they do not leak into process listings, shell
 * history or logs. A config value names where the secret lives, not the secret:
 * <ul>
 *   <li>{@code env:NAME} reads the environment variable {@code NAME};</li>
 *   <li>{@code file:/path} reads the file (trailing newline trimmed), as Kubernetes secret mounts provide.</li>
 * </ul>
 */
public final class Secrets {
    private final Map<String, String> env;

    public Secrets(Map<String, String> env) {
        this.env = env;
    }

    public static Secrets fromSystem() {
        return new Secrets(System.getenv());
    }

    /**
     * Resolves a secret reference read from {@code key}. Returns null when the reference is null.
     *
     * @throws ConfigException naming the key (never the secret) when the reference is malformed or empty
     */
    public String resolve(String key, String reference) {
        if (reference == null || reference.isBlank()) {
            return null;
        }
        if (reference.startsWith("env:")) {
            String name = reference.substring(4);
            String v = env.get(name);
            if (v == null || v.isEmpty()) {
                throw ConfigException.forKey(key, "environment variable " + name + " is not set");
            }
            return v;
        }
        if (reference.startsWith("file:")) {
            Path p = Path.of(reference.substring(5));
            try {
                String v = Files.readString(p, StandardCharsets.UTF_8).strip();
                if (v.isEmpty()) {
                    throw ConfigException.forKey(key, "secret file " + p + " is empty");
                }
                return v;
            } catch (IOException e) {
                throw ConfigException.forKey(key, "cannot read secret file " + p + ": " + e.getClass().getSimpleName());
            }
        }
        throw ConfigException.forKey(key, "secrets must be given as env:NAME or file:/path, never inline");
    }
}
