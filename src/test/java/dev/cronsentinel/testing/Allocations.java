package dev.cronsentinel.testing;

import java.lang.management.ManagementFactory;

/**
 * Measures how many heap bytes the current thread allocates while running a piece of code. Used to prove
 * that hostile input is handled within a memory bound (a 10 MB event must not become a 10 MB tree) without
 * any timing assertion: the count is deterministic up to small JIT and TLAB noise.
 */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {}

    /** A check that throws; lets the measured code be a lambda that declares exceptions. */
    @FunctionalInterface
    public interface Code {
        void run() throws Exception;
    }

    /** Bytes allocated by this thread while {@code code} ran. */
    public static long allocatedBy(Code code) throws Exception {
        if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("this JVM does not count per-thread allocations");
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        code.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
