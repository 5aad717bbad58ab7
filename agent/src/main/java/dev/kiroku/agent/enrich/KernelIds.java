package dev.kiroku.agent.enrich;

/**
 * A process's cgroup and namespaces as the kernel reported them in a fork or exec record: no /proc read needed.
 *
 * @param cgroupId the cgroup v2 id (the inode of its directory in the cgroup file system)
 */
public record KernelIds(long cgroupId, long pidNamespace, long mountNamespace, long netNamespace) {
}
