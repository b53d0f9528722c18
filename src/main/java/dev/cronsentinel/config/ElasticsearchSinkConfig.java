package dev.cronsentinel.config;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Settings of the Elasticsearch alert sink, read from the keys under {@code output.elasticsearch.}.
 *
 * <p>Credentials are kept as references ({@code env:NAME} or {@code file:/path}) and resolved by
 * {@link #authorizationHeader(Secrets)} on the task manager that opens the connection, so the secret itself never
 * travels inside the serialized job graph or shows up in a log line. {@link #from} checks the reference syntax
 * up front; a caller that wants to fail before submission can also call {@code authorizationHeader} once.
 *
 * @param endpoints base URLs of the nodes, e.g. {@code https://es-1:9200}; requests go to one of them and move on
 *     to the next after a connection failure
 * @param index the index alerts are written to. A plain index, not a data stream: data streams accept only
 *     {@code op_type=create}, so an escalation could not overwrite its own document as more spawns arrive
 * @param installTemplate install or upgrade the index templates at start when they are missing or older
 * @param deadLetterIndex where {@code ElasticsearchDeadLetterIndex} and {@code ElasticsearchSink.forDeadLetters}
 *     write rejected documents and decode failures
 * @param bulkMaxActions most actions in one {@code _bulk} request
 * @param bulkMaxBytes most bytes in one {@code _bulk} request; keep it under the node's
 *     {@code http.max_content_length} (100 MB by default)
 * @param maxDocumentBytes the largest single document; an alert above it is first shortened (chain and evidence
 *     trimmed), and dead-lettered only if it still does not fit
 * @param flushInterval longest time an alert waits in the buffer before a partial batch is sent
 * @param maxInFlightRequests concurrent {@code _bulk} requests per writer
 * @param maxBufferedActions actions buffered per writer before {@code write} blocks: the back-pressure point
 * @param requestTimeout timeout of one HTTP request; a timed-out request is retried
 * @param initialBackoff first pause after a retryable failure; it doubles per consecutive failure
 * @param maxBackoff ceiling of the pause
 * @param apiKeyRef secret reference to an encoded API key ({@code base64(id:api_key)}, the {@code encoded} value
 *     Elasticsearch returns), or null
 * @param username basic-auth user name (not a secret), or null
 * @param passwordRef secret reference to the basic-auth password, or null
 * @param caFile PEM file with the CA certificate(s) that signed the nodes' HTTP certificates, or null for the
 *     JVM's default trust store
 */
public record ElasticsearchSinkConfig(
        List<String> endpoints,
        String index,
        boolean installTemplate,
        String deadLetterIndex,
        int bulkMaxActions,
        long bulkMaxBytes,
        long maxDocumentBytes,
        Duration flushInterval,
        int maxInFlightRequests,
        int maxBufferedActions,
        Duration requestTimeout,
        Duration initialBackoff,
        Duration maxBackoff,
        String apiKeyRef,
        String username,
        String passwordRef,
        String caFile)
        implements Serializable {

    public static final String PREFIX = "output.elasticsearch.";
    public static final String DEFAULT_INDEX = "cronsentinel-alerts";
    public static final String DEFAULT_DEAD_LETTER_INDEX = "cronsentinel-dead-letters";
    /** Room for one action line ({@code _index}, a 512-byte {@code _id}, version) next to a document. */
    public static final long ACTION_LINE_RESERVE = 1024;

    public ElasticsearchSinkConfig {
        endpoints = List.copyOf(endpoints);
    }

    /** Reads and validates every {@code output.elasticsearch.*} key. */
    public static ElasticsearchSinkConfig from(ConfigSource c) {
        String p = PREFIX;
        List<String> endpoints = c.list(p + "endpoints", List.of());
        if (endpoints.isEmpty()) {
            throw ConfigException.forKey(p + "endpoints", "is required: one or more URLs such as http://127.0.0.1:9200");
        }
        List<String> normalized = new ArrayList<>();
        for (String e : endpoints) {
            normalized.add(checkEndpoint(p + "endpoints", e));
        }
        String index = checkIndexName(p + "index", c.string(p + "index", DEFAULT_INDEX));
        String deadLetterIndex =
                checkIndexName(p + "dead-letter-index", c.string(p + "dead-letter-index", DEFAULT_DEAD_LETTER_INDEX));
        if (index.equals(deadLetterIndex)) {
            throw ConfigException.forKey(p + "dead-letter-index", "must differ from " + p + "index");
        }
        boolean installTemplate = c.bool(p + "template.install", true);
        int maxActions = c.intValue(p + "bulk.max-actions", 500, 1, 100_000);
        long maxBytes = c.longValue(p + "bulk.max-bytes", 5L << 20, 4096, 100L << 20);
        long maxDocument = c.longValue(p + "bulk.max-document-bytes", 1L << 20, 1024, 100L << 20);
        if (maxDocument > maxBytes - ACTION_LINE_RESERVE) {
            // One document and its action line must fit in one request.
            throw ConfigException.forKey(p + "bulk.max-document-bytes",
                    "must be at most " + p + "bulk.max-bytes minus " + ACTION_LINE_RESERVE + " (" + (maxBytes - ACTION_LINE_RESERVE) + ")");
        }
        Duration flush = positive(c, p + "bulk.flush-interval", Duration.ofSeconds(1));
        int inFlight = c.intValue(p + "bulk.max-in-flight", 2, 1, 64);
        int buffered = c.intValue(p + "bulk.max-buffered-actions", 10_000, 2, 10_000_000);
        if (buffered <= maxActions) {
            throw ConfigException.forKey(p + "bulk.max-buffered-actions", "must be greater than " + p + "bulk.max-actions (" + maxActions + ")");
        }
        Duration timeout = positive(c, p + "request-timeout", Duration.ofSeconds(30));
        Duration initialBackoff = positive(c, p + "retry.initial-backoff", Duration.ofMillis(500));
        Duration maxBackoff = positive(c, p + "retry.max-backoff", Duration.ofSeconds(30));
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw ConfigException.forKey(p + "retry.max-backoff", "must not be shorter than " + p + "retry.initial-backoff");
        }
        String apiKey = secretReference(p + "auth.api-key", c.string(p + "auth.api-key", null));
        String username = c.string(p + "auth.username", null);
        String password = secretReference(p + "auth.password", c.string(p + "auth.password", null));
        if (apiKey != null && (username != null || password != null)) {
            throw ConfigException.forKey(p + "auth.api-key", "give either an API key or auth.username/auth.password, not both");
        }
        if ((username == null) != (password == null)) {
            throw ConfigException.forKey(p + (username == null ? "auth.username" : "auth.password"),
                    "is required when " + p + (username == null ? "auth.password" : "auth.username") + " is set");
        }
        Path ca = c.path(p + "tls.ca-file", null);
        if (ca != null && normalized.stream().noneMatch(e -> e.startsWith("https://"))) {
            throw ConfigException.forKey(p + "tls.ca-file", "is set but no endpoint uses https://");
        }
        return new ElasticsearchSinkConfig(normalized, index, installTemplate, deadLetterIndex, maxActions, maxBytes,
                maxDocument, flush, inFlight, buffered, timeout, initialBackoff, maxBackoff, apiKey, username, password,
                ca == null ? null : ca.toString());
    }

    /**
     * The {@code Authorization} header value, or null without auth. Resolves the secret now, on the calling
     * machine; the value must never be logged.
     */
    public String authorizationHeader(Secrets secrets) {
        if (apiKeyRef != null) {
            return "ApiKey " + secrets.resolve(PREFIX + "auth.api-key", apiKeyRef);
        }
        if (username != null) {
            String password = secrets.resolve(PREFIX + "auth.password", passwordRef);
            return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    private static Duration positive(ConfigSource c, String key, Duration def) {
        Duration d = c.duration(key, def);
        if (d.isNegative() || d.isZero()) {
            throw ConfigException.forKey(key, "must be positive");
        }
        return d;
    }

    private static String secretReference(String key, String ref) {
        if (ref != null && !ref.startsWith("env:") && !ref.startsWith("file:")) {
            throw ConfigException.forKey(key, "secrets must be given as env:NAME or file:/path, never inline");
        }
        return ref;
    }

    static String checkEndpoint(String key, String raw) {
        URI uri;
        try {
            uri = new URI(raw.trim());
        } catch (URISyntaxException e) {
            throw ConfigException.forKey(key, "'" + raw + "' must be a URL that starts with http:// or https://");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ConfigException.forKey(key, "'" + raw + "' must be a URL that starts with http:// or https://");
        }
        if (uri.getRawUserInfo() != null) {
            // A password in a URL ends up in logs and process listings; the auth.* keys read it from env or file.
            throw ConfigException.forKey(key, "credentials in endpoint URLs are not allowed; use " + PREFIX + "auth.*");
        }
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw ConfigException.forKey(key, "'" + raw + "' must be scheme://host[:port][/path-prefix]");
        }
        String s = uri.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Elasticsearch's own rules for index names, checked here so a typo fails the start, not every request. */
    static String checkIndexName(String key, String name) {
        if (!name.equals(name.toLowerCase(Locale.ROOT))) {
            throw ConfigException.forKey(key, "index names must be lower case, got '" + name + "'");
        }
        if (name.startsWith("-") || name.startsWith("_") || name.startsWith("+") || name.startsWith(".")
                || name.equals("..") || name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw ConfigException.forKey(key, "'" + name + "' is not a valid index name");
        }
        for (char ch : name.toCharArray()) {
            if ("\\/*?\"<>| ,#:".indexOf(ch) >= 0) {
                throw ConfigException.forKey(key, "'" + name + "' must not contain '" + ch + "'");
            }
        }
        return name;
    }
}
