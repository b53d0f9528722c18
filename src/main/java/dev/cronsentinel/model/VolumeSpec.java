package dev.cronsentinel.model;

/**
 * A pod volume. Only {@code hostPath} matters to detection; other volume types keep a null {@code hostPath}.
 *
 * @param path JSON path of this volume inside the event, used as signal evidence
 * @param hostPath the {@code hostPath.path} exactly as written (normalisation is the scorer's job)
 */
public record VolumeSpec(String path, String name, String hostPath) {}
