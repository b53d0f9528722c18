package dev.cronsentinel.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic alert ids. An id is a hash of what identifies the finding (the audit ID, or the chain root)
 * and the rule version, never of wall-clock time or arrival order, so replaying the same input yields the
 * same ids and idempotent sinks overwrite instead of duplicating.
 */
public final class AlertIds {
    private AlertIds() {}

    /** {@code cs-<kind>-<first 24 hex chars of SHA-256 over the parts joined by NUL>}. */
    public static String of(AlertKind kind, String... parts) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
        sha.update(kind.toString().getBytes(StandardCharsets.UTF_8));
        for (String p : parts) {
            sha.update((byte) 0);
            sha.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
        }
        byte[] d = sha.digest();
        StringBuilder sb = new StringBuilder("cs-").append(kind).append('-');
        for (int i = 0; i < 12; i++) {
            sb.append(Character.forDigit((d[i] >> 4) & 0xf, 16)).append(Character.forDigit(d[i] & 0xf, 16));
        }
        return sb.toString();
    }
}
