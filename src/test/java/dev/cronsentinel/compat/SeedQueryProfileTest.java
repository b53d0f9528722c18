package dev.cronsentinel.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Loading and validating the rule files of the seed-query profiles. */
class SeedQueryProfileTest {
    private static final Path CONF = Path.of("conf");

    @TempDir
    Path dir;

    /** The committed rule files hold the oracle's tables: same flags, same patterns, same order. */
    @Test
    void builtInProfilesAreTheOraclesTables() throws IOException {
        List<String> python = PythonProcess.script(String.join("\n",
                "import sys, json",
                "sys.path.insert(0, " + new ObjectMapper().writeValueAsString(PythonProcess.ORACLE.getParent().toString())
                        + ")",
                "import seed_queries",
                "print(json.dumps({n: list(p.items()) for n, p in seed_queries.PROFILES.items()}))"), "");
        JsonNode oracle = new ObjectMapper().readTree(python.get(0));
        List<String> names = new ArrayList<>();
        oracle.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("splunk", "sumo");
        for (String name : names) {
            SeedQueryProfile profile = SeedQueryProfile.loadBuiltIn(CONF, name);
            assertThat(profile.name()).isEqualTo(name);
            assertThat(profile.version()).isNotBlank();
            List<List<String>> expected = new ArrayList<>();
            for (Iterator<JsonNode> it = oracle.get(name).elements(); it.hasNext(); ) {
                JsonNode pair = it.next();
                expected.add(List.of(pair.get(0).asText(), pair.get(1).asText()));
            }
            List<List<String>> actual = new ArrayList<>();
            for (SeedQueryProfile.Flag f : profile.flags()) {
                actual.add(List.of(f.name(), f.pythonPattern()));
            }
            assertThat(actual).as(name).containsExactlyElementsOf(expected);
            assertThat(profile.flagNames()).hasSize(6);
        }
    }

    @Test
    void aBadPatternNamesTheFileTheFlagAndTheReason() throws IOException {
        Path file = write("bad.yaml", "profile: bad\nversion: \"1\"\nflags:\n"
                + "  - name: Fine\n    pattern: 'hostPath'\n"
                + "  - name: Broken\n    pattern: '(curl|wget'\n");
        assertThatThrownBy(() -> SeedQueryProfile.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("flag 'Broken'")
                .hasMessageContaining("(curl|wget")
                .hasMessageContaining("missing ), unterminated subpattern");
    }

    @Test
    void aPatternOutsideTheTranslatableSubsetIsRefusedWithItsReason() throws IOException {
        Path file = write("classes.yaml", "profile: x\nversion: \"1\"\nflags:\n  - name: Img\n    pattern: '[a-z]+'\n");
        assertThatThrownBy(() -> SeedQueryProfile.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("flag 'Img'").hasMessageContaining("not supported");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "version: \"1\"\nflags:\n  - name: A\n    pattern: 'a'\n",
        "profile: x\nflags:\n  - name: A\n    pattern: 'a'\n",
        "profile: x\nversion: 1\nflags:\n  - name: A\n    pattern: 'a'\n",
        "profile: x\nversion: \"1\"\n",
        "profile: x\nversion: \"1\"\nflags: []\n",
        "profile: x\nversion: \"1\"\nflags:\n  - name: A\n",
        "profile: x\nversion: \"1\"\nflags:\n  - name: A\n    pattern: ''\n",
        "profile: x\nversion: \"1\"\nflags:\n  - name: A\n    pattern: 5\n",
        "profile: x\nversion: \"1\"\nflags:\n  - name: A\n    pattern: 'a'\n  - name: A\n    pattern: 'b'\n",
        "profile: x\nversion: \"1\"\nflags:\n  - name: SuspicionScore\n    pattern: 'a'\n",
        "profile: x\nversion: \"1\"\nflags:\n  - name: 'has space'\n    pattern: 'a'\n",
        "profile: x\nversion: \"1\"\nflags:\n  - name: A\n    pattern: 'a'\n    weight: 2\n",
        "profile: x\nversion: \"1\"\nflag:\n  - name: A\n    pattern: 'a'\n",
        "profile: X Y\nversion: \"1\"\nflags:\n  - name: A\n    pattern: 'a'\n",
        "profile: x\nprofile: y\nversion: \"1\"\nflags:\n  - name: A\n    pattern: 'a'\n",
        "- just\n- a list\n",
        "profile: [unclosed\n",
    })
    void anInvalidFileFailsNamingTheFile(String yaml) throws IOException {
        Path file = write("invalid.yaml", yaml);
        assertThatThrownBy(() -> SeedQueryProfile.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("rule file " + file);
    }

    @Test
    void loadBuiltInRequiresTheFileToDeclareTheRequestedProfile() throws IOException {
        Files.createDirectories(dir.resolve("rules"));
        Files.writeString(dir.resolve("rules").resolve("sumo.yaml"),
                "profile: splunk\nversion: \"1\"\nflags:\n  - name: A\n    pattern: 'a'\n");
        assertThatThrownBy(() -> SeedQueryProfile.loadBuiltIn(dir, "sumo")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("declares profile 'splunk', expected 'sumo'");
        assertThatThrownBy(() -> SeedQueryProfile.loadBuiltIn(dir, "missing")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.yaml").hasMessageContaining("cannot read");
        assertThatThrownBy(() -> SeedQueryProfile.loadBuiltIn(dir, "../etc/passwd"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("profile name");
    }

    /** The client loads the profile and ships it inside a function: it must survive Java serialisation. */
    @Test
    void aProfileSurvivesJavaSerialisation() throws Exception {
        SeedQueryProfile profile = SeedQueryProfile.loadBuiltIn(CONF, "sumo");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(profile);
        }
        SeedQueryProfile copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (SeedQueryProfile) in.readObject();
        }
        assertThat(copy.flagNames()).isEqualTo(profile.flagNames());
        assertThat(copy.version()).isEqualTo(profile.version());
        String body = "{\"x\":\"\u212aALI BAſH -İ\"}";
        for (int i = 0; i < profile.flags().size(); i++) {
            assertThat(copy.flags().get(i).pattern().matcher(body).find())
                    .isEqualTo(profile.flags().get(i).pattern().matcher(body).find());
        }
        assertThat(copy.flags().get(0).pattern().matcher(body).find()).isTrue();
        assertThat(copy.flags().get(1).pattern().matcher(body).find()).isTrue();
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
