package dev.cronsentinel.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.StateMigrationException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keyed state holding a Java record survives a new version of that record across a snapshot and restore, on
 * both state backends: the rules that {@code docs/OPERATIONS.md} gives for changing model records.
 *
 * <p>Flink 2.2 serializes records with its {@code PojoSerializer}. A snapshot stores the record's class name and
 * its fields by name, each with its own serializer's snapshot; a restore matches the stored fields to the new
 * class by name. Each test compiles two versions of the same record (with a nested record, a list of them and an
 * enum, the shapes the model uses) into separate class loaders, writes state with the first, snapshots, and
 * restores into an operator whose user code has the second, as a job restarted from a savepoint with a new jar.
 */
class StateSchemaEvolutionTest {
    enum Backend {
        HASHMAP, ROCKSDB;

        StateBackend create() {
            return this == HASHMAP ? new HashMapStateBackend() : new EmbeddedRocksDBStateBackend();
        }
    }

    private static final String V1 = """
            package dev.cronsentinel.evolution;
            public record Root(String key, String user, int score, java.util.List<Root.Sig> signals, Root.Level level) {
                public record Sig(String id, int weight) {}
                public enum Level { LOW, HIGH }
            }
            """;

    @TempDir
    Path dir;

    // ------------------------------------------------------------------------------------------ what is restorable

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aComponentAddedAtTheEndRestoresAsItsDefault(Backend backend) throws Exception {
        Object restored = writeThenRestore(backend, """
                package dev.cronsentinel.evolution;
                public record Root(String key, String user, int score, java.util.List<Root.Sig> signals, Root.Level level,
                        String ruleVersion, long firstSeen) {
                    public record Sig(String id, int weight) {}
                    public enum Level { LOW, HIGH }
                }
                """);
        assertKeptTheOldComponents(restored);
        assertThat(component(restored, "ruleVersion")).isNull();
        assertThat(component(restored, "firstSeen")).isEqualTo(0L);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aComponentAddedInTheMiddleRestoresBecauseFieldsMatchByName(Backend backend) throws Exception {
        Object restored = writeThenRestore(backend, """
                package dev.cronsentinel.evolution;
                public record Root(String key, String team, String user, int score, java.util.List<Root.Sig> signals,
                        Root.Level level) {
                    public record Sig(String id, int weight) {}
                    public enum Level { LOW, HIGH }
                }
                """);
        assertKeptTheOldComponents(restored);
        assertThat(component(restored, "team")).isNull();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRemovedComponentIsDroppedAndTheRestStays(Backend backend) throws Exception {
        Object restored = writeThenRestore(backend, """
                package dev.cronsentinel.evolution;
                public record Root(String key, String user, java.util.List<Root.Sig> signals, Root.Level level) {
                    public record Sig(String id, int weight) {}
                    public enum Level { LOW, HIGH }
                }
                """);
        assertThat(component(restored, "user")).isEqualTo("mallory");
        assertThat(component(restored, "level").toString()).isEqualTo("HIGH");
        assertThat(component(restored, "signals").toString()).isEqualTo("[Sig[id=host-path, weight=40]]");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aNestedRecordAndAnEnumEvolveToo(Backend backend) throws Exception {
        Object restored = writeThenRestore(backend, """
                package dev.cronsentinel.evolution;
                public record Root(String key, String user, int score, java.util.List<Root.Sig> signals, Root.Level level) {
                    public record Sig(String id, int weight, String path) {}
                    public enum Level { LOW, MEDIUM, HIGH, CRITICAL }
                }
                """);
        assertThat(component(restored, "level").toString()).as("enum constants match by name").isEqualTo("HIGH");
        assertThat(component(restored, "signals").toString()).isEqualTo("[Sig[id=host-path, weight=40, path=null]]");
        assertThat(component(restored, "score")).isEqualTo(70);
    }

    // ------------------------------------------------------------------------------------------ what is not

    /** A rename is a removal plus an addition: the restore succeeds and the renamed component's data is gone. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRenamedComponentSilentlyLosesItsValue(Backend backend) throws Exception {
        Object restored = writeThenRestore(backend, """
                package dev.cronsentinel.evolution;
                public record Root(String key, String username, int score, java.util.List<Root.Sig> signals, Root.Level level) {
                    public record Sig(String id, int weight) {}
                    public enum Level { LOW, HIGH }
                }
                """);
        assertThat(component(restored, "username")).isNull();
        assertThat(component(restored, "score")).isEqualTo(70);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aComponentWhoseTypeChangedCannotBeRestored(Backend backend) {
        assertThatThrownBy(() -> writeThenRestore(backend, """
                package dev.cronsentinel.evolution;
                public record Root(String key, String user, long score, java.util.List<Root.Sig> signals, Root.Level level) {
                    public record Sig(String id, int weight) {}
                    public enum Level { LOW, HIGH }
                }
                """)).hasRootCauseInstanceOf(StateMigrationException.class);
    }

    /** Even a constant no state entry uses: the enum serializer maps every stored constant by name. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void anEnumConstantCannotBeRemoved(Backend backend) {
        assertThatThrownBy(() -> writeThenRestore(backend, """
                package dev.cronsentinel.evolution;
                public record Root(String key, String user, int score, java.util.List<Root.Sig> signals, Root.Level level) {
                    public record Sig(String id, int weight) {}
                    public enum Level { HIGH, MEDIUM }
                }
                """)).hasStackTraceContaining("Could not restore keyed state backend");
    }

    /** The snapshot names the class: state written by {@code Root} does not restore into {@code Link}. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRenamedRecordClassCannotBeRestored(Backend backend) {
        assertThatThrownBy(() -> writeThenRestore(backend, "Link", """
                package dev.cronsentinel.evolution;
                public record Link(String key, String user, int score, java.util.List<Link.Sig> signals, Link.Level level) {
                    public record Sig(String id, int weight) {}
                    public enum Level { LOW, HIGH }
                }
                """)).hasStackTraceContaining("dev.cronsentinel.evolution.Root");
    }

    // ------------------------------------------------------------------------------------------ the harness

    private Object writeThenRestore(Backend backend, String v2) throws Exception {
        return writeThenRestore(backend, "Root", v2);
    }

    /**
     * Writes {@code Root("root-1", "mallory", 70, [Sig("host-path", 40)], HIGH)} into keyed value state with
     * {@link #V1}, snapshots, restores the snapshot into a fresh operator whose user code is {@code v2} (a record
     * named {@code v2Name}), and returns the value the restored state holds for that key, as an instance of the
     * new class.
     */
    private Object writeThenRestore(Backend backend, String v2Name, String v2) throws Exception {
        ClassLoader v1Loader = compile("v1", "Root", V1);
        Class<?> rootV1 = v1Loader.loadClass("dev.cronsentinel.evolution.Root");
        assertThat(TypeInformation.of(rootV1)).as("a record is a Flink POJO").isInstanceOf(PojoTypeInfo.class);
        Object sig = v1Loader.loadClass("dev.cronsentinel.evolution.Root$Sig").getConstructors()[0].newInstance("host-path", 40);
        Object high = enumConstant(v1Loader.loadClass("dev.cronsentinel.evolution.Root$Level"), "HIGH");
        Object written = rootV1.getConstructors()[0].newInstance("root-1", "mallory", 70, List.of(sig), high);

        OperatorSubtaskState snapshot;
        try (var h = harness(backend, v1Loader, rootV1)) {
            h.open();
            h.processElement(new StreamRecord<>(written, 1L));
            assertThat(h.extractOutputValues()).as("nothing held before").isEmpty();
            snapshot = h.snapshot(1L, 1L);
        }

        ClassLoader v2Loader = compile("v2", v2Name, v2);
        Class<?> rootV2 = v2Loader.loadClass("dev.cronsentinel.evolution." + v2Name);
        assertThat(rootV2).isNotEqualTo(rootV1);
        try (var h = harness(backend, v2Loader, rootV2)) {
            h.initializeState(snapshot);
            h.open();
            // A later element of the same key: the function emits what the state held, i.e. the restored value.
            h.processElement(new StreamRecord<>(probe(rootV2), 2L));
            List<Object> out = new ArrayList<>(h.extractOutputValues());
            assertThat(out).hasSize(1);
            assertThat(out.get(0)).isInstanceOf(rootV2);
            return out.get(0);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Object, Object> harness(
            Backend backend, ClassLoader userCode, Class<?> type) throws Exception {
        MockEnvironment env = new MockEnvironmentBuilder().setUserCodeClassLoader(userCode).setMaxParallelism(128).build();
        @SuppressWarnings("unchecked")
        TypeInformation<Object> info = (TypeInformation<Object>) TypeInformation.of(type);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new PreviousValueFunction(info)),
                new FirstComponentKey(), Types.STRING, env);
        h.setStateBackend(backend.create());
        return h;
    }

    /** Keeps the latest element per key in value state and emits the value it replaces. */
    static final class PreviousValueFunction extends KeyedProcessFunction<String, Object, Object> {
        private static final long serialVersionUID = 1L;
        private final TypeInformation<Object> type;
        private transient ValueState<Object> last;

        PreviousValueFunction(TypeInformation<Object> type) {
            this.type = type;
        }

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
            last = getRuntimeContext().getState(new ValueStateDescriptor<>("last", type));
        }

        @Override
        public void processElement(Object value, Context ctx, Collector<Object> out) throws Exception {
            Object previous = last.value();
            if (previous != null) {
                out.collect(previous);
            }
            last.update(value);
        }
    }

    /** The record's first component ({@code key} in every version). */
    static final class FirstComponentKey implements KeySelector<Object, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Object value) throws Exception {
            return (String) value.getClass().getRecordComponents()[0].getAccessor().invoke(value);
        }
    }

    /** An instance of the new class with the same key and default everything else. */
    private static Object probe(Class<?> root) throws Exception {
        RecordComponent[] components = root.getRecordComponents();
        Object[] args = new Object[components.length];
        args[0] = "root-1";
        for (int i = 1; i < components.length; i++) {
            Class<?> t = components[i].getType();
            args[i] = t == int.class ? 0 : t == long.class ? 0L : t == boolean.class ? false : null;
        }
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        return root.getDeclaredConstructor(types).newInstance(args);
    }

    private static void assertKeptTheOldComponents(Object restored) throws Exception {
        assertThat(component(restored, "key")).isEqualTo("root-1");
        assertThat(component(restored, "user")).isEqualTo("mallory");
        assertThat(component(restored, "score")).isEqualTo(70);
        assertThat(component(restored, "signals").toString()).isEqualTo("[Sig[id=host-path, weight=40]]");
        assertThat(component(restored, "level").toString()).isEqualTo("HIGH");
    }

    private static Object component(Object record, String name) throws Exception {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            if (c.getName().equals(name)) {
                return c.getAccessor().invoke(record);
            }
        }
        throw new AssertionError(record.getClass() + " has no component " + name);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> type, String name) {
        return Enum.valueOf((Class) type, name);
    }

    /** Compiles one version of the record into its own folder and class loader (parent: the test class path). */
    private ClassLoader compile(String version, String className, String source) throws IOException {
        Path src = dir.resolve(version + "-src/dev/cronsentinel/evolution/" + className + ".java");
        Path out = dir.resolve(version + "-classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(out);
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "17", "-d", out.toString(), src.toString());
        if (rc != 0) {
            throw new UncheckedIOException(new IOException("javac failed for " + version));
        }
        return new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader());
    }
}
