package dev.cronsentinel.score;

import java.util.Locale;
import java.util.Set;

/**
 * A container image reference normalised so that equivalent spellings compare equal:
 * {@code ALPINE}, {@code alpine:3.19}, {@code docker.io/library/alpine}, {@code index.docker.io/library/alpine}
 * and {@code alpine@sha256:...} all have repository {@code alpine} and registry {@code docker.io}.
 *
 * <p>Rules match the repository, never the whole JSON text, so a tag or an annotation that merely contains a
 * word cannot fire a signal. Allowlists compare {@link #canonical()} (registry and repository, with Docker
 * Hub's implicit {@code library/} written out) and, where the entry pins them, the tag and the digest: the
 * same repository name on another registry is another image.
 *
 * @param tag the tag, lower case, null when the reference has none
 * @param digest the digest ({@code sha256:...}), lower case, null when the reference has none
 */
public record ImageReference(String original, String registry, String repository, String tag, String digest) {
    private static final String DOCKER_HUB = "docker.io";
    /** Host names that are Docker Hub under another name. */
    private static final Set<String> DOCKER_HUB_ALIASES = Set.of("index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");

    public static ImageReference parse(String image) {
        if (image == null) {
            return new ImageReference(null, DOCKER_HUB, "", null, null);
        }
        String s = image.trim().toLowerCase(Locale.ROOT);
        String digest = null;
        int at = s.indexOf('@');
        if (at >= 0) {
            digest = s.substring(at + 1);
            s = s.substring(0, at);
        }
        String tag = null;
        int slash = s.lastIndexOf('/');
        int colon = s.lastIndexOf(':');
        if (colon > slash) {
            tag = s.substring(colon + 1);
            s = s.substring(0, colon);
        }
        String registry = DOCKER_HUB;
        int first = s.indexOf('/');
        if (first > 0) {
            String head = s.substring(0, first);
            if (head.contains(".") || head.contains(":") || head.equals("localhost")) {
                registry = head;
                s = s.substring(first + 1);
            }
        }
        if (DOCKER_HUB_ALIASES.contains(registry)) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && s.startsWith("library/")) {
            s = s.substring("library/".length());
        }
        return new ImageReference(image, registry, s, tag == null || tag.isEmpty() ? null : tag,
                digest == null || digest.isEmpty() ? null : digest);
    }

    /** {@code registry/repository}, e.g. {@code docker.io/alpine} or {@code ghcr.io/acme/tool}. */
    public String qualified() {
        return registry + "/" + repository;
    }

    /**
     * The fully qualified repository, Docker Hub's official images under {@code library/}:
     * {@code docker.io/library/alpine}, {@code docker.io/fluent/fluentd}, {@code ghcr.io/acme/tool}.
     */
    public String canonical() {
        boolean official = registry.equals(DOCKER_HUB) && repository.indexOf('/') < 0;
        return registry + "/" + (official ? "library/" : "") + repository;
    }

    /**
     * True when {@code image} is this (allowlisted) image: the same canonical repository, and the same tag
     * and digest where this reference names them. A reference without a digest cannot match a pinned entry.
     */
    public boolean admits(ImageReference image) {
        if (image == null || image.original() == null || repository.isEmpty() || !canonical().equals(image.canonical())) {
            return false;
        }
        return (tag == null || tag.equals(image.tag())) && (digest == null || digest.equals(image.digest()));
    }
}
