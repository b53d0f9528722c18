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
        return "cs-" + kind + "-" + sha256Hex(12, kind.toString(), parts);
    }

    /**
     * The first {@code bytes} bytes, in lower-case hex, of SHA-256 over {@code first} and each of {@code rest},
     * joined by NUL bytes (null parts read as {@code "null"}).
     */
    public static String sha256Hex(int bytes, String first, String... rest) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
        sha.update(String.valueOf(first).getBytes(StandardCharsets.UTF_8));
        for (String p : rest) {
            sha.update((byte) 0);
            sha.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
        }
        byte[] d = sha.digest();
        StringBuilder sb = new StringBuilder(2 * bytes);
        for (int i = 0; i < bytes; i++) {
            sb.append(Character.forDigit((d[i] >> 4) & 0xf, 16)).append(Character.forDigit(d[i] & 0xf, 16));
        }
        return sb.toString();
    }
}
