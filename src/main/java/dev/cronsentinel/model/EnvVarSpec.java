package dev.cronsentinel.model;

/** A literal {@code env[]} entry ({@code valueFrom} references carry no value and are kept with a null value). */
public record EnvVarSpec(String name, String value) {}
