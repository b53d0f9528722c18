package dev.cronsentinel.runtime;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.MetricGroup;

/**
 * The metric group every CronSentinel counter and gauge lives in, so dashboards find them all under one
 * name ({@code <operator scope>.cronsentinel.<metric>}, docs/OPERATIONS.md) whichever stage reports them.
 */
public final class JobMetrics {
    public static final String GROUP = "cronsentinel";

    private JobMetrics() {}

    public static MetricGroup group(RuntimeContext context) {
        return context.getMetricGroup().addGroup(GROUP);
    }
}
