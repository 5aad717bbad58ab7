// SPDX-License-Identifier: GPL-2.0
/*
 * Kiroku's in-kernel process sensor: fork, exec and exit of every process on the machine, each as one
 * fixed record in one BPF ring buffer that the agent reads in batches (dev.kiroku.sensor.linux.bpf).
 *
 * tp_btf programs (BTF-typed raw tracepoints: no tracefs, no kprobes). The kernel types below are the
 * few fields read, declared with preserve_access_index: libbpf relocates each access against the running
 * kernel's BTF (CO-RE), so the object needs no vmlinux.h and runs on any kernel with these fields.
 *
 * Build: clang -O2 -g -target bpf -c process.bpf.c -o process.bpf.o
 * The record layout is mirrored by BpfProcessRecords.java: change both together.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

typedef __u32 u32;
typedef __u64 u64;

struct ns_common { unsigned int inum; } __attribute__((preserve_access_index));
struct pid_namespace { struct ns_common ns; } __attribute__((preserve_access_index));
struct upid { int nr; struct pid_namespace *ns; } __attribute__((preserve_access_index));
struct pid { unsigned int level; struct upid numbers[1]; } __attribute__((preserve_access_index));
typedef struct { int counter; } atomic_t;
struct signal_struct { atomic_t live; } __attribute__((preserve_access_index));
typedef struct { unsigned int val; } kuid_t;
typedef struct { unsigned int val; } kgid_t;
struct cred { kuid_t uid; kgid_t gid; kuid_t euid; kgid_t egid; } __attribute__((preserve_access_index));
struct mnt_namespace { struct ns_common ns; } __attribute__((preserve_access_index));
struct net { struct ns_common ns; } __attribute__((preserve_access_index));
struct nsproxy { struct mnt_namespace *mnt_ns; struct net *net_ns; } __attribute__((preserve_access_index));
struct task_struct {
	int pid;
	int tgid;
	int exit_code;
	struct task_struct *real_parent;
	u64 start_boottime;
	struct signal_struct *signal;
	const struct cred *cred;
	struct pid *thread_pid;
	struct nsproxy *nsproxy;
	char comm[16];
} __attribute__((preserve_access_index));
struct linux_binprm;

char LICENSE[] SEC("license") = "GPL";

#define KIND_FORK 1
#define KIND_EXEC 2
#define KIND_EXIT 3

/* 96 bytes. An exec record has no file name: audit's has the path as resolved and the argument vector. */
struct process_record {
	u32 kind;
	u32 pid;          /* thread-group id */
	u32 ppid;         /* real parent's thread-group id */
	u32 tid;          /* the thread that forked, exec'd or exited last */
	u64 time_ns;      /* CLOCK_MONOTONIC */
	u64 start_boottime_ns; /* as /proc/PID/stat's starttime, before its division into clock ticks */
	u64 cgroup_id;    /* of the current task (the parent, for a fork) */
	u32 uid, euid, gid, egid;
	u32 exit_code;    /* wait status: code << 8 | signal */
	u32 pidns_inum;
	u32 nspid;        /* pid inside its own pid namespace */
	u32 mntns_inum;   /* 0 once the task has left its namespaces (an exit) */
	u32 netns_inum;
	u32 reserved;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} records SEC(".maps");

/* Records the ring buffer had no room for: the reader reports them as losses. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} dropped SEC(".maps");

/*
 * Readers are not woken per record: they take the records every few milliseconds (and the agent's enrichment thread
 * before each batch). Only a buffer filling past this mark wakes them at once.
 */
#define WAKEUP_BYTES (1 << 20)

static __always_inline void submit(void *r)
{
	u64 waiting = bpf_ringbuf_query(&records, BPF_RB_AVAIL_DATA);
	bpf_ringbuf_submit(r, waiting >= WAKEUP_BYTES ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

static __always_inline void count_drop(void)
{
	u32 zero = 0;
	u64 *count = bpf_map_lookup_elem(&dropped, &zero);
	if (count)
		__sync_fetch_and_add(count, 1);
}

static __always_inline void fill(struct process_record *r, u32 kind, struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	const struct cred *cred = BPF_CORE_READ(task, cred);

	r->kind = kind;
	r->pid = BPF_CORE_READ(task, tgid);
	r->ppid = BPF_CORE_READ(task, real_parent, tgid);
	r->tid = BPF_CORE_READ(task, pid);
	r->time_ns = bpf_ktime_get_ns();
	r->start_boottime_ns = BPF_CORE_READ(task, start_boottime);
	r->cgroup_id = bpf_get_current_cgroup_id();
	r->uid = BPF_CORE_READ(cred, uid.val);
	r->euid = BPF_CORE_READ(cred, euid.val);
	r->gid = BPF_CORE_READ(cred, gid.val);
	r->egid = BPF_CORE_READ(cred, egid.val);
	r->exit_code = 0;
	r->pidns_inum = BPF_CORE_READ(pid, numbers[level].ns, ns.inum);
	r->nspid = BPF_CORE_READ(pid, numbers[level].nr);
	r->mntns_inum = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	r->netns_inum = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
	r->reserved = 0;
	BPF_CORE_READ_STR_INTO(&r->comm, task, comm);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(kiroku_fork, struct task_struct *parent, struct task_struct *child)
{
	/* a new thread of an existing process is not a process */
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;
	struct process_record *r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);
	if (!r) {
		count_drop();
		return 0;
	}
	fill(r, KIND_FORK, child);
	/* the child's start time is the one of its own task; its uid and cgroup are still its parent's */
	submit(r);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(kiroku_exec, struct task_struct *task, int old_pid, struct linux_binprm *bprm)
{
	/* after the exec: the namespaces and cgroup the new image runs in (an unshare since the fork shows here) */
	struct process_record *r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);
	if (!r) {
		count_drop();
		return 0;
	}
	fill(r, KIND_EXEC, task);
	submit(r);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(kiroku_exit, struct task_struct *task)
{
	/* the process ends with its last thread: signal->live has dropped to 0 before this tracepoint */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	struct process_record *r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);
	if (!r) {
		count_drop();
		return 0;
	}
	fill(r, KIND_EXIT, task);
	r->exit_code = BPF_CORE_READ(task, exit_code);
	submit(r);
	return 0;
}
