package dev.cronsentinel.model;

/** One spawned object in an escalated chain: a Job the CronJob controller made, or a Pod the Job controller made. */
public record ChainLink(String resource, String name, String uid, long time) {}
