package dev.cronsentinel.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronsentinel.config.ConfigException;
import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.testing.Pipelines;
import dev.cronsentinel.testing.TestData;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crafted command line cannot stall a TaskManager: every pattern, shipped or user-supplied, runs in linear
 * time, and patterns that could not are rejected at start.
 *
 * <p>Linearity is measured, not timed: the input is a {@link CharSequence} that counts how often the regex
 * engine reads a character. RE2J reads each character a bounded number of times whatever the input, so the
 * count grows in proportion to the input; a backtracking engine re-reads the input once per failed starting
 * point, so the count grows with its square. The JDK engine, fed the same input through the same shipped
 * pattern, exhausts a read budget that RE2J stays far below; that is the stall this project rules out.
 */
class PatternSafetyTest {
    /** Units that start a match of some shipped rule but never complete one, repeated into long lines. */
    private static final List<String> ADVERSARIAL_UNITS = List.of(
            "a", "a ", " ", "curl ", "wget x ", "nc -x ", "ncat ", "base64 ", "bash -", "sh ", "python -",
            "nsenter ", "chroot /ho", "/dev/tc", "169.254.169.", "stratum+", "mkfifo", "\\", "$(", "${", "xmrig",
            "-----", "AAAA", "curl chmod ", "/usr/bin/", "(", "'");

    @TempDir
    Path tmp;

    /** Every pattern the job runs on attacker-controlled text, by where it comes from. */
    static Map<String, String> shippedPatterns() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Path f : RuleFilesTest.shippedStructuralRuleFiles()) {
            RuleSet rules = RuleSetLoader.load(f);
            for (RuleSet.PatternRule r : rules.imageRules()) {
                out.put(f.getFileName() + " suspicious-image." + r.rule(), r.pattern());
            }
            for (RuleSet.PatternRule r : rules.commandRules()) {
                out.put(f.getFileName() + " shell-command." + r.rule(), r.pattern());
            }
            for (RuleSet.AllowlistEntry a : rules.allowlists()) {
                for (String[] p : new String[][] {{"namespace", a.namespace()}, {"actor", a.actor()}}) {
                    if (p[1] != null) {
                        out.put(f.getFileName() + " allowlists." + a.id() + "." + p[0], p[1]);
                    }
                }
            }
        }
        out.put("ingest.out-of-scope-pod-creators", DecoderConfig.DEFAULT_OUT_OF_SCOPE_POD_CREATORS);
        // The scorer's own normalisation patterns (env references, base64 tokens) read attacker text too.
        for (Field f : Scorer.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == com.google.re2j.Pattern.class) {
                f.setAccessible(true);
                try {
                    out.put("Scorer." + f.getName(), ((com.google.re2j.Pattern) f.get(null)).pattern());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    @Test
    void everyShippedPatternReadsLongAdversarialLinesInLinearWork() throws IOException {
        Map<String, String> patterns = shippedPatterns();
        assertThat(patterns).hasSizeGreaterThan(20);
        int n = 20_000;
        int checked = 0;
        for (Map.Entry<String, String> p : patterns.entrySet()) {
            com.google.re2j.Pattern re2j = com.google.re2j.Pattern.compile(p.getValue());
            for (String unit : ADVERSARIAL_UNITS) {
                int k = n / unit.length();
                String small = unit.repeat(k);
                String large = unit.repeat(4 * k);
                if (re2j.matcher(small).find()) {
                    continue; // a line that matches stops early; only a full scan shows the cost
                }
                long readsSmall = re2jReads(re2j, small);
                long readsLarge = re2jReads(re2j, large);
                assertThat(readsLarge).as("%s on '%s' x %d: reads of a 4x longer line (short line: %d reads)", p.getKey(), unit, 4 * k, readsSmall)
                        .isLessThanOrEqualTo(4 * readsSmall + 64);
                assertThat(readsLarge).as("%s on '%s': reads per character", p.getKey(), unit)
                        .isLessThanOrEqualTo(4L * large.length());
                checked++;
            }
        }
        assertThat(checked).as("pattern/input pairs scanned in full").isGreaterThan(500);
    }

    @Test
    void theSameShippedPatternsBacktrackQuadraticallyInTheJdkEngine() throws IOException {
        Map<String, String> patterns = shippedPatterns();
        String line = "curl ".repeat(10_000); // 50,000 characters, no pipe, no chmod
        long budget = 200L * line.length();
        for (String rule : List.of("default.yaml shell-command.download-pipe-shell", "default.yaml shell-command.download-chmod-exec")) {
            String pattern = patterns.get(rule);
            assertThat(pattern).as(rule).isNotNull();
            long re2j = re2jReads(com.google.re2j.Pattern.compile(pattern), line);
            assertThat(re2j).as("RE2J reads for %s", rule).isLessThanOrEqualTo(4L * line.length());
            CountingChars chars = new CountingChars(line, budget);
            assertThatThrownBy(() -> java.util.regex.Pattern.compile(pattern).matcher(chars).find())
                    .as("java.util.regex on %s", rule)
                    .isInstanceOf(BudgetExceeded.class);
        }
    }

    @Test
    void aMegabyteCraftedCommandLineIsScoredWithTheShippedRules() {
        // Under a backtracking engine this line would cost about 10^11 steps in download-pipe-shell alone.
        String line = "curl a ".repeat(150_000) + "| sh";
        ScoredEvent s = TestData.defaultScorer().score(EvasionAndAllowlistTest.cronJob("ns", "mallory",
                List.of(EvasionAndAllowlistTest.container("alpine", List.of("sh", "-c"), List.of(line), List.of())), List.of()),
                EventRole.WORKLOAD);
        assertThat(s.signals()).extracting(Signal::rule).contains("download-pipe-shell", "shell-wrapper");
        assertThat(s.signals()).allSatisfy(sig -> assertThat(sig.value().length()).isLessThan(300));
        assertThat(s.alertable()).isTrue();
    }

    @Test
    void userPatternsThatNeedBacktrackingAreRejectedAtStartNamingFileRuleAndReason() throws IOException {
        String base = Files.readString(TestData.projectRoot().resolve("conf/rules/default.yaml"));
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("lookahead.yaml", new String[] {
                "namespace: '^(security-scan|kube-bench|trivy-system)$'",
                "namespace: '^(?=sec)security-scan$'", "allowlists.security-scanners.namespace"});
        cases.put("lookbehind.yaml", new String[] {
                "actor: '^system:serviceaccount:data-pipelines:airflow$'", "actor: '(?<=system:)serviceaccount'",
                "allowlists.data-pipelines.actor"});
        cases.put("backreference.yaml", new String[] {
                "namespace: '^data-pipelines$'", "namespace: '^(data)-\\1$'", "allowlists.data-pipelines.namespace"});
        cases.put("possessive.yaml", new String[] {
                "pattern: '\\bsocat\\b'", "pattern: '\\bso*+cat\\b'", "signals.shell-command.socat"});
        cases.put("atomic-group.yaml", new String[] {
                "pattern: '(xmrig|monero|minerd|cpuminer|nicehash|ethminer|nanominer|t-rex|phoenixminer|lolminer)'",
                "pattern: '(?>xmrig|monero)'", "signals.suspicious-image.cryptominer-image"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            String[] edit = c.getValue();
            assertThat(base).as(c.getKey()).contains(edit[0]);
            Path f = tmp.resolve(c.getKey());
            Files.writeString(f, base.replace(edit[0], edit[1]));
            assertThatThrownBy(() -> RuleSetLoader.load(f))
                    .as(c.getKey())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(f.toString())
                    .hasMessageContaining(edit[2])
                    .hasMessageContaining("invalid RE2J pattern");
        }
        assertThatThrownBy(() -> Pipelines.jobConfig("input.file.paths", "x", "ingest.out-of-scope-pod-creators", "^(?!system:)"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ingest.out-of-scope-pod-creators")
                .hasMessageContaining("malformed pattern");
    }

    // ------------------------------------------------------------------------------------------ counting

    static long re2jReads(com.google.re2j.Pattern pattern, String text) {
        CountingChars chars = new CountingChars(text, Long.MAX_VALUE);
        pattern.matcher(chars).find();
        return chars.reads;
    }

    /** Control flow: the engine read more characters than the budget allows. */
    static final class BudgetExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BudgetExceeded(long budget) {
            super("more than " + budget + " character reads", null, false, false);
        }
    }

    /** A string that counts every character read through it and stops the reader past a budget. */
    static final class CountingChars implements CharSequence {
        private final String text;
        private final long budget;
        long reads;

        CountingChars(String text, long budget) {
            this.text = text;
            this.budget = budget;
        }

        @Override
        public char charAt(int index) {
            if (++reads > budget) {
                throw new BudgetExceeded(budget);
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
