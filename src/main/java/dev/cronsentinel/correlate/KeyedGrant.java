package dev.cronsentinel.correlate;

import dev.cronsentinel.model.RbacGrant;
import java.util.List;

/**
 * A sensitive grant under one of the identities it concerns: its subject, and its grantor when that is another
 * identity (Elastic's form: the user who changed RBAC then writes a workload). Only the key crosses the exchange
 * twice; state keeps the {@link RbacGrant}.
 */
public record KeyedGrant(String key, RbacGrant grant) {

    /** The copies of one grant: under its subject, and under its grantor when another identity granted it. */
    public static List<KeyedGrant> of(RbacGrant g) {
        String subject = g.subject();
        if (g.actor() == null || g.actor().equals(subject)) {
            return List.of(new KeyedGrant(subject, g));
        }
        return List.of(new KeyedGrant(subject, g), new KeyedGrant(g.actor(), g));
    }
}
