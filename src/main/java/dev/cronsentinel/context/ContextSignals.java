package dev.cronsentinel.context;

import java.util.List;

/**
 * The ids of the context signals: what the (actor, namespace) profile or the actor's spread says is new.
 * Their weights live in {@code conf/cronsentinel.yaml} under {@code context.weights}.
 *
 * <p>While the job is still learning (see {@code context.learning-period}), a context signal is emitted with
 * weight 0 and its rule suffixed {@link #LEARNING_SUFFIX}: visible as evidence, never scored.
 */
public final class ContextSignals {
    public static final String FIRST_SEEN = "first-seen";
    public static final String NEW_IMAGE_REPOSITORY = "new-image-repository";
    public static final String UNUSUAL_CLIENT = "unusual-client";
    public static final String NEW_SOURCE_NETWORK = "new-source-network";
    public static final String CROSS_NAMESPACE_SPREAD = "cross-namespace-spread";

    /** Rules of {@link #UNUSUAL_CLIENT}: a new family that is a script or HTTP library, or any other new family. */
    public static final String RULE_SCRIPTED_CLIENT = "scripted-client";
    public static final String RULE_NEW_CLIENT_FAMILY = "new-client-family";

    public static final String LEARNING_SUFFIX = ":learning";

    public static final List<String> ALL = List.of(
            FIRST_SEEN, NEW_IMAGE_REPOSITORY, UNUSUAL_CLIENT, NEW_SOURCE_NETWORK, CROSS_NAMESPACE_SPREAD);

    private ContextSignals() {}

    public static boolean isContext(String signalId) {
        return ALL.contains(signalId);
    }
}
