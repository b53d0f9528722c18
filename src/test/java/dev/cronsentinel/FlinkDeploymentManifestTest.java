package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.testing.FlinkOptions;
import dev.cronsentinel.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code conf/k8s/flinkdeployment.yaml}, the manifest for the Flink Kubernetes Operator: it runs the Flink version
 * the job is built for, upgrades through savepoints, carries the same Flink settings as
 * {@code conf/flink/config.yaml} (apart from where this cluster stores things), and starts the job with
 * arguments the job accepts from the config it mounts.
 */
class FlinkDeploymentManifestTest {
    /** Settings that belong to a site, not to the job: storage locations, the one reporter port of a pod. */
    private static final Set<String> SITE_SPECIFIC = Set.of(
            "execution.checkpointing.dir", "execution.checkpointing.savepoint-dir", "metrics.reporter.prom.port");
    /** The operator adds the Java 17 options itself ({@code env.java.default-opts.all} for Flink 1.19+). */
    private static final Set<String> OPERATOR_PROVIDED = Set.of("env.java.default-opts.all");

    private static JsonNode manifest;
    private static Map<String, String> flinkConfiguration;

    @BeforeAll
    static void load() throws Exception {
        manifest = new ObjectMapper(new YAMLFactory()).readTree(TestData.projectRoot().resolve("conf/k8s/flinkdeployment.yaml").toFile());
        flinkConfiguration = new TreeMap<>();
        manifest.path("spec").path("flinkConfiguration").fields()
                .forEachRemaining(e -> flinkConfiguration.put(e.getKey(), e.getValue().asText()));
    }

    @Test
    void itIsAFlinkDeploymentOfTheFlinkVersionTheJobIsBuiltFor() {
        assertThat(manifest.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(manifest.path("kind").asText()).isEqualTo("FlinkDeployment");
        String[] version = EnvironmentInformation.getVersion().split("\\.");
        assertThat(manifest.path("spec").path("flinkVersion").asText()).isEqualTo("v" + version[0] + "_" + version[1]);
    }

    @Test
    void upgradesStopWithASavepointAndStartTheNewJarFromIt() {
        JsonNode job = manifest.path("spec").path("job");
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("entryClass").asText()).isEqualTo(CronSentinelJob.class.getName());
        assertThat(job.path("jarURI").asText()).startsWith("local:///");
        assertThat(flinkConfiguration.get("execution.checkpointing.savepoint-dir")).isNotBlank();
    }

    @Test
    void everyFlinkSettingIsAnOptionOfThisFlinkVersion() {
        FlinkOptions options = FlinkOptions.onClasspath();
        Set<String> reporterArgs = FlinkOptions.reporterArgs(flinkConfiguration.get("metrics.reporter.prom.factory.class"));
        Map<String, String> problems = new TreeMap<>();
        flinkConfiguration.keySet().forEach(k -> {
            String p = options.problem(k, reporterArgs);
            if (p != null) {
                problems.put(k, p);
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void itRunsWithTheSameFlinkSettingsAsConfFlinkConfigYaml() {
        Configuration file = GlobalConfiguration.loadConfiguration(TestData.projectRoot().resolve("conf/flink").toString());
        Map<String, String> wanted = new TreeMap<>();
        Map<String, String> got = new TreeMap<>();
        for (String key : file.keySet()) {
            if (SITE_SPECIFIC.contains(key) || OPERATOR_PROVIDED.contains(key)) {
                assertThat(flinkConfiguration.containsKey(key) || OPERATOR_PROVIDED.contains(key)).as(key).isTrue();
                continue;
            }
            wanted.put(key, file.toMap().get(key));
            got.put(key, flinkConfiguration.get(key));
        }
        assertThat(got).isEqualTo(wanted);
    }

    /** The arguments, with the mounted config file replaced by the one in conf/, make a valid job config. */
    @Test
    void theJobArgumentsAreAcceptedWithTheMountedConfig() throws Exception {
        JsonNode spec = manifest.path("spec");
        List<String> args = new ArrayList<>();
        spec.path("job").path("args").forEach(a -> args.add(a.asText()));
        int config = args.indexOf("--config");
        assertThat(config).isNotNegative();
        Path mounted = Path.of(args.get(config + 1));

        JsonNode container = spec.path("podTemplate").path("spec").path("containers").get(0);
        String mountPath = container.path("volumeMounts").get(0).path("mountPath").asText();
        assertThat(mounted.getParent()).isEqualTo(Path.of(mountPath));
        // Every file the ConfigMap projects exists in conf/ at the same relative path.
        for (JsonNode item : spec.path("podTemplate").path("spec").path("volumes").get(0).path("configMap").path("items")) {
            assertThat(TestData.projectRoot().resolve("conf").resolve(item.path("path").asText())).isRegularFile();
            assertThat(Path.of(item.path("path").asText()).getFileName().toString()).isEqualTo(item.path("key").asText());
        }
        assertThat(Files.isRegularFile(TestData.projectRoot().resolve("conf").resolve(mountPathRelative(mounted, mountPath)))).isTrue();

        args.set(config + 1, TestData.projectRoot().resolve("conf").resolve(mountPathRelative(mounted, mountPath)).toString());
        JobConfig job = CronSentinelJob.loadConfig(args.toArray(new String[0]));
        assertThat(job.inputType()).isEqualTo("kafka");
        assertThat(job.outputType()).isEqualTo("kafka");
    }

    private static String mountPathRelative(Path file, String mountPath) {
        return Path.of(mountPath).relativize(file).toString();
    }
}
