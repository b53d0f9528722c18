package dev.cronsentinel.model;

/**
 * A container's {@code env[]} entry.
 *
 * @param value the literal {@code value}, null when the entry has none
 * @param valueFrom where a {@code valueFrom} entry takes its value, e.g. {@code configMapKeyRef settings/PAYLOAD},
 *     {@code secretKeyRef db/password} or {@code fieldRef metadata.name}; null for a literal entry. The value
 *     itself is not in the audit log, so a command that references it runs something the scorer cannot read.
 */
public record EnvVarSpec(String name, String value, String valueFrom) {
    /** A literal entry. */
    public EnvVarSpec(String name, String value) {
        this(name, value, null);
    }
}
