package dev.cronsentinel.model;

/**
 * A container's {@code envFrom[]} entry: every key of a ConfigMap or Secret becomes a variable (with
 * {@code prefix} in front), none of them visible in the audit log of the workload.
 *
 * @param path JSON path of the entry inside the event, used as evidence
 * @param kind {@code configMap} or {@code secret}
 * @param name the ConfigMap or Secret name (null when the entry names none)
 * @param prefix the {@code prefix} every variable name gets, empty when none
 */
public record EnvFromSpec(String path, String kind, String name, String prefix) {}
