package dev.cronsentinel.hunt;

import dev.cronsentinel.CronSentinelJob;
import dev.cronsentinel.Topology;
import dev.cronsentinel.config.ConfigException;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.RawAuditRecord;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A bounded retro-hunt ({@code scripts/hunt.sh}): the production {@link Topology} over archived audit logs
 * (files, directories, {@code .gz}), read by the production file source, with a progress line on stderr while it
 * runs and a summary table at the end; {@code --report DIR} also writes {@link HuntReport}'s files.
 *
 * <pre>
 *   HuntMain PATH... [--since T] [--until T] [--report DIR] [--config FILE] [--key=value ...]
 * </pre>
 *
 * The only additions to the production job are a counting pass-through behind the source ({@link HuntProgress})
 * and a collecting sink in place of the configured ones. {@code --since}/{@code --until} (ISO-8601 instants or
 * dates, UTC) bound the alerts reported by event time; every event is still read, so per-actor context learns
 * from what came before the window and a chain whose root predates it is still complete.
 */
public final class HuntMain {
    private HuntMain() {}

    /** The parsed command line. */
    public record Options(List<Path> paths, Long since, Long until, Path reportDir, List<String> jobArgs) {}

    /** What a hunt leaves: the final alerts inside the window, the dead letters and the summary of both. */
    public record Result(List<Alert> alerts, List<DeadLetter> deadLetters, HuntSummary summary) {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException | ConfigException e) {
            System.err.println("hunt: " + e.getMessage());
            System.exit(2);
            return;
        }
        // Production's Flink settings (state backend, checkpointing, restarts, no Kryo, object reuse), local paths.
        String confDir = System.getenv().getOrDefault("FLINK_CONF_DIR", "conf/flink");
        Configuration flink = LocalFlinkConfiguration.load(Path.of(confDir),
                Path.of(System.getProperty("cronsentinel.work-dir", System.getProperty("java.io.tmpdir"))));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        boolean terminal = System.console() != null;
        Result result;
        try {
            result = run(options, env, System.err, terminal, terminal ? Duration.ofMillis(500) : Duration.ofSeconds(5));
        } catch (ConfigException e) {
            System.err.println("hunt: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.print(result.summary().table());
        if (options.reportDir() != null) {
            HuntReport.write(options.reportDir(), result);
            System.out.println("\nreport: " + options.reportDir().resolve("report.html"));
        }
        System.out.flush();
    }

    public static Options parse(String[] args) {
        List<Path> paths = new ArrayList<>();
        List<String> jobArgs = new ArrayList<>();
        Long since = null;
        Long until = null;
        Path report = null;
        String config = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            boolean own = name.equals("--since") || name.equals("--until") || name.equals("--report");
            if (own || name.equals("--config")) {
                String value;
                if (a.contains("=")) {
                    value = a.substring(a.indexOf('=') + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                switch (name) {
                    case "--since" -> since = instant(name, value);
                    case "--until" -> until = instant(name, value);
                    case "--report" -> report = Path.of(value).toAbsolutePath().normalize();
                    default -> config = value; // the last one given wins, so hunt.sh's default can be overridden
                }
            } else if (a.startsWith("--")) {
                if (a.startsWith("--input.")) {
                    throw new IllegalArgumentException(a + ": a hunt reads the paths it is given; input.* cannot be set");
                }
                jobArgs.add(a);
            } else {
                Path p = Path.of(a).toAbsolutePath().normalize();
                if (!Files.exists(p)) {
                    throw new IllegalArgumentException(a + " does not exist");
                }
                if (p.toString().contains(",")) {
                    throw new IllegalArgumentException(a + ": paths with a comma cannot be given (input.file.paths is a comma list)");
                }
                paths.add(p);
            }
        }
        if (config != null) {
            jobArgs.add(0, "--config=" + config);
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("usage: hunt.sh PATH... [--since T] [--until T] [--report DIR] [--key=value ...]");
        }
        if (since != null && until != null && since >= until) {
            throw new IllegalArgumentException("--since must be before --until");
        }
        return new Options(List.copyOf(paths), since, until, report, List.copyOf(jobArgs));
    }

    static long instant(String option, String value) {
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(option + " '" + value + "': give an ISO-8601 instant "
                        + "(2026-11-20T09:00:00Z) or a date (2026-11-20, midnight UTC)");
            }
        }
    }

    /**
     * Runs the hunt on {@code env} and prints progress to {@code err} every {@code interval} and once at the end.
     * The job runs in this JVM (an embedded cluster), where the collecting sink and the counters live.
     */
    public static Result run(Options options, StreamExecutionEnvironment env, PrintStream err, boolean terminal,
                             Duration interval) throws Exception {
        List<String> args = new ArrayList<>(options.jobArgs());
        args.add("--input.type=file");
        args.add("--input.file.paths=" + String.join(",", options.paths().stream().map(Path::toString).toList()));
        JobConfig config = CronSentinelJob.loadConfig(args.toArray(new String[0]));

        HuntCollector<Alert> alerts = new HuntCollector<>();
        HuntCollector<DeadLetter> deadLetters = new HuntCollector<>();
        HuntProgress progress = new HuntProgress(options.paths(),
                () -> alerts.received().stream().map(Alert::alertId).distinct().count());
        try {
            DataStream<RawAuditRecord> source = CronSentinelJob.source(env, config);
            DataStream<RawAuditRecord> counted = source.map(progress.tap())
                    .returns(source.getType())
                    .uid("hunt-progress")
                    .name("hunt progress");
            Topology.build(env, counted, new Topology.Sinks(alerts, deadLetters), config);

            JobClient job = env.executeAsync("CronSentinel hunt (" + config.profile() + ")");
            CompletableFuture<?> done = job.getJobExecutionResult();
            while (true) {
                try {
                    done.get(interval.toMillis(), TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException stillRunning) {
                    HuntProgress.print(err, progress.snapshot(), terminal, false);
                }
            }
            HuntProgress.Snapshot end = progress.snapshot();
            HuntProgress.print(err, end, terminal, true);

            List<Alert> found = HuntSummary.finalVersions(alerts.received()).stream()
                    .filter(a -> HuntSummary.inWindow(a, options.since(), options.until()))
                    .toList();
            List<DeadLetter> dead = deadLetters.received();
            return new Result(found, dead, HuntSummary.of(found, dead, end, options.since(), options.until()));
        } finally {
            progress.close();
            alerts.close();
            deadLetters.close();
        }
    }
}
