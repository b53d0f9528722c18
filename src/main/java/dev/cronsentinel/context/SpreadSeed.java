package dev.cronsentinel.context;

import dev.cronsentinel.model.ActorSpread;

/** One actor's spread state as the warm-up computed it, on its way into the savepoint. */
public record SpreadSeed(String actor, ActorSpread spread) {}
