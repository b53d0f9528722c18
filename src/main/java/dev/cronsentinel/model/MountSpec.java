package dev.cronsentinel.model;

/** A container's {@code volumeMounts[]} entry. */
public record MountSpec(String name, String mountPath) {}
