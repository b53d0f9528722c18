package dev.cronsentinel.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link PythonRegex} against Python's {@code re}, run by the real python3. */
class PythonRegexTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Every single-character construct the translator emits, checked over all code points (surrogates
     * aside, which a Java string cannot hold alone in sequence): the set each matches is Python's.
     */
    @Test
    void singleCharacterConstructsMatchWhatPythonMatchesOverAllCodePoints() throws Exception {
        List<String> patterns = new ArrayList<>(List.of("\\s", "\\S", ".", "(?i)\\s", "(?i).", "(?i)-", "(?i)/",
                "(?i)6", "(?i) ", "\\+", "\\.", "K", "k", "i", "\\/", "(?i)\\+"));
        for (char c = 'a'; c <= 'z'; c++) {
            patterns.add("(?i)" + c);
            patterns.add("(?i)" + Character.toUpperCase(c));
        }
        StringBuilder stdin = new StringBuilder();
        for (String p : patterns) {
            stdin.append(JSON.writeValueAsString(p)).append('\n');
        }
        List<String> python = PythonProcess.script(String.join("\n",
                "import sys, json, re",
                "def ranges(cps):",
                "    out = []",
                "    for c in cps:",
                "        if out and out[-1][1] == c - 1: out[-1][1] = c",
                "        else: out.append([c, c])",
                "    return out",
                "s = ''.join(chr(c) for c in range(0x110000) if not 0xd800 <= c <= 0xdfff)",
                "for l in sys.stdin:",
                "    print(json.dumps(ranges([ord(m.group()) for m in re.finditer(json.loads(l), s)])))"),
                stdin.toString());
        assertThat(python).hasSize(patterns.size());

        StringBuilder all = new StringBuilder();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                all.appendCodePoint(cp);
            }
        }
        String text = all.toString();
        for (int i = 0; i < patterns.size(); i++) {
            Matcher m = PythonRegex.compile(patterns.get(i)).matcher(text);
            List<int[]> ranges = new ArrayList<>();
            while (m.find()) {
                int cp = text.codePointAt(m.start());
                if (!ranges.isEmpty() && ranges.get(ranges.size() - 1)[1] == cp - 1) {
                    ranges.get(ranges.size() - 1)[1] = cp;
                } else {
                    ranges.add(new int[] {cp, cp});
                }
            }
            assertThat(JSON.writeValueAsString(ranges)).as("pattern %s", patterns.get(i))
                    .isEqualTo(python.get(i).replace(" ", ""));
        }
    }

    /**
     * The seed patterns of both rule files, and a few more, searched in crafted strings and in thousands of
     * random strings over an alphabet of their letters and of Unicode traps: found exactly when Python's
     * {@code re.search} finds them.
     */
    @Test
    void seedPatternsAreFoundExactlyWherePythonFindsThem() throws Exception {
        List<String> patterns = new ArrayList<>();
        for (String profile : List.of("splunk", "sumo")) {
            for (SeedQueryProfile.Flag f : SeedQueryProfile.loadBuiltIn(Path.of("conf"), profile).flags()) {
                patterns.add(f.pythonPattern());
            }
        }
        patterns.addAll(List.of("(?i)a.*?b", "x+?y", "(?:ab)?c", "(?i)(?:k|s)+", "a|", "\\S+\\s"));
        List<String> texts = new ArrayList<>(List.of("", "bash -i", "bash\u00a0-i", "bash\u2003\u2003-i",
                "bash\u000b-i", "bash\u001c-i", "bash\u0085-i", "bash\u200b-i", "BASH -I", "baſh -İ", "\u212aali",
                "ALPİNE", "alpıne", "mkfıfo", "privileged\ntrue", "privileged\rtrue", "/var/run/docker\nsock",
                "/var/run/dockerXsock", "nc\u3000x", "nc", "perl\u2028-e", "chmod \u00a0+x", "\"privileged\":false,"
                + "\"x\":true", "hostNetwork\u2029true", "python\t\t-c", "CHMOD +X", "ncAT", "/PROC", "/Sys"));
        Random random = new Random(20261123L);
        String alphabet = "abcdehiklmnoprstuvwy+-./\\\"':_ Kk\u212aſİı\u00a0\u2003\u0085\u000b\u001c\u2028\n\r\tIBSÅ";
        for (int n = 0; n < 3000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(24);
            for (int i = 0; i < len; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            // Seed most strings with a pattern word so that near misses, not just misses, are common.
            if (random.nextBoolean()) {
                String[] words = {"bash", "nc", "perl", "chmod", "base64", "/bin/sh", "privileged", "hostNetwork",
                    "kali", "socat", "mkfifo", "/dev/tcp", "docker", "true", "python", "ruby", "-i", "-e", "-c"};
                sb.insert(random.nextInt(sb.length() + 1), words[random.nextInt(words.length)]);
            }
            texts.add(sb.toString());
        }
        StringBuilder stdin = new StringBuilder(JSON.writeValueAsString(patterns)).append('\n');
        for (String t : texts) {
            stdin.append(JSON.writeValueAsString(t)).append('\n');
        }
        List<String> python = PythonProcess.script(String.join("\n",
                "import sys, json, re",
                "lines = sys.stdin.read().split('\\n')",
                "pats = [re.compile(p) for p in json.loads(lines[0])]",
                "for l in lines[1:]:",
                "    if l: print(''.join('1' if p.search(json.loads(l)) else '0' for p in pats))"), stdin.toString());
        assertThat(python).hasSize(texts.size());
        List<Pattern> compiled = new ArrayList<>();
        for (String p : patterns) {
            compiled.add(PythonRegex.compile(p));
        }
        int hits = 0;
        for (int i = 0; i < texts.size(); i++) {
            StringBuilder java = new StringBuilder();
            for (Pattern p : compiled) {
                boolean found = p.matcher(texts.get(i)).find();
                hits += found ? 1 : 0;
                java.append(found ? '1' : '0');
            }
            assertThat(java.toString()).as("text %s", JSON.writeValueAsString(texts.get(i))).isEqualTo(python.get(i));
        }
        assertThat(hits).as("the strings hit the patterns often enough to matter").isGreaterThan(1000);
    }

    @Test
    void whitespaceAndCaseFoldingAreExplicitClassesNotRe2jsOwn() {
        assertThat(PythonRegex.translate("bash\\s+-i")).doesNotContain("\\s").contains("\\x{a0}", "\\x{3000}");
        assertThat(PythonRegex.translate("(?i)ki")).doesNotContain("(?i)")
                .isEqualTo("[Kk\\x{212a}][Ii\\x{130}\\x{131}]");
        assertThat(PythonRegex.translate("docker.sock")).isEqualTo("docker.sock");
        assertThat(PythonRegex.translate("docker\\.sock")).isEqualTo("docker\\x{2e}sock");
    }

    /** Patterns Python itself rejects: refused with Python's reason. */
    @ParameterizedTest
    @ValueSource(strings = {"(abc", "abc)", "*a", "a**", "a+*", "a|*", "\\", "(?i)(?i"})
    void patternsPythonRejectsAreRefused(String pattern) throws Exception {
        List<String> python = PythonProcess.script(String.join("\n",
                "import sys, json, re",
                "try:",
                "    re.compile(json.loads(sys.stdin.read()))",
                "    print('compiled')",
                "except re.error as e:",
                "    print('error')"), JSON.writeValueAsString(pattern));
        assertThat(python).containsExactly("error");
        assertThatThrownBy(() -> PythonRegex.translate(pattern)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at position");
    }

    /** Valid Python that the subset does not translate: refused, never approximated. */
    @ParameterizedTest
    @ValueSource(strings = {"[a-z]", "a{2}", "^a", "a$", "\\d", "\\w", "\\b", "a(?i)b", "(?i:a)", "(?P<n>a)",
        "a*+", "(?i)é", "\\n"})
    void validPythonOutsideTheSubsetIsRefused(String pattern) {
        assertThatThrownBy(() -> PythonRegex.translate(pattern)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at position");
    }
}
