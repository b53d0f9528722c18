package dev.cronsentinel.sink.elasticsearch;

import dev.cronsentinel.config.ConfigException;
import dev.cronsentinel.config.ElasticsearchSinkConfig;
import dev.cronsentinel.config.Secrets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The start-time check of the Elasticsearch output: {@code GET /} on each endpoint in turn, each bounded by the
 * check timeout, so an unreachable cluster fails the submission in seconds with the config key and the
 * addresses, instead of a sink that backs off and retries for as long as the job runs.
 */
public final class ElasticsearchReachability {
    private ElasticsearchReachability() {}

    /**
     * @throws ConfigException naming {@code output.elasticsearch.endpoints} when no endpoint answers within
     *     {@code timeout}, or {@code output.elasticsearch.auth.*} when the cluster refuses the credentials
     */
    public static void check(ElasticsearchSinkConfig config, Duration timeout) {
        String key = ElasticsearchSinkConfig.PREFIX + "endpoints";
        String lastError = null;
        try (ElasticsearchHttpClient client = ElasticsearchHttpClient.open(config, Secrets.fromSystem(), "es-startup-check")) {
            for (int i = 0; i < config.endpoints().size(); i++) {
                String endpoint = client.currentEndpoint();
                try {
                    ElasticsearchHttpClient.Response r = client.send("GET", "/", null, null)
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    if (r.status() == 401) {
                        throw ConfigException.forKey(ElasticsearchSinkConfig.PREFIX + "auth.*",
                                "Elasticsearch at " + endpoint + " refused the credentials (HTTP 401)");
                    }
                    return;
                } catch (TimeoutException e) {
                    lastError = endpoint + ": no answer within " + timeout.toMillis() + " ms";
                } catch (ExecutionException e) {
                    Throwable c = e.getCause() == null ? e : e.getCause();
                    lastError = endpoint + ": " + c.getClass().getSimpleName() + (c.getMessage() == null ? "" : " " + c.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw ConfigException.forKey(key, "interrupted while checking " + config.endpoints());
                }
            }
        }
        throw ConfigException.forKey(key, "cannot reach Elasticsearch at " + config.endpoints() + " (" + lastError
                + "); check the address, or raise startup.check-timeout");
    }
}
