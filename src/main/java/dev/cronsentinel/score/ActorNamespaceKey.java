package dev.cronsentinel.score;

import dev.cronsentinel.model.WorkloadEvent;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The scoring key: who did it, and where. A unit separator (U+001F) joins the parts because neither a
 * Kubernetes username nor a namespace can contain it, so distinct pairs never collide.
 */
public final class ActorNamespaceKey implements KeySelector<WorkloadEvent, String> {
    private static final long serialVersionUID = 1L;

    public static String of(String actor, String namespace) {
        return (actor == null ? "" : actor) + '\u001f' + (namespace == null ? "" : namespace);
    }

    @Override
    public String getKey(WorkloadEvent e) {
        return of(e.username(), e.namespace());
    }
}
