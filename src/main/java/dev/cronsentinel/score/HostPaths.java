package dev.cronsentinel.score;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Normalises a {@code hostPath} the way the kubelet's filesystem would resolve it lexically:
 * {@code /var/run/../run/docker.sock} is {@code /run/docker.sock}, {@code /etc/} is {@code /etc},
 * {@code //proc/./1} is {@code /proc/1}. Symlinks on the node (such as {@code /var/run -> /run}) cannot be
 * seen from the audit log, so the rule file lists both spellings of such paths.
 */
public final class HostPaths {
    private HostPaths() {}

    public static String normalize(String path) {
        if (path == null || path.isEmpty()) {
            return path;
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String seg : path.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(seg);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** True when {@code path} is {@code root} or lies under it ({@code /} matches only itself). */
    public static boolean isAtOrUnder(String path, String root) {
        if (path.equals(root)) {
            return true;
        }
        if (root.equals("/")) {
            return false;
        }
        return path.startsWith(root) && path.length() > root.length() && path.charAt(root.length()) == '/';
    }
}
