package dev.cronsentinel.score;

import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.prefilter.PrefilteredPattern;
import java.util.List;

/**
 * Where an image comes from and what it calls itself, after {@link ImageReference} normalisation:
 * <ul>
 *   <li>{@code bare-ip-public} / {@code bare-ip-private}: the registry is an IPv4 address (with or without a
 *       port): nobody's registry has a name, so it is a throwaway host; private ranges (RFC 1918, loopback,
 *       link-local) weigh less, in-cluster registries do exist;</li>
 *   <li>{@code system-image-impersonation}: the repository's last segment is a well-known system image
 *       (pattern) but the {@code registry/repository} starts with none of the official prefixes (values);</li>
 *   <li>{@code mining-name}: the repository names mining in general words ({@code miner}, {@code cryptominer},
 *       ...), past the specific miner names of {@code suspicious-image}.</li>
 * </ul>
 */
final class ImageProvenance implements FamilyEvaluator {
    private final FamilyRules.Rule publicIp;
    private final FamilyRules.Rule privateIp;
    private final FamilyRules.Rule impersonation;
    private final PrefilteredPattern systemImage;
    private final FamilyRules.Rule mining;
    private final PrefilteredPattern miningName;

    ImageProvenance(FamilyRules rules) {
        publicIp = rules.rule(FamilyCatalog.IMAGE_PROVENANCE, "bare-ip-public");
        privateIp = rules.rule(FamilyCatalog.IMAGE_PROVENANCE, "bare-ip-private");
        impersonation = rules.rule(FamilyCatalog.IMAGE_PROVENANCE, "system-image-impersonation");
        mining = rules.rule(FamilyCatalog.IMAGE_PROVENANCE, "mining-name");
        systemImage = impersonation == null ? null : PrefilteredPattern.compile(impersonation.pattern());
        miningName = mining == null ? null : PrefilteredPattern.compile(mining.pattern());
    }

    @Override
    public void evaluate(WorkloadEvent event, PodTemplate t, List<TemplateSignal> out) {
        for (ContainerSpec c : t.containers()) {
            if (c.image() == null) {
                continue;
            }
            ImageReference img = ImageReference.parse(c.image());
            String path = c.path() + ".image";
            int[] ip = dev.cronsentinel.context.SourceNetwork.parseIpv4(hostOf(img.registry()));
            if (ip != null) {
                TemplateSignal.add(out, isPrivate(ip) ? privateIp : publicIp, path, c.image(), c.image());
            }
            if (systemImage != null) {
                String repo = img.repository();
                String last = repo.substring(repo.lastIndexOf('/') + 1);
                if (systemImage.find(last) && impersonation.values().stream().noneMatch(p -> img.qualified().startsWith(p))) {
                    TemplateSignal.add(out, impersonation, path, c.image(), c.image());
                }
            }
            if (miningName != null && miningName.find(img.repository())) {
                TemplateSignal.add(out, mining, path, c.image(), c.image());
            }
        }
    }

    private static String hostOf(String registry) {
        int colon = registry.lastIndexOf(':');
        return colon > 0 ? registry.substring(0, colon) : registry;
    }

    /** RFC 1918, loopback, link-local and CGNAT (RFC 6598) ranges. */
    static boolean isPrivate(int[] ip) {
        return ip[0] == 10 || ip[0] == 127 || (ip[0] == 172 && ip[1] >= 16 && ip[1] <= 31) || (ip[0] == 192 && ip[1] == 168)
                || (ip[0] == 169 && ip[1] == 254) || (ip[0] == 100 && ip[1] >= 64 && ip[1] <= 127);
    }
}
