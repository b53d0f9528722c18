package dev.cronsentinel.model;

/**
 * A pod volume. Other volume types keep a null {@code hostPath}.
 *
 * @param path JSON path of this volume inside the event, used as signal evidence
 * @param hostPath the {@code hostPath.path} exactly as written (normalisation is the scorer's job)
 * @param type the volume source's field name ({@code hostPath}, {@code nfs}, {@code configMap}, ...), the
 *     first one that is not {@code name}; null when the volume names none (a partial patch) or not extracted
 */
public record VolumeSpec(String path, String name, String hostPath, String type) {

    /** A volume without its type, as the structural rules of the first release read it. */
    public VolumeSpec(String path, String name, String hostPath) {
        this(path, name, hostPath, null);
    }
}
