package dev.cronsentinel.sink.elasticsearch;

import dev.cronsentinel.config.ConfigException;
import dev.cronsentinel.config.ElasticsearchSinkConfig;
import dev.cronsentinel.config.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A small asynchronous HTTP client for the Elasticsearch REST API on {@code java.net.http}.
 *
 * <p>Why plain HTTP rather than the official {@code elasticsearch-java} client: the sink needs exactly three
 * calls ({@code _bulk}, and get/put of an index template) and already renders its documents as bytes, while the
 * official client pulls in its own JSON stack and transport, must have the same major version as the server
 * (a 9.x client against an 8.x node fails with {@code media_type_header_exception}), and would have to be
 * shaded next to the job's own Jackson. {@code _bulk} NDJSON is stable across Elasticsearch 7, 8 and 9 and
 * OpenSearch, so the job keeps working when the cluster is upgraded.
 *
 * <p>Requests go to one endpoint until a request to it fails in transport (refused, reset, timed out); the next
 * request then goes to the next endpoint, round the list. Retrying is the caller's business. The {@code Authorization} header is built once from
 * {@link Secrets} and never appears in an exception message or log line.
 */
final class ElasticsearchHttpClient implements AutoCloseable {
    /** A completed HTTP exchange: any status, the whole body. */
    record Response(int status, byte[] body) {}

    private final List<URI> endpoints;
    private final AtomicInteger next = new AtomicInteger();
    private final ExecutorService executor;
    private final HttpClient http;
    private final String authorization;
    private final Duration requestTimeout;

    private ElasticsearchHttpClient(List<URI> endpoints, ExecutorService executor, HttpClient http,
            String authorization, Duration requestTimeout) {
        this.endpoints = endpoints;
        this.executor = executor;
        this.http = http;
        this.authorization = authorization;
        this.requestTimeout = requestTimeout;
    }

    /** Resolves the credentials and the CA file now; both fail with a {@link ConfigException} naming the key. */
    static ElasticsearchHttpClient open(ElasticsearchSinkConfig config, Secrets secrets, String threadName) {
        List<URI> endpoints = new ArrayList<>();
        for (String e : config.endpoints()) {
            endpoints.add(URI.create(e));
        }
        String authorization = config.authorizationHeader(secrets);
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.requestTimeout().compareTo(Duration.ofSeconds(10)) < 0
                        ? config.requestTimeout() : Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor);
        if (config.caFile() != null) {
            builder.sslContext(sslContextTrusting(Path.of(config.caFile())));
        }
        return new ElasticsearchHttpClient(List.copyOf(endpoints), executor, builder.build(), authorization,
                config.requestTimeout());
    }

    /**
     * Sends one request to the current endpoint. Completes with the response whatever its status, or
     * exceptionally with the transport error (connection refused, timeout, TLS failure).
     */
    CompletableFuture<Response> send(String method, String pathAndQuery, byte[] body, String contentType) {
        int slot = Math.floorMod(next.get(), endpoints.size());
        URI base = endpoints.get(slot);
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(requestTimeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            req.header("Content-Type", contentType);
        }
        req.header("Accept", "application/json");
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        return http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofByteArray())
                .handle((resp, err) -> {
                    if (err != null) {
                        // Move on to the next node for the next attempt; the caller decides when that is.
                        next.compareAndSet(slot, slot + 1);
                        throw err instanceof CompletionException ? (CompletionException) err : new CompletionException(err);
                    }
                    return new Response(resp.statusCode(), resp.body());
                });
    }

    /** The endpoint the next request goes to, for log lines (endpoint URLs never hold credentials). */
    String currentEndpoint() {
        return endpoints.get(Math.floorMod(next.get(), endpoints.size())).toString();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** An SSL context that trusts exactly the certificates in a PEM file, for clusters signed by a private CA. */
    static SSLContext sslContextTrusting(Path caFile) {
        String key = ElasticsearchSinkConfig.PREFIX + "tls.ca-file";
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw ConfigException.forKey(key, caFile + " holds no certificate");
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw ConfigException.forKey(key, "cannot read " + caFile + ": " + e.getClass().getSimpleName());
        } catch (GeneralSecurityException e) {
            throw ConfigException.forKey(key, caFile + " is not a PEM certificate file: " + e.getMessage());
        }
    }
}
