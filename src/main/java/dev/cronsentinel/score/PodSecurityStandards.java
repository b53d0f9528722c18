package dev.cronsentinel.score;

import dev.cronsentinel.model.ContainerSecurityFields;
import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.HostPortSpec;
import dev.cronsentinel.model.LabelSpec;
import dev.cronsentinel.model.PodSecurityFields;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.VolumeSpec;
import dev.cronsentinel.model.WorkloadEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The Pod Security Standards controls (kubernetes.io/docs/concepts/security/pod-security-standards, as of
 * Kubernetes v1.33) that the first-release signals do not read. Host namespaces, privileged, hostPath,
 * capabilities from the dangerous list and {@code runAsUser: 0} stay with those signals; the mapping table in
 * {@code docs/DETECTION.md} names the signal of every control.
 *
 * <p>Baseline controls fire {@code pss-baseline}; restricted-only controls fire {@code pss-restricted}. Each
 * fires on a value the profile forbids, never on an absent field, except the restricted rules that require a
 * field to be set ({@code seccomp-not-set}, {@code capabilities-not-dropped},
 * {@code privilege-escalation-not-disabled}): nearly every real workload omits those, so they ship switched off.
 */
final class PodSecurityStandards implements FamilyEvaluator {
    private static final String F = FamilyCatalog.POD_SECURITY;
    private final FamilyRules.Rule hostProcess;
    private final FamilyRules.Rule hostPorts;
    private final FamilyRules.Rule capsBaseline;
    private final Set<String> baselineCaps = new HashSet<>();
    private final FamilyRules.Rule appArmor;
    private final FamilyRules.Rule seLinux;
    private final FamilyRules.Rule procMount;
    private final FamilyRules.Rule seccompUnconfined;
    private final FamilyRules.Rule sysctl;
    private final FamilyRules.Rule volumeType;
    private final FamilyRules.Rule escalation;
    private final FamilyRules.Rule nonRootFalse;
    private final FamilyRules.Rule seccompNotSet;
    private final FamilyRules.Rule notDropped;
    private final FamilyRules.Rule capsRestricted;
    private final Set<String> restrictedCaps = new HashSet<>();

    PodSecurityStandards(FamilyRules rules) {
        hostProcess = rules.rule(F, "host-process");
        hostPorts = rules.rule(F, "host-ports");
        capsBaseline = rules.rule(F, "capability-beyond-baseline");
        appArmor = rules.rule(F, "apparmor-unconfined");
        seLinux = rules.rule(F, "selinux-custom");
        procMount = rules.rule(F, "proc-mount-unmasked");
        seccompUnconfined = rules.rule(F, "seccomp-unconfined");
        sysctl = rules.rule(F, "unsafe-sysctl");
        volumeType = rules.rule(F, "volume-type");
        escalation = rules.rule(F, "privilege-escalation-not-disabled");
        nonRootFalse = rules.rule(F, "run-as-non-root-false");
        seccompNotSet = rules.rule(F, "seccomp-not-set");
        notDropped = rules.rule(F, "capabilities-not-dropped");
        capsRestricted = rules.rule(F, "capability-beyond-restricted");
        if (capsBaseline != null) {
            capsBaseline.values().forEach(c -> baselineCaps.add(RuleSetLoader.normalizeCapability(c)));
        }
        if (capsRestricted != null) {
            capsRestricted.values().forEach(c -> restrictedCaps.add(RuleSetLoader.normalizeCapability(c)));
        }
    }

    @Override
    public void evaluate(WorkloadEvent event, PodTemplate t, List<TemplateSignal> out) {
        String base = t.path();
        PodSecurityFields pod = t.security();
        if (pod != null) {
            String sc = base + ".securityContext";
            if (Boolean.TRUE.equals(pod.windowsHostProcess())) {
                TemplateSignal.add(out, hostProcess, sc + ".windowsOptions.hostProcess", "true", null);
            }
            if (in(appArmor, pod.appArmorType())) {
                TemplateSignal.add(out, appArmor, sc + ".appArmorProfile.type", pod.appArmorType(), null);
            }
            if (in(seccompUnconfined, pod.seccompType())) {
                TemplateSignal.add(out, seccompUnconfined, sc + ".seccompProfile.type", pod.seccompType(), null);
            }
            seLinux(out, sc + ".seLinuxOptions", pod.seLinuxType(), pod.seLinuxUser(), pod.seLinuxRole(), null);
            for (String name : pod.sysctls()) {
                if (sysctl != null && !sysctl.values().contains(name)) {
                    TemplateSignal.add(out, sysctl, sc + ".sysctls", name, null);
                }
            }
            for (LabelSpec a : pod.annotations()) {
                String path = base.substring(0, base.length() - ".spec".length()) + ".metadata.annotations[" + a.key() + "]";
                boolean isAppArmor = a.key().startsWith("container.apparmor.");
                if (in(isAppArmor ? appArmor : seccompUnconfined, a.value())) {
                    TemplateSignal.add(out, isAppArmor ? appArmor : seccompUnconfined, path, a.value(), null);
                }
            }
        }
        if (volumeType != null) {
            for (VolumeSpec v : t.volumes()) {
                if (v.type() != null && !v.type().equals("hostPath") && !volumeType.values().contains(v.type())) {
                    TemplateSignal.add(out, volumeType, v.path() + "." + v.type(), v.type(), null);
                }
            }
        }
        if (Boolean.FALSE.equals(t.runAsNonRoot())) {
            TemplateSignal.add(out, nonRootFalse, base + ".securityContext.runAsNonRoot", "false", null);
        }
        boolean podSeccomp = pod != null && pod.seccompType() != null;
        for (ContainerSpec c : t.containers()) {
            container(out, c, podSeccomp);
        }
    }

    private void container(List<TemplateSignal> out, ContainerSpec c, boolean podSeccomp) {
        String sc = c.path() + ".securityContext";
        String image = c.image();
        List<String> add = c.capabilitiesAdd() == null ? List.of() : c.capabilitiesAdd();
        for (int i = 0; i < add.size(); i++) {
            String cap = RuleSetLoader.normalizeCapability(add.get(i));
            String path = sc + ".capabilities.add[" + i + "]";
            if (capsBaseline != null && !baselineCaps.contains(cap)) {
                TemplateSignal.add(out, capsBaseline, path, add.get(i), image);
            } else if (capsRestricted != null && !restrictedCaps.contains(cap)) {
                TemplateSignal.add(out, capsRestricted, path, add.get(i), image);
            }
        }
        if (Boolean.FALSE.equals(c.runAsNonRoot())) {
            TemplateSignal.add(out, nonRootFalse, sc + ".runAsNonRoot", "false", image);
        }
        if (!Boolean.FALSE.equals(c.allowPrivilegeEscalation())) {
            TemplateSignal.add(out, escalation, sc + ".allowPrivilegeEscalation", String.valueOf(c.allowPrivilegeEscalation()), image);
        }
        ContainerSecurityFields s = c.security();
        if (s == null) {
            return;
        }
        for (HostPortSpec port : s.hostPorts()) {
            TemplateSignal.add(out, hostPorts, port.path(), Long.toString(port.hostPort()), image);
        }
        if (Boolean.TRUE.equals(s.windowsHostProcess())) {
            TemplateSignal.add(out, hostProcess, sc + ".windowsOptions.hostProcess", "true", image);
        }
        if (in(appArmor, s.appArmorType())) {
            TemplateSignal.add(out, appArmor, sc + ".appArmorProfile.type", s.appArmorType(), image);
        }
        if (in(seccompUnconfined, s.seccompType())) {
            TemplateSignal.add(out, seccompUnconfined, sc + ".seccompProfile.type", s.seccompType(), image);
        }
        if (!podSeccomp && s.seccompType() == null) {
            TemplateSignal.add(out, seccompNotSet, sc + ".seccompProfile.type", "(not set)", image);
        }
        if (procMount != null && s.procMount() != null && !procMount.values().contains(s.procMount())) {
            TemplateSignal.add(out, procMount, sc + ".procMount", s.procMount(), image);
        }
        seLinux(out, sc + ".seLinuxOptions", s.seLinuxType(), s.seLinuxUser(), s.seLinuxRole(), image);
        if (!s.capabilitiesDrop().stream().anyMatch(d -> RuleSetLoader.normalizeCapability(d).equals("ALL"))) {
            TemplateSignal.add(out, notDropped, sc + ".capabilities.drop", String.valueOf(s.capabilitiesDrop()), image);
        }
    }

    /** Baseline SELinux: the type must be one of the allowed ones, user and role must not be set. */
    private void seLinux(List<TemplateSignal> out, String path, String type, String user, String role, String image) {
        if (seLinux == null) {
            return;
        }
        if (type != null && !seLinux.values().contains(type)) {
            TemplateSignal.add(out, seLinux, path + ".type", type, image);
        }
        if (user != null && !user.isEmpty()) {
            TemplateSignal.add(out, seLinux, path + ".user", user, image);
        }
        if (role != null && !role.isEmpty()) {
            TemplateSignal.add(out, seLinux, path + ".role", role, image);
        }
    }

    /** True when the rule is on and lists the value (compared as written: the API server's enums are exact). */
    private static boolean in(FamilyRules.Rule rule, String value) {
        return rule != null && value != null && rule.values().contains(value);
    }
}
