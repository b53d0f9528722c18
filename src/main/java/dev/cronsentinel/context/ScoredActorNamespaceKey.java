package dev.cronsentinel.context;

import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.score.ActorNamespaceKey;
import org.apache.flink.api.java.functions.KeySelector;

/** {@link ActorNamespaceKey} for scored events: the same key string, so both stages agree on it. */
public final class ScoredActorNamespaceKey implements KeySelector<ScoredEvent, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(ScoredEvent s) {
        return ActorNamespaceKey.of(s.event().username(), s.event().namespace());
    }
}
