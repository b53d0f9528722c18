package dev.cronsentinel.model;

/**
 * One key and value of a pod template map field ({@code nodeSelector}, an annotation), or one node-affinity
 * match expression ({@code value} is then the operator and values, e.g. {@code Exists} or {@code In [a, b]}).
 */
public record LabelSpec(String key, String value) {}
