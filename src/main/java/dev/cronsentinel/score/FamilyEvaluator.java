package dev.cronsentinel.score;

import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.WorkloadEvent;
import java.util.List;

/** One detection family: pure code over one pod template of an event and the family's rules as data. */
interface FamilyEvaluator {
    void evaluate(WorkloadEvent event, PodTemplate template, List<TemplateSignal> out);
}
