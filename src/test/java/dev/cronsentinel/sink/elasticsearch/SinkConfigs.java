package dev.cronsentinel.sink.elasticsearch;

import dev.cronsentinel.config.ConfigSource;
import dev.cronsentinel.config.ElasticsearchSinkConfig;
import dev.cronsentinel.testing.ElasticsearchNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Sink configs for tests, read through the same {@link ElasticsearchSinkConfig#from} path as the job. */
final class SinkConfigs {
    private SinkConfigs() {}

    /** Short flush interval and backoff so tests do not wait on production timings. */
    static ElasticsearchSinkConfig forNode(ElasticsearchNode node, String index, String... overrides) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("endpoints", node.url());
        m.put("index", index);
        m.put("dead-letter-index", index + "-dead-letters");
        m.put("bulk.flush-interval", "100ms");
        m.put("retry.initial-backoff", "100ms");
        m.put("retry.max-backoff", "1s");
        m.put("request-timeout", "10s");
        for (int i = 0; i < overrides.length; i += 2) {
            m.put(overrides[i], overrides[i + 1]);
        }
        Map<String, String> prefixed = new LinkedHashMap<>();
        m.forEach((k, v) -> prefixed.put(ElasticsearchSinkConfig.PREFIX + k, v));
        return ElasticsearchSinkConfig.from(new ConfigSource(prefixed, Path.of(".")));
    }
}
