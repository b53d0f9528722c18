package dev.cronsentinel.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real standalone Flink session cluster for one test class: a JobManager process and TaskManager processes,
 * started, resized and stopped by {@code scripts/flink-cluster.sh}, the same script the README gives operators.
 * Register it as a static field with {@code @RegisterExtension}.
 *
 * <p>The cluster runs in its own work directory under {@code target/} on free loopback ports, so it never meets
 * a cluster a developer started with the script's defaults. Jobs are submitted as the shaded job jar (system
 * property {@code cronsentinel.jobJar}, set by failsafe after {@code package}). The REST helpers observe the
 * cluster the way the web UI does; they never change what the script does.
 */
public final class StandaloneFlinkCluster implements BeforeAllCallback, AfterAllCallback {
    /** Upper bound for waits on the cluster; reaching it fails the test, it is never the thing tested. */
    public static final Duration WAIT = Duration.ofSeconds(120);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> flinkOverrides;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path workDir;
    private Path scriptLog;
    private int restPort;
    private int rpcPort;
    private int promPort;
    private Thread cleanup;

    /**
     * @param flinkOverrides {@code key=value} Flink settings this test cluster adds to {@code conf/flink/config.yaml}
     */
    public StandaloneFlinkCluster(String... flinkOverrides) {
        this.flinkOverrides = List.of(flinkOverrides);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        workDir = TestData.projectRoot().resolve("target/flink-cluster-it/" + context.getRequiredTestClass().getSimpleName());
        deleteTree(workDir);
        Files.createDirectories(workDir);
        scriptLog = workDir.resolve("script.log");
        restPort = freePort();
        rpcPort = freePort();
        promPort = freePort();
        // Whatever happens to the test JVM short of SIGKILL, the cluster's processes do not outlive it.
        cleanup = new Thread(this::killEverything, "stop-flink-cluster");
        Runtime.getRuntime().addShutdownHook(cleanup);
        List<String> start = new ArrayList<>(List.of("start"));
        flinkOverrides.forEach(o -> start.add("-D" + o));
        script(start.toArray(new String[0]));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            script("stop");
        } catch (RuntimeException e) {
            killEverything();
            throw e;
        } finally {
            killEverything();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    // ------------------------------------------------------------------------------------------ the script

    /** Runs {@code scripts/flink-cluster.sh} with this cluster's settings; returns its stdout, fails on exit != 0. */
    public String script(String... args) {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(TestData.projectRoot().resolve("scripts/flink-cluster.sh").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(TestData.projectRoot().toFile());
        Map<String, String> env = pb.environment();
        env.put("FLINK_WORK_DIR", workDir.toString());
        env.put("FLINK_REST_PORT", Integer.toString(restPort));
        env.put("FLINK_RPC_PORT", Integer.toString(rpcPort));
        env.put("FLINK_PROM_PORTS", promPort + "-" + (promPort + 4));
        env.put("JOB_JAR", jobJar().toString());
        pb.redirectError(ProcessBuilder.Redirect.appendTo(scriptLog.toFile()));
        try {
            Files.writeString(scriptLog, "\n$ flink-cluster.sh " + String.join(" ", args) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("flink-cluster.sh " + String.join(" ", args) + " did not finish within " + WAIT);
            }
            String stdout = new String(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new AssertionError("flink-cluster.sh " + String.join(" ", args) + " exited with " + p.exitValue()
                        + "\n" + tail(scriptLog, 40));
            }
            return stdout;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Submits the job jar with {@code conf/cronsentinel.yaml} and these overrides; returns the job id. */
    public String submit(String... jobArgs) {
        return lastLine(script(concat(new String[] {"submit"}, jobArgs)));
    }

    /** Submits the job jar restored from a savepoint; returns the job id. */
    public String submitFromSavepoint(String savepoint, String... jobArgs) {
        return lastLine(script(concat(new String[] {"submit", "--from-savepoint", savepoint}, jobArgs)));
    }

    /** Stops the job with a savepoint ({@code drain}: after firing every event-time timer); returns its path. */
    public String stopWithSavepoint(String jobId, boolean drain) {
        return lastLine(drain ? script("stop-job", jobId, "--drain") : script("stop-job", jobId));
    }

    /** SIGKILLs the newest TaskManager through the script and returns the pid that was killed. */
    public long killTaskManager() {
        List<Path> before = taskManagerPidFiles();
        if (before.isEmpty()) {
            throw new AssertionError("no TaskManager is running");
        }
        long pid = readPid(before.get(before.size() - 1));
        script("kill-taskmanager");
        return pid;
    }

    public void startTaskManager() {
        script("start-taskmanager");
    }

    /** The pids of the TaskManager processes the script started and that are alive. */
    public List<Long> taskManagerPids() {
        return taskManagerPidFiles().stream().map(StandaloneFlinkCluster::readPid)
                .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).toList();
    }

    public Optional<Long> jobManagerPid() {
        Path f = workDir.resolve("jobmanager.pid");
        return Files.exists(f) ? Optional.of(readPid(f)) : Optional.empty();
    }

    private List<Path> taskManagerPidFiles() {
        try (Stream<Path> files = Files.list(workDir)) {
            return files.filter(f -> f.getFileName().toString().matches("taskmanager-\\d+\\.pid"))
                    .sorted((a, b) -> Integer.compare(index(a), index(b))).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int index(Path pidFile) {
        return Integer.parseInt(pidFile.getFileName().toString().replaceAll("\\D", ""));
    }

    private static long readPid(Path f) {
        try {
            return Long.parseLong(Files.readString(f).trim());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Last resort: SIGKILL every process the script left (after a failed stop, or when the JVM exits). */
    private void killEverything() {
        if (workDir == null || !Files.isDirectory(workDir)) {
            return;
        }
        List<Path> pidFiles = new ArrayList<>(taskManagerPidFiles());
        pidFiles.add(workDir.resolve("jobmanager.pid"));
        for (Path f : pidFiles) {
            if (Files.exists(f)) {
                ProcessHandle.of(readPid(f)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ REST

    public String restUrl() {
        return "http://localhost:" + restPort;
    }

    public JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restUrl() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 && r.statusCode() != 202) {
            throw new AssertionError("POST " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    public String jobState(String jobId) throws Exception {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Waits until the job and every one of its tasks run (restored tasks included). */
    public void awaitAllTasksRunning(String jobId) throws Exception {
        await("job " + jobId + " running with all tasks", () -> {
            JsonNode job = get("/jobs/" + jobId);
            if (!job.path("state").asText().equals("RUNNING")) {
                return false;
            }
            for (JsonNode v : job.path("vertices")) {
                if (!v.path("status").asText().equals("RUNNING")) {
                    return false;
                }
            }
            return true;
        });
    }

    public void awaitJobState(String jobId, Predicate<String> state, String description) throws Exception {
        await("job " + jobId + " " + description, () -> state.test(jobState(jobId)));
    }

    /** Triggers a checkpoint through the REST API, waits until it completed, and returns its id. */
    public long checkpoint(String jobId) throws Exception {
        String trigger = post("/jobs/" + jobId + "/checkpoints", "{}").path("request-id").asText();
        long[] id = new long[1];
        await("checkpoint " + trigger + " of job " + jobId, () -> {
            JsonNode r = get("/jobs/" + jobId + "/checkpoints/" + trigger);
            if (!r.path("status").path("id").asText().equals("COMPLETED")) {
                return false;
            }
            JsonNode op = r.path("operation");
            if (op.has("failure-cause")) {
                throw new AssertionError("checkpoint failed: " + op.get("failure-cause"));
            }
            id[0] = op.path("checkpointId").asLong();
            return true;
        });
        return id[0];
    }

    /** What the job restored from: {@code latest.restored} of its checkpoint statistics, or a missing node. */
    public JsonNode restoredFrom(String jobId) throws Exception {
        return get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
    }

    // ------------------------------------------------------------------------------------------ metrics

    /** One Prometheus sample: metric name, its labels as exposed, and its value. */
    public record Sample(String name, String labels, double value) {
        public boolean hasLabel(String key, String value) {
            return labels.contains(key + "=\"" + value + "\"");
        }
    }

    /**
     * Every sample the Prometheus reporters of the cluster's processes expose right now. The JobManager and each
     * TaskManager take the next free port of the configured range.
     */
    public List<Sample> scrapePrometheus() throws Exception {
        List<Sample> samples = new ArrayList<>();
        for (int port = promPort; port <= promPort + 4; port++) {
            String body;
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                body = r.statusCode() == 200 ? r.body() : "";
            } catch (IOException nobodyThere) {
                continue;
            }
            for (String line : body.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int brace = line.indexOf('{');
                int space = line.lastIndexOf(' ');
                String name = brace > 0 ? line.substring(0, brace) : line.substring(0, space);
                String labels = brace > 0 ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
                samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
            }
        }
        return samples;
    }

    // ------------------------------------------------------------------------------------------ helpers

    public Path workDir() {
        return workDir;
    }

    /** The shaded job jar that {@code package} built. */
    public static Path jobJar() {
        String p = System.getProperty("cronsentinel.jobJar");
        if (p == null) {
            throw new AssertionError("system property cronsentinel.jobJar is not set: run this test with failsafe "
                    + "(mvn verify), which builds the shaded jar first");
        }
        Path jar = Path.of(p);
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the job jar " + jar + " does not exist; run mvn -DskipTests package first");
        }
        return jar;
    }

    public interface Condition {
        boolean holds() throws Exception;
    }

    public static void await(String what, Condition condition) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(what + " did not happen within " + WAIT);
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String lastLine(String stdout) {
        String[] lines = stdout.split("\n");
        return lines[lines.length - 1].trim();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
