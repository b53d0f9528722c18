package dev.cronsentinel.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per-actor context (keys under {@code context.}): how long the (actor, namespace) profile remembers, how it
 * is bounded, and what each context signal weighs. Validated once at start; every error names its key.
 *
 * <p>The weights live here rather than in the rule file because they judge behaviour over time, not the
 * structure of one request, and an operator tunes them together with the lookback and the learning period.
 *
 * @param lookback how far back the profile remembers: an entry not seen again within it is pruned
 * @param learningPeriod how much event time the job must have observed before context signals count; until
 *     then they are emitted as {@code <rule>:learning} with weight 0
 * @param maxImageRepositories bound of the image-repository set per (actor, namespace); the least recently
 *     seen entry is evicted
 * @param maxClients bound of the user-agent-family set per (actor, namespace)
 * @param maxNetworks bound of the source-network set per (actor, namespace)
 * @param scriptedClients user-agent families of scripts and generic HTTP libraries: a new one of these weighs
 *     {@link Weights#unusualClientScripted}, any other new family {@link Weights#unusualClient}
 * @param spreadWindow how close in event time workload creates in different namespaces count as one spread
 * @param spreadNamespaces how many distinct namespaces within {@code spreadWindow} make a spread
 * @param spreadMaxNamespaces bound of the recent-namespace set per actor
 * @param orderingHold how long (processing time) an event may wait for the watermark so that each key's
 *     events are judged in event-time order, not arrival order; 0 judges on arrival
 */
public record ContextConfig(
        Duration lookback,
        Duration learningPeriod,
        int maxImageRepositories,
        int maxClients,
        int maxNetworks,
        List<String> scriptedClients,
        Weights weights,
        Duration spreadWindow,
        int spreadNamespaces,
        int spreadMaxNamespaces,
        Duration orderingHold) implements Serializable {

    /** The weight of each context signal, 0 to 100 like the structural ones. */
    public record Weights(
            int firstSeen,
            int newImageRepository,
            int unusualClient,
            int unusualClientScripted,
            int newSourceNetwork,
            int crossNamespaceSpread) implements Serializable {}

    public static final List<String> DEFAULT_SCRIPTED_CLIENTS = List.of(
            "curl", "wget", "python-requests", "python-urllib3", "python-httpx", "aiohttp", "go-http-client",
            "okhttp", "java", "apache-httpclient", "axios", "node-fetch", "undici", "libwww-perl", "powershell",
            "postmanruntime", "insomnia", "httpie");

    public static ContextConfig defaults() {
        return new ContextConfig(Duration.ofDays(14), Duration.ofDays(14), 32, 16, 32, DEFAULT_SCRIPTED_CLIENTS,
                new Weights(20, 10, 10, 30, 10, 20), Duration.ofMinutes(10), 3, 32, Duration.ofMinutes(1));
    }

    public static ContextConfig from(ConfigSource c) {
        Duration lookback = c.duration("context.lookback", Duration.ofDays(14));
        within("context.lookback", lookback, Duration.ofHours(1), Duration.ofDays(366));
        Duration learning = c.duration("context.learning-period", lookback);
        within("context.learning-period", learning, Duration.ZERO, Duration.ofDays(366));

        List<String> scripted = new ArrayList<>();
        for (String s : c.list("context.scripted-clients", DEFAULT_SCRIPTED_CLIENTS)) {
            String family = s.trim().toLowerCase(Locale.ROOT);
            if (family.isEmpty() || family.indexOf('/') >= 0 || family.indexOf(' ') >= 0) {
                throw ConfigException.forKey("context.scripted-clients",
                        "'" + s + "' is not a user-agent family (the product name before the first '/', e.g. python-requests)");
            }
            scripted.add(family);
        }

        Weights weights = new Weights(
                weight(c, "first-seen", 20),
                weight(c, "new-image-repository", 10),
                weight(c, "unusual-client", 10),
                weight(c, "unusual-client-scripted", 30),
                weight(c, "new-source-network", 10),
                weight(c, "cross-namespace-spread", 20));

        Duration spreadWindow = c.duration("context.spread.window", Duration.ofMinutes(10));
        within("context.spread.window", spreadWindow, Duration.ofSeconds(1), Duration.ofDays(1));
        if (spreadWindow.compareTo(lookback) > 0) {
            throw ConfigException.forKey("context.spread.window", "must not be longer than context.lookback (" + lookback + ")");
        }
        int spreadNamespaces = c.intValue("context.spread.namespaces", 3, 2, 1000);
        int spreadMax = c.intValue("context.spread.max-namespaces", 32, 2, 4096);
        if (spreadMax < spreadNamespaces) {
            throw ConfigException.forKey("context.spread.max-namespaces",
                    "must be at least context.spread.namespaces (" + spreadNamespaces + "), got " + spreadMax);
        }
        Duration hold = c.duration("context.ordering-hold", Duration.ofMinutes(1));
        within("context.ordering-hold", hold, Duration.ZERO, Duration.ofHours(1));
        return new ContextConfig(lookback, learning,
                c.intValue("context.max-image-repositories", 32, 1, 4096),
                c.intValue("context.max-clients", 16, 1, 4096),
                c.intValue("context.max-networks", 32, 1, 4096),
                List.copyOf(scripted), weights, spreadWindow, spreadNamespaces, spreadMax, hold);
    }

    private static int weight(ConfigSource c, String signal, int def) {
        return c.intValue("context.weights." + signal, def, 0, 100);
    }

    private static void within(String key, Duration d, Duration min, Duration max) {
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw ConfigException.forKey(key, "must be between " + min + " and " + max + ", got " + d);
        }
    }
}
