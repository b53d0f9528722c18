package dev.cronsentinel.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A composable index template shipped as a JSON resource and installed at start when it is missing or older than
 * the shipped one, so the first document already gets the right field types ({@code @timestamp} a date,
 * {@code source.ip} an ip). A template only shapes indices created after it, which is why it is installed before
 * the sink's first write, and why its pattern is the configured index name exactly: a wildcard could capture
 * unrelated indices.
 *
 * <p>Installing is idempotent (several writers may race to put the same body), and an existing template with the
 * same or a higher {@code version} is left alone, so an operator who tuned it keeps their change by raising the
 * version.
 */
final class IndexTemplate {
    static final String ALERTS_RESOURCE = "/elasticsearch/alerts-index-template.json";
    static final String DEAD_LETTERS_RESOURCE = "/elasticsearch/dead-letters-index-template.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String name;
    private final int version;
    private final byte[] body;

    IndexTemplate(String name, int version, byte[] body) {
        this.name = name;
        this.version = version;
        this.body = body;
    }

    /** The shipped template from {@code resource}, with {@code index_patterns} set to {@code index}. */
    static IndexTemplate forIndex(String resource, String index) {
        try (InputStream in = IndexTemplate.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            ObjectNode tree = (ObjectNode) MAPPER.readTree(in);
            tree.putArray("index_patterns").add(index);
            return new IndexTemplate(index, tree.path("version").asInt(), MAPPER.writeValueAsBytes(tree));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    int version() {
        return version;
    }

    byte[] body() {
        return body;
    }

    /**
     * Completes once the template is in place; fails with an {@link ElasticsearchSinkException} for an HTTP error
     * status, or with the transport error.
     */
    CompletableFuture<Void> ensure(ElasticsearchHttpClient client) {
        String path = "/_index_template/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
        return client.send("GET", path, null, null)
                .thenCompose(resp -> {
                    if (resp.status() == 200 && installedVersion(resp.body()) >= version) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    if (resp.status() != 200 && resp.status() != 404) {
                        throw ElasticsearchSinkException.forStatus("GET " + path, resp.status(), resp.body());
                    }
                    return client.send("PUT", path, body, "application/json").thenAccept(put -> {
                        if (put.status() != 200) {
                            throw ElasticsearchSinkException.forStatus("PUT " + path, put.status(), put.body());
                        }
                    });
                });
    }

    /** The {@code version} of the template in a GET response; -1 when it has none. */
    static int installedVersion(byte[] getResponse) {
        try {
            JsonNode templates = MAPPER.readTree(getResponse).path("index_templates");
            for (JsonNode t : templates) {
                return t.path("index_template").path("version").asInt(-1);
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
