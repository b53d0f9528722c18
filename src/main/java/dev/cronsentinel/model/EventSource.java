package dev.cronsentinel.model;

/**
 * Where a managed cluster's audit event came from, as its provider's envelope names it. Null on a
 * {@link WorkloadEvent} or {@link Alert} read from a plain {@code audit.k8s.io} line, which names nothing but
 * the file or topic it was read from.
 *
 * <p>Every field is read from the envelope the provider's logging pipeline wrote around the event (Cloud
 * Logging's {@code resource.labels}, the Event Hubs record's {@code resourceId}, the CloudWatch Logs
 * subscription's {@code logGroup} and {@code owner}), never from the audit event itself, which the requester
 * partly controls. Any field may be null when the envelope does not carry it.
 *
 * @param provider ECS {@code cloud.provider}: {@code gcp}, {@code azure} or {@code aws}
 * @param envelope the envelope the event was unwrapped from: {@code gke-cloud-audit}, {@code aks-event-hubs}
 *     or {@code eks-cloudwatch-logs}
 * @param clusterName ECS {@code orchestrator.cluster.name}
 * @param region ECS {@code cloud.region}: the GKE cluster's location (a region or a zone)
 * @param projectId ECS {@code cloud.project.id}: the GCP project
 * @param accountId ECS {@code cloud.account.id}: the AWS account ({@code owner}) or the Azure subscription
 * @param resourceId the provider's identifier of the cluster: the AKS resource ID, the EKS log group
 * @param position the entry's own identifier inside the envelope: the GKE {@code insertId}, the CloudWatch
 *     {@code logEvents[].id}, the index of an AKS record in its batch
 */
public record EventSource(
        String provider,
        String envelope,
        String clusterName,
        String region,
        String projectId,
        String accountId,
        String resourceId,
        String position) {

    /** The same source, naming one entry inside it. */
    public EventSource at(String entryPosition) {
        return new EventSource(provider, envelope, clusterName, region, projectId, accountId, resourceId, entryPosition);
    }
}
