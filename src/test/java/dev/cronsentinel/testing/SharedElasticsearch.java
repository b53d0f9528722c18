package dev.cronsentinel.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Elasticsearch node shared by every test class that registers this extension, started on first use and
 * stopped (process killed, data deleted) when the whole test run ends, because the node is kept in JUnit's root
 * store, which closes {@link AutoCloseable} values at the end. Tests sharing it must use their own index names.
 * Tests that stop the node (outages) start a private {@link ElasticsearchNode} instead.
 */
public final class SharedElasticsearch implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SharedElasticsearch.class);
    private ElasticsearchNode node;

    @Override
    public void beforeAll(ExtensionContext context) {
        node = context.getRoot().getStore(NS)
                .getOrComputeIfAbsent("node", k -> ElasticsearchNode.start("shared"), ElasticsearchNode.class);
    }

    public ElasticsearchNode node() {
        if (node == null) {
            throw new IllegalStateException("the shared Elasticsearch node is available from @BeforeAll on");
        }
        return node;
    }
}
