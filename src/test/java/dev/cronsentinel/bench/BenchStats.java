package dev.cronsentinel.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics for the harness programs' reports. */
final class BenchStats {
    private BenchStats() {}

    /** The median (mean of the two middle values for an even count). */
    static double median(List<Double> values) {
        double[] v = sorted(values);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static double min(List<Double> values) {
        return sorted(values)[0];
    }

    static double max(List<Double> values) {
        double[] v = sorted(values);
        return v[v.length - 1];
    }

    /**
     * The nearest-rank percentile of sorted values: the smallest value with at least {@code p} percent of the
     * values at or below it (so p99 of 100 values is the 99th, never an interpolation between samples).
     */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static double[] sorted(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v;
    }
}
