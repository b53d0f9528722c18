package dev.cronsentinel;

import dev.cronsentinel.config.ConfigException;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.context.ContextStage;
import dev.cronsentinel.context.ProfileBootstrapFunction;
import dev.cronsentinel.context.ScoredActorNamespaceKey;
import dev.cronsentinel.context.SpreadBootstrapFunction;
import dev.cronsentinel.context.SpreadFunction;
import dev.cronsentinel.context.SpreadReplayFunction;
import dev.cronsentinel.context.SpreadSeed;
import dev.cronsentinel.ingest.DecodeFunction;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.score.ActorNamespaceKey;
import dev.cronsentinel.score.RuleSet;
import dev.cronsentinel.score.RuleSetLoader;
import dev.cronsentinel.score.ScoringFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Warms the per-actor baseline from archived audit files, so that the streaming job starts knowing what each
 * actor normally does instead of learning for a whole lookback.
 *
 * <p>A bounded BATCH run over files ({@code input.type: file}) with the job's own code: the same decoder, the
 * same keyed {@link ScoringFunction} (so dedupe and roles are the streaming job's), then the State Processor
 * API writes what {@link ContextStage}'s operators would hold after those events into a new savepoint:
 * the (actor, namespace) profiles and the coverage start under uid {@value ContextStage#UID_PROFILE}, the
 * per-actor spread memory under uid {@value ContextStage#UID_SPREAD}, each with its prune timers. The
 * streaming job then starts from that savepoint; all its other operators start empty.
 *
 * <pre>
 * flink run -c dev.cronsentinel.WarmupJob cronsentinel.jar --config conf/cronsentinel.yaml \
 *     --input.file.paths=/archive/audit/ --savepoint=file:///savepoints/cronsentinel-baseline
 * flink run -s file:///savepoints/cronsentinel-baseline cronsentinel.jar --config conf/cronsentinel.yaml ...
 * </pre>
 *
 * Arguments: those of {@link CronSentinelJob} (the same config file and overrides), plus
 * {@code --savepoint=PATH} (required; a new directory) and {@code --max-parallelism=N} (default 128; must
 * equal the streaming job's {@code pipeline.max-parallelism}, or the job's default of 128 when unset). The
 * context settings ({@code context.*}) must be the same for both runs: they shape the state.
 */
public final class WarmupJob {
    public static final int DEFAULT_MAX_PARALLELISM = 128;

    private WarmupJob() {}

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String savepoint;
        int maxParallelism;
        JobConfig config;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        try {
            savepoint = take(rest, "savepoint");
            if (savepoint == null) {
                throw new ConfigException("warm-up: --savepoint=PATH is required (a new directory for the baseline savepoint)");
            }
            String mp = take(rest, "max-parallelism");
            maxParallelism = parseMaxParallelism(mp);
            config = CronSentinelJob.loadConfig(rest.toArray(new String[0]));
            build(env, config, savepoint, maxParallelism);
        } catch (ConfigException e) {
            System.err.println("cronsentinel warm-up: " + e.getMessage());
            System.exit(2);
            return;
        }
        env.execute("CronSentinel warm-up -> " + savepoint);
    }

    /**
     * Adds the warm-up to {@code env} (switched to BATCH); {@code env.execute()} then writes the savepoint.
     */
    public static void build(StreamExecutionEnvironment env, JobConfig config, String savepointPath, int maxParallelism) {
        if (!"file".equals(config.inputType())) {
            throw ConfigException.forKey("input.type", "the warm-up reads archived files: give input.type=file and input.file.paths");
        }
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        // The State Processor API ships its own bookkeeping (TaggedOperatorSubtaskState) between its operators
        // as a generic type, and gives those operators no uids. So this one-shot job allows both, whatever the
        // cluster's config says: the state it writes is addressed by the streaming job's uids
        // (OperatorIdentifier.forUid), its own operators' state is never restored, and the descriptors are
        // ProfileFunction's and SpreadFunction's with POJO serializers (ContextModelSerializationTest), which
        // the streaming job restores with generic types off.
        Configuration oneShot = new Configuration();
        oneShot.set(PipelineOptions.GENERIC_TYPES, true);
        oneShot.set(PipelineOptions.AUTO_GENERATE_UIDS, true);
        env.configure(oneShot);
        RuleSet rules = RuleSetLoader.load(config.rulesFile());

        DataStream<ScoredEvent> scored = CronSentinelJob.source(env, config)
                .process(new DecodeFunction(config.decoder()))
                .uid(Topology.UID_DECODE)
                .name("decode audit events")
                .keyBy(new ActorNamespaceKey())
                .process(new ScoringFunction(rules, config.decoder(), config.scoring()))
                .uid(Topology.UID_SCORE)
                .name("score by (actor, namespace)");

        StateBootstrapTransformation<ScoredEvent> profiles = OperatorTransformation
                .bootstrapWith(scored)
                .keyBy(new ScoredActorNamespaceKey())
                .transform(new ProfileBootstrapFunction(config.context()));

        DataStream<SpreadSeed> seeds = scored
                .filter(SpreadFunction::counts)
                .uid("warmup-workload-creates")
                .name("workload creates")
                .keyBy(SpreadFunction.KEY)
                .process(new SpreadReplayFunction(config.context()))
                .returns(TypeInformation.of(SpreadSeed.class))
                .uid("warmup-spread-replay")
                .name("replay spreads in event-time order");
        StateBootstrapTransformation<SpreadSeed> spreads = OperatorTransformation
                .bootstrapWith(seeds)
                .keyBy(SpreadSeed::actor, TypeInformation.of(String.class))
                .transform(new SpreadBootstrapFunction(config.context()));

        SavepointWriter.newSavepoint(env, maxParallelism)
                .withOperator(OperatorIdentifier.forUid(ContextStage.UID_PROFILE), profiles)
                .withOperator(OperatorIdentifier.forUid(ContextStage.UID_SPREAD), spreads)
                .write(savepointPath);
    }

    static int parseMaxParallelism(String v) {
        if (v == null) {
            return DEFAULT_MAX_PARALLELISM;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= 32768) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("warm-up: --max-parallelism must be a whole number between 1 and 32768, got '" + v + "'");
    }

    /** Removes {@code --name=value} or {@code --name value} from the arguments and returns the value (null when absent). */
    static String take(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--" + name)) {
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new ConfigException("warm-up: --" + name + " needs a value");
                }
                String v = args.get(i + 1);
                args.remove(i + 1);
                args.remove(i);
                return v;
            }
            if (a.startsWith("--" + name + "=")) {
                args.remove(i);
                return a.substring(name.length() + 3);
            }
        }
        return null;
    }
}
