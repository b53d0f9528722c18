package dev.cronsentinel.testing;

import dev.cronsentinel.hunt.HuntCollector;
import java.util.List;

/**
 * A real Sink V2 that collects into a JVM-wide list, for MiniCluster tests (the MiniCluster runs in the test
 * JVM): the hunt's {@link HuntCollector}. Each instance has its own id, so tests running one after another never
 * see each other's elements.
 */
public final class CollectingSink<T> extends HuntCollector<T> {
    private static final long serialVersionUID = 1L;

    public List<T> results() {
        return received();
    }
}
