package dev.cronsentinel.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.net.ssl.SSLContext;

/**
 * A real Elasticsearch 8 node, run as a child process from the distribution zip that Maven resolves from Maven
 * Central ({@code org.elasticsearch.distribution.integ-test-zip:elasticsearch}, path passed by surefire as
 * {@code cronsentinel.es.zip}). No Docker, no mock: the sink's tests talk to the same server code a production
 * cluster runs.
 *
 * <p>Why this and not an OpenSearch or ES 7 runner inside the test JVM: the sink targets Elasticsearch 8 and its
 * document shape relies on ES 8 behaviour (composable templates, {@code flattened}, {@code external_gte} versioning,
 * the 8.x error types), so testing against an 8.x node is the only honest check. The zip is the real server with a
 * reduced module set; indexing, mappings, {@code _bulk}, search, TLS and the file realm all work. What it cannot do:
 * {@code GET /} answers 405 (readiness is {@code /_cluster/health}), and API keys cannot be issued (the
 * {@code .security} index needs the absent analysis-common module).
 *
 * <p>Layout: the zip is unpacked once per machine under {@code java.io.tmpdir} (a few hundred ms); each node gets
 * its own config, data, logs and tmp directories there, deleted by {@link #close()}. Elasticsearch refuses to run
 * as root, so when the tests run as root (as CI does) the node runs as the system user {@value #OS_USER}, created
 * on first use, via {@code runuser}; a temp-dir location is used because a checkout under {@code /root} would not
 * be readable by that user. Ports are free loopback ports; the node listens on 127.0.0.1 only. It starts in about
 * 15 s with a 512 MB heap.
 */
public final class ElasticsearchNode implements AutoCloseable {
    public static final String OS_USER = "cronsentinel-es";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private final Path home;
    private final Path dir;
    private final int httpPort;
    private final int transportPort;
    private final Secured secured;
    private final HttpClient http;
    private final Thread shutdownHook;
    private Process process;

    /** TLS with a private CA and a file-realm user, for the secured node. */
    /**
     * @param readerUsername a user of the file realm that may read every index but write only {@code unrelated-*}
     *     (role {@code cronsentinel_reader} in {@code roles.yml}): its bulk requests are accepted and each item
     *     for another index is refused with 403, for the privilege-refusal tests
     */
    public record Secured(String username, String password, Path caCertificate, String readerUsername, String readerPassword) {}

    private ElasticsearchNode(String name, Path home, Path dir, Secured secured) throws IOException {
        this.name = name;
        this.home = home;
        this.dir = dir;
        this.secured = secured;
        this.httpPort = freePort();
        this.transportPort = freePort();
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
        if (secured != null) {
            b.sslContext(trusting(secured.caCertificate()));
        }
        this.http = b.build();
        this.shutdownHook = new Thread(this::destroyProcessTree, "stop-elasticsearch-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a node with security off (plain HTTP, no auth). */
    public static ElasticsearchNode start(String name) {
        return start(name, false);
    }

    /**
     * Starts a node with security on: HTTPS with a certificate for 127.0.0.1 signed by a fresh private CA
     * ({@link Secured#caCertificate()}), and one superuser in the file realm.
     */
    public static ElasticsearchNode startSecured(String name) {
        return start(name, true);
    }

    private static ElasticsearchNode start(String name, boolean secure) {
        ElasticsearchNode node = null;
        try {
            Path home = distribution();
            Path dir = Files.createTempDirectory(workRoot(), "node-" + name + "-");
            Path config = dir.resolve("config");
            copyTree(home.resolve("config"), config);
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("logs"));
            Files.createDirectories(dir.resolve("tmp"));
            Secured secured = null;
            if (secure) {
                secured = secure(home, config);
            }
            if (runningAsRoot()) {
                ensureOsUser();
                run(List.of("chown", "-R", OS_USER, dir.toString()), dir, Duration.ofSeconds(30));
            }
            node = new ElasticsearchNode(name, home, dir, secured);
            node.launch();
            return node;
        } catch (IOException | RuntimeException e) {
            if (node != null) {
                node.close();
            }
            throw new IllegalStateException("could not start Elasticsearch node '" + name + "': " + e.getMessage(), e);
        }
    }

    public String url() {
        return (secured == null ? "http" : "https") + "://127.0.0.1:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public Secured secured() {
        return secured;
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    /** Stops the node gracefully (its data stays), as an outage would; {@link #restart()} brings it back. */
    public void stop() {
        destroyProcessTree();
        process = null;
    }

    /** Starts the stopped node again on the same ports with the same data. */
    public void restart() {
        if (running()) {
            throw new IllegalStateException("node " + name + " is running");
        }
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // Already shutting down: the hook is running or has run.
        }
        deleteTree(dir);
    }

    // ---- HTTP helpers for assertions ------------------------------------------------------------------------

    /** A JSON request; fails unless the status is 2xx. */
    public JsonNode json(String method, String path, String body) {
        HttpResponse<String> r = send(method, path, body);
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        try {
            return MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (secured != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (secured.username() + ":" + secured.password()).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Makes every write visible to search, then counts the index's documents (0 while it does not exist). */
    public long count(String index) {
        if (!indexExists(index)) {
            return 0;
        }
        json("POST", "/" + index + "/_refresh", null);
        return json("GET", "/" + index + "/_count", null).path("count").asLong();
    }

    /** Every document of a small index, by {@code _id} (the search hit, with {@code _source}); empty while it does not exist. */
    public Map<String, JsonNode> documents(String index) {
        if (!indexExists(index)) {
            return Map.of();
        }
        json("POST", "/" + index + "/_refresh", null);
        JsonNode hits = json("POST", "/" + index + "/_search", "{\"size\":10000,\"query\":{\"match_all\":{}}}")
                .path("hits").path("hits");
        Map<String, JsonNode> out = new java.util.TreeMap<>();
        for (JsonNode h : hits) {
            out.put(h.path("_id").asText(), h);
        }
        return out;
    }

    public boolean indexExists(String index) {
        return send("HEAD", "/" + index, null).statusCode() == 200;
    }

    // ---- process ------------------------------------------------------------------------------------------

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>();
        if (runningAsRoot()) {
            cmd.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        cmd.add(home.resolve("bin/elasticsearch").toString());
        List<String> settings = new ArrayList<>(List.of(
                "cluster.name=cronsentinel-test",
                "node.name=" + name,
                "discovery.type=single-node",
                "network.host=127.0.0.1",
                "http.port=" + httpPort,
                "transport.port=" + transportPort,
                "path.data=" + dir.resolve("data"),
                "path.logs=" + dir.resolve("logs"),
                // The test machine's disk fill level must not turn indices read-only mid-test.
                "cluster.routing.allocation.disk.threshold_enabled=false",
                "xpack.security.enabled=" + (secured != null)));
        if (secured != null) {
            settings.addAll(List.of(
                    "xpack.security.http.ssl.enabled=true",
                    "xpack.security.http.ssl.key=certs/node/node.key",
                    "xpack.security.http.ssl.certificate=certs/node/node.crt",
                    "xpack.security.http.ssl.certificate_authorities=certs/ca/ca.crt"));
        }
        for (String s : settings) {
            cmd.add("-E");
            cmd.add(s);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("console.log").toFile()));
        environment(pb, dir.resolve("config"));
        pb.environment().put("ES_TMPDIR", dir.resolve("tmp").toString());
        pb.environment().put("ES_JAVA_OPTS", "-Xms512m -Xmx512m");
        long started = System.nanoTime();
        process = pb.start();
        awaitReady();
        System.err.printf("Elasticsearch node '%s' ready at %s in %d ms%n", name, url(), (System.nanoTime() - started) / 1_000_000);
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Elasticsearch exited with " + process.exitValue() + " during start; console:\n" + consoleTail());
            }
            try {
                HttpResponse<String> r = send("GET", "/_cluster/health?wait_for_status=yellow&timeout=1s", null);
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // Connection refused until the HTTP layer is up.
            }
            pause(250);
        }
        destroyProcessTree();
        throw new IllegalStateException("Elasticsearch did not become ready within " + START_TIMEOUT.toSeconds() + " s; console:\n" + consoleTail());
    }

    private void destroyProcessTree() {
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        // SIGTERM to runuser is forwarded to Elasticsearch, which then shuts down cleanly (flushes, releases locks).
        p.destroy();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                tree.addAll(p.descendants().toList());
                tree.forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle h : tree) {
                h.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private String consoleTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("console.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no console output: " + e + ")";
        }
    }

    // ---- set-up ---------------------------------------------------------------------------------------------

    /** The unpacked distribution, shared by every node of this machine; unpacked on first use. */
    static synchronized Path distribution() throws IOException {
        String zipProp = System.getProperty("cronsentinel.es.zip");
        if (zipProp == null || zipProp.isBlank() || zipProp.startsWith("${")) {
            throw new IllegalStateException("system property cronsentinel.es.zip is not set: run the tests through Maven "
                    + "(mvn verify), which resolves org.elasticsearch.distribution.integ-test-zip:elasticsearch:zip "
                    + "and passes its path");
        }
        Path zip = Path.of(zipProp);
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("Elasticsearch distribution " + zip + " does not exist; mvn verify downloads it from Maven Central");
        }
        String file = zip.getFileName().toString();
        String base = file.endsWith(".zip") ? file.substring(0, file.length() - 4) : file;
        Path target = workRoot().resolve(base);
        if (Files.isExecutable(target.resolve("bin/elasticsearch"))) {
            return target;
        }
        // Unpack beside the target and move it into place, so a concurrent or interrupted run never sees half a tree.
        Path staging = Files.createTempDirectory(workRoot(), "unpack-");
        try {
            unzip(zip, staging);
            try (Stream<Path> top = Files.list(staging)) {
                Path root = top.filter(Files::isDirectory).findFirst()
                        .orElseThrow(() -> new IOException(zip + " holds no top-level directory"));
                try (Stream<Path> bins = Files.list(root.resolve("bin"))) {
                    bins.forEach(b -> b.toFile().setExecutable(true, false));
                }
                try {
                    Files.move(root, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException raced) {
                    if (!Files.isExecutable(target.resolve("bin/elasticsearch"))) {
                        throw raced;
                    }
                } catch (IOException e) {
                    // Another run moved its copy into place first (rename onto a non-empty directory fails).
                    if (!Files.isExecutable(target.resolve("bin/elasticsearch"))) {
                        throw e;
                    }
                }
            }
        } finally {
            deleteTree(staging);
        }
        return target;
    }

    /** World-traversable working root, so the unprivileged node user can reach its files. */
    private static Path workRoot() throws IOException {
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "cronsentinel-es");
        Files.createDirectories(root);
        root.toFile().setReadable(true, false);
        root.toFile().setExecutable(true, false);
        return root;
    }

    private static Secured secure(Path home, Path config) throws IOException {
        Path certs = config.resolve("certs");
        Files.createDirectories(certs);
        Path caZip = config.getParent().resolve("ca.zip");
        Path nodeZip = config.getParent().resolve("node.zip");
        run(cli(home, "elasticsearch-certutil", "ca", "--pem", "--silent", "--out", caZip.toString()), config, Duration.ofSeconds(120));
        unzip(caZip, certs);
        run(cli(home, "elasticsearch-certutil", "cert", "--pem", "--silent",
                "--ca-cert", certs.resolve("ca/ca.crt").toString(), "--ca-key", certs.resolve("ca/ca.key").toString(),
                "--ip", "127.0.0.1", "--dns", "localhost", "--name", "node", "--out", nodeZip.toString()), config, Duration.ofSeconds(120));
        unzip(nodeZip, certs);
        String user = "cronsentinel";
        String password = "sink-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        run(cli(home, "elasticsearch-users", "useradd", user, "-p", password, "-r", "superuser"), config, Duration.ofSeconds(120));
        // File-realm roles need no .security index: a user that can log in and read, but write nothing.
        Files.writeString(config.resolve("roles.yml"), "cronsentinel_reader:\n  cluster: [ \"monitor\" ]\n"
                + "  indices:\n    - names: [ \"*\" ]\n      privileges: [ \"read\", \"view_index_metadata\" ]\n"
                + "    - names: [ \"unrelated-*\" ]\n      privileges: [ \"write\", \"create_index\" ]\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        String reader = "reader";
        String readerPassword = "read-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        run(cli(home, "elasticsearch-users", "useradd", reader, "-p", readerPassword, "-r", "cronsentinel_reader"),
                config, Duration.ofSeconds(120));
        Path ca = config.getParent().resolve("ca.crt");
        Files.copy(certs.resolve("ca/ca.crt"), ca);
        Files.deleteIfExists(caZip);
        Files.deleteIfExists(nodeZip);
        return new Secured(user, password, ca, reader, readerPassword);
    }

    private static List<String> cli(Path home, String tool, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin").resolve(tool).toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs one of the distribution's command-line tools with this node's config directory. */
    private static void run(List<String> cmd, Path config, Duration timeout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        environment(pb, config);
        Process p = pb.start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(cmd.get(0) + " did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd.subList(0, Math.min(2, cmd.size()))) + " exited with " + p.exitValue()
                    + ": " + new String(out, StandardCharsets.UTF_8));
        }
    }

    private static void environment(ProcessBuilder pb, Path config) {
        Map<String, String> env = pb.environment();
        // Options meant for the test JVM must not leak into the node's JVMs.
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("_JAVA_OPTIONS");
        env.remove("CLASSPATH");
        env.remove("ES_HOME");
        env.put("ES_JAVA_HOME", System.getProperty("java.home"));
        env.put("ES_PATH_CONF", config.toString());
    }

    static boolean runningAsRoot() {
        return new UnixSystem().getUid() == 0;
    }

    /** Creates the unprivileged system user the node runs as, unless it exists. */
    private static synchronized void ensureOsUser() throws IOException {
        if (userExists()) {
            return;
        }
        try {
            run(List.of("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", OS_USER), Path.of("/"), Duration.ofSeconds(30));
        } catch (IOException e) {
            if (!userExists()) {
                throw new IOException("cannot create system user " + OS_USER + " for Elasticsearch (it refuses to run as root): " + e.getMessage(), e);
            }
        }
    }

    private static boolean userExists() throws IOException {
        try {
            Process p = new ProcessBuilder("id", "-u", OS_USER).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static SSLContext trusting(Path caPem) throws IOException {
        try (InputStream in = Files.newInputStream(caPem)) {
            java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
            javax.net.ssl.TrustManagerFactory tmf =
                    javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static void unzip(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                Path out = into.resolve(e.getName()).normalize();
                if (!out.startsWith(into)) {
                    throw new IOException("zip entry outside the target: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Best effort: a leftover directory in the temp dir is harmless.
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
