package dev.cronsentinel.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronsentinel.compat.SeedQueryProfile;
import dev.cronsentinel.config.ConfigException;
import dev.cronsentinel.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every shipped rule file loads and validates; broken ones fail with the file, the rule and the reason. */
class RuleFilesTest {
    @TempDir
    Path tmp;

    static List<Path> shippedRuleFiles() throws IOException {
        try (Stream<Path> s = Files.list(TestData.projectRoot().resolve("conf/rules"))) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
        }
    }

    /** The structural rule sets among the shipped files (not the seed-query flag tables). */
    static List<Path> shippedStructuralRuleFiles() throws IOException {
        List<Path> out = new java.util.ArrayList<>();
        for (Path p : shippedRuleFiles()) {
            if (!isSeedProfile(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Seed-query compatibility profiles are flag tables; every other file is a structural rule set. */
    static boolean isSeedProfile(Path p) throws IOException {
        return Files.readAllLines(p).stream().anyMatch(l -> l.equals("flags:"));
    }

    @Test
    void everyShippedRuleFileLoads() throws IOException {
        List<Path> files = shippedRuleFiles();
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("default.yaml", "splunk.yaml", "sumo.yaml");
        for (Path f : files) {
            if (isSeedProfile(f)) {
                SeedQueryProfile profile = SeedQueryProfile.load(f);
                assertThat(profile.flagNames()).as(f.toString()).hasSize(6);
                continue;
            }
            RuleSet rules = RuleSetLoader.load(f);
            assertThat(rules.imageRules()).as(f.toString()).isNotEmpty();
            assertThat(rules.commandRules()).as(f.toString()).isNotEmpty();
            assertThat(rules.sensitivePaths()).as(f.toString()).isNotEmpty();
            new Scorer(rules); // compiles every pattern
        }
    }

    @Test
    void aBadPatternFailsNamingFileRuleAndReason() throws IOException {
        String text = Files.readString(TestData.projectRoot().resolve("conf/rules/default.yaml"))
                .replace("pattern: '/dev/(tcp|udp)/'", "pattern: '/dev/(tcp|udp/'");
        Path f = tmp.resolve("broken.yaml");
        Files.writeString(f, text);
        assertThatThrownBy(() -> RuleSetLoader.load(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("signals.shell-command.reverse-shell-dev-tcp")
                .hasMessageContaining("missing closing )");
    }

    @Test
    void backtrackingConstructsAreRejectedBecauseRe2jIsLinearTime() throws IOException {
        String text = Files.readString(TestData.projectRoot().resolve("conf/rules/default.yaml"))
                .replace("pattern: '/dev/(tcp|udp)/'", "pattern: '(a)\\1'");
        Path f = tmp.resolve("backref.yaml");
        Files.writeString(f, text);
        assertThatThrownBy(() -> RuleSetLoader.load(f)).isInstanceOf(ConfigException.class).hasMessageContaining("reverse-shell-dev-tcp");
    }

    @Test
    void unknownKeysAndOutOfRangeWeightsAreRejected() throws IOException {
        String base = Files.readString(TestData.projectRoot().resolve("conf/rules/default.yaml"));
        Path typo = tmp.resolve("typo.yaml");
        Files.writeString(typo, base.replace("  host-network:\n    weight: 15", "  host-netwrok:\n    weight: 15"));
        assertThatThrownBy(() -> RuleSetLoader.load(typo)).hasMessageContaining("unknown key 'host-netwrok'");
        Path heavy = tmp.resolve("heavy.yaml");
        Files.writeString(heavy, base.replace("  host-network:\n    weight: 15", "  host-network:\n    weight: 500"));
        assertThatThrownBy(() -> RuleSetLoader.load(heavy)).hasMessageContaining("signals.host-network.weight");
    }
}
