package dev.cronsentinel.correlate;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.StringTokenizer;

/**
 * Next fire times of CronJob schedules, as the CronJob controller computes them: {@code spec.schedule} in
 * standard five-field cron syntax (plus the {@code @hourly}-style macros and {@code ?} for "any" that
 * Kubernetes accepts), evaluated in {@code spec.timeZone}, or in the controller's own zone when none is given.
 * A {@code CRON_TZ=}/{@code TZ=} prefix, which older clusters accepted inside the schedule, also sets the zone.
 *
 * <p>Not thread-safe: each function instance owns one. Parsed schedules are cached (bounded LRU), because one
 * CronJob's schedule is evaluated again at each of its spawns.
 */
public final class CronSchedules {
    private static final int CACHE_SIZE = 256;
    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    private final ZoneId defaultZone;
    private final CronParser parser = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private final Map<String, Optional<Parsed>> cache = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<Parsed>> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    /**
     * A parsed schedule and the last answer it gave: the first fire strictly after {@code from} is
     * {@code next}, so no fire lies in (from, next) and the answer is {@code next} for every time in
     * [from, next). Roots of one schedule arrive in event-time order, mostly inside that interval, and
     * cron-utils' search costs microseconds (it was a third of the correlation CPU).
     */
    private static final class Parsed {
        final ExecutionTime executionTime;
        final ZoneId zone;
        long from = Long.MAX_VALUE;
        long next;

        Parsed(ExecutionTime executionTime, ZoneId zone) {
            this.executionTime = executionTime;
            this.zone = zone;
        }

        OptionalLong nextAfter(long afterMillis) {
            if (afterMillis >= from && afterMillis < next) {
                return OptionalLong.of(next);
            }
            ZonedDateTime after = ZonedDateTime.ofInstant(Instant.ofEpochMilli(afterMillis), zone);
            Optional<ZonedDateTime> n = executionTime.nextExecution(after);
            if (n.isEmpty()) {
                return OptionalLong.empty();
            }
            long fire = n.get().toInstant().toEpochMilli();
            if (fire > afterMillis) {
                from = afterMillis;
                next = fire;
            }
            return OptionalLong.of(fire);
        }
    }

    public CronSchedules(ZoneId defaultZone) {
        this.defaultZone = defaultZone;
    }

    /**
     * The first fire time strictly after {@code afterMillis}, in epoch millis; empty when the schedule or the
     * time zone cannot be parsed, or the schedule never fires again.
     */
    public OptionalLong nextFireAfter(String schedule, String timeZone, long afterMillis) {
        if (schedule == null) {
            return OptionalLong.empty();
        }
        Optional<Parsed> parsed = cache.computeIfAbsent(schedule + '\u0000' + timeZone, k -> parse(schedule, timeZone));
        if (parsed.isEmpty()) {
            return OptionalLong.empty();
        }
        return parsed.get().nextAfter(afterMillis);
    }

    /** True when the schedule (with its zone) can be evaluated. */
    public boolean parses(String schedule, String timeZone) {
        return schedule != null && cache.computeIfAbsent(schedule + '\u0000' + timeZone, k -> parse(schedule, timeZone)).isPresent();
    }

    private Optional<Parsed> parse(String schedule, String timeZone) {
        List<String> fields = new ArrayList<>();
        StringTokenizer tokens = new StringTokenizer(schedule);
        while (tokens.hasMoreTokens()) {
            fields.add(tokens.nextToken());
        }
        String zoneName = timeZone;
        if (!fields.isEmpty() && (fields.get(0).startsWith("CRON_TZ=") || fields.get(0).startsWith("TZ="))) {
            String prefix = fields.remove(0);
            if (zoneName == null) {
                zoneName = prefix.substring(prefix.indexOf('=') + 1);
            }
        }
        if (fields.size() == 1) {
            String macro = MACROS.get(fields.get(0).toLowerCase(Locale.ROOT));
            if (macro == null) {
                return Optional.empty();
            }
            return parse(macro, zoneName);
        }
        if (fields.size() != 5) {
            return Optional.empty();
        }
        String expr = String.join(" ", fields).replace('?', '*');
        ZoneId zone;
        try {
            zone = zoneName == null || zoneName.isBlank() ? defaultZone : ZoneId.of(zoneName.trim());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
        try {
            Cron cron = parser.parse(expr).validate();
            return Optional.of(new Parsed(ExecutionTime.forCron(cron), zone));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
