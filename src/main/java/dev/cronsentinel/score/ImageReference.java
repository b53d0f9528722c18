package dev.cronsentinel.score;

import java.util.Locale;

/**
 * A container image reference normalised so that equivalent spellings compare equal:
 * {@code ALPINE}, {@code alpine:3.19}, {@code docker.io/library/alpine}, {@code index.docker.io/library/alpine}
 * and {@code alpine@sha256:...} all have repository {@code alpine} and registry {@code docker.io}.
 *
 * <p>Rules match the repository (and allowlists may match {@code registry/repository}), never the whole
 * JSON text, so a tag or an annotation that merely contains a word cannot fire a signal.
 */
public record ImageReference(String original, String registry, String repository) {
    private static final String DOCKER_HUB = "docker.io";

    public static ImageReference parse(String image) {
        if (image == null) {
            return new ImageReference(null, DOCKER_HUB, "");
        }
        String s = image.trim().toLowerCase(Locale.ROOT);
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(0, at);
        }
        int slash = s.lastIndexOf('/');
        int colon = s.lastIndexOf(':');
        if (colon > slash) {
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
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && s.startsWith("library/")) {
            s = s.substring("library/".length());
        }
        return new ImageReference(image, registry, s);
    }

    /** {@code registry/repository}, e.g. {@code docker.io/alpine} or {@code ghcr.io/acme/tool}. */
    public String qualified() {
        return registry + "/" + repository;
    }
}
