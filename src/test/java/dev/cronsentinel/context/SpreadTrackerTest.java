package dev.cronsentinel.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ActorSpread;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The spread logic: three namespaces within the window, episodes, habitual spreaders, exits. */
class SpreadTrackerTest {
    static final ContextConfig CFG = ContextConfig.defaults();
    static final long T0 = 1_790_000_000_000L;
    static final long MIN = 60_000L;
    static final long DAY = Duration.ofDays(1).toMillis();

    @Test
    void theThirdNamespaceWithinTheWindowStartsANewSpread() {
        SpreadTracker.Result a = SpreadTracker.observe(null, "a", T0, CFG);
        SpreadTracker.Result b = SpreadTracker.observe(a.state(), "b", T0 + 2 * MIN, CFG);
        SpreadTracker.Result b2 = SpreadTracker.observe(b.state(), "b", T0 + 3 * MIN, CFG);
        assertThat(a.signal()).isNull();
        assertThat(b.signal()).isNull();
        assertThat(b2.signal()).isNull();
        SpreadTracker.Result c = SpreadTracker.observe(b2.state(), "c", T0 + 4 * MIN, CFG);
        assertThat(c.signal()).isNotNull();
        assertThat(c.signal().id()).isEqualTo(ContextSignals.CROSS_NAMESPACE_SPREAD);
        assertThat(c.signal().weight()).isEqualTo(20);
        assertThat(c.signal().path()).isEqualTo("objectRef.namespace");
        assertThat(c.signal().value()).isEqualTo("3 namespaces within 10m: a, b, c");
        // Every further create of the episode carries it too.
        assertThat(SpreadTracker.observe(c.state(), "a", T0 + 6 * MIN, CFG).signal()).isNotNull();
    }

    @Test
    void namespacesFurtherApartThanTheWindowDoNotSpread() {
        SpreadTracker.Result r = SpreadTracker.observe(null, "a", T0, CFG);
        r = SpreadTracker.observe(r.state(), "b", T0 + 6 * MIN, CFG);
        r = SpreadTracker.observe(r.state(), "c", T0 + 12 * MIN, CFG);
        assertThat(r.signal()).isNull();
        assertThat(r.state().recentNamespaces()).containsOnlyKeys("b", "c");
    }

    @Test
    void anActorThatSpreadWithinTheLookbackSpreadsHabitually() {
        ActorSpread s = spreadAt(null, T0).state();
        assertThat(s.episodeNew()).isTrue();
        SpreadTracker.Result nextDay = spreadAt(s, T0 + DAY);
        assertThat(nextDay.signal()).as("habitual").isNull();
        assertThat(nextDay.state().episodeNew()).isFalse();
        // After a whole lookback without spreading, a spread is new again.
        SpreadTracker.Result muchLater = spreadAt(nextDay.state(), T0 + DAY + CFG.lookback().toMillis() + MIN);
        assertThat(muchLater.signal()).isNotNull();
    }

    private static SpreadTracker.Result spreadAt(ActorSpread s, long t) {
        SpreadTracker.Result r = SpreadTracker.observe(s, "x", t, CFG);
        r = SpreadTracker.observe(r.state(), "y", t + MIN, CFG);
        return SpreadTracker.observe(r.state(), "z", t + 2 * MIN, CFG);
    }

    @Test
    void everyPartHasAnExit() {
        ActorSpread s = spreadAt(null, T0).state();
        long lastCreate = T0 + 2 * MIN;
        assertThat(SpreadTracker.nextExpiry(s, CFG)).isEqualTo(T0 + CFG.spreadWindow().toMillis());
        ActorSpread windowGone = SpreadTracker.prune(s, lastCreate + CFG.spreadWindow().toMillis(), CFG);
        assertThat(windowGone.recentNamespaces()).isEmpty();
        assertThat(windowGone.lastSpreadAt()).isEqualTo(lastCreate);
        assertThat(SpreadTracker.nextExpiry(windowGone, CFG)).isEqualTo(lastCreate + CFG.lookback().toMillis());
        assertThat(SpreadTracker.prune(windowGone, lastCreate + CFG.lookback().toMillis(), CFG)).isNull();
    }

    @Test
    void theRecentSetIsBounded() {
        ActorSpread s = null;
        for (int i = 0; i < 100; i++) {
            s = SpreadTracker.observe(s, "ns-" + i, T0 + i * 1000L, CFG).state();
        }
        assertThat(s.recentNamespaces()).hasSize(CFG.spreadMaxNamespaces()).containsKey("ns-99").doesNotContainKey("ns-0");
    }
}
