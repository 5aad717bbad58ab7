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
 * The record layouts are mirrored by BpfProcessSource and ExecRecordText (Java): change both together.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

typedef __u32 u32;
typedef __u64 u64;
typedef __u16 u16;
typedef __s64 s64;
typedef _Bool bool;
#define true 1
#define false 0

struct ns_common { unsigned int inum; } __attribute__((preserve_access_index));
struct pid_namespace { struct ns_common ns; } __attribute__((preserve_access_index));
struct upid { int nr; struct pid_namespace *ns; } __attribute__((preserve_access_index));
struct pid { unsigned int level; struct upid numbers[1]; } __attribute__((preserve_access_index));
typedef struct { int counter; } atomic_t;
struct tty_struct { char name[64]; } __attribute__((preserve_access_index));
struct signal_struct { atomic_t live; struct tty_struct *tty; } __attribute__((preserve_access_index));
typedef struct { unsigned int val; } kuid_t;
typedef struct { unsigned int val; } kgid_t;
struct cred { kuid_t uid; kgid_t gid; kuid_t euid; kgid_t egid; } __attribute__((preserve_access_index));
struct mnt_namespace { struct ns_common ns; } __attribute__((preserve_access_index));
struct net { struct ns_common ns; } __attribute__((preserve_access_index));
struct nsproxy { struct mnt_namespace *mnt_ns; struct net *net_ns; } __attribute__((preserve_access_index));
struct qstr { unsigned int len; const unsigned char *name; } __attribute__((preserve_access_index));
struct hlist_bl_node { struct hlist_bl_node *next, **pprev; } __attribute__((preserve_access_index));
struct dentry { struct hlist_bl_node d_hash; struct dentry *d_parent; struct qstr d_name; } __attribute__((preserve_access_index));
struct vfsmount { struct dentry *mnt_root; } __attribute__((preserve_access_index));
struct mount { struct mount *mnt_parent; struct dentry *mnt_mountpoint; struct vfsmount mnt; } __attribute__((preserve_access_index));
struct path { struct vfsmount *mnt; struct dentry *dentry; } __attribute__((preserve_access_index));
struct super_block { unsigned int s_dev; } __attribute__((preserve_access_index));
struct timespec64 { long long tv_sec; long tv_nsec; };
struct inode {
	struct super_block *i_sb;
	unsigned long i_ino;
	long long i_size;
	long long i_mtime_sec;
	unsigned int i_mtime_nsec;
} __attribute__((preserve_access_index));
/* the modification time's field before kernel 6.11 (6.6 to 6.10), and before 6.6 */
struct inode___v66 { struct timespec64 __i_mtime; } __attribute__((preserve_access_index));
struct inode___v65 { struct timespec64 i_mtime; } __attribute__((preserve_access_index));
struct file { struct path f_path; struct inode *f_inode; } __attribute__((preserve_access_index));
struct fs_struct { struct path root; struct path pwd; } __attribute__((preserve_access_index));
struct mm_struct { unsigned long arg_start; unsigned long arg_end; struct file *exe_file; } __attribute__((preserve_access_index));
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
	struct mm_struct *mm;
	struct fs_struct *fs;
	kuid_t loginuid;
	unsigned int sessionid;
	char comm[16];
} __attribute__((preserve_access_index));
struct linux_binprm { int argc; } __attribute__((preserve_access_index));

char LICENSE[] SEC("license") = "GPL";

#define KIND_FORK 1
#define KIND_EXEC 2
#define KIND_EXIT 3

/* 96 bytes: a fork or an exit, and the start of an exec record (see kiroku_exec). */
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

/*
 * An exec is one record of kind EXEC: the fixed part above, then exec_extra, then its text: the tty name, the paths of
 * the executable and the working directory (each as its names from the last to the first, NUL-terminated: the reader
 * reverses them) and the argument vector when it is short. A longer vector (up to ARGV_MAX bytes) goes ahead of the
 * exec record in ARGV chunk records that the reader joins in order; beyond ARGV_MAX the vector is cut and flagged.
 */
#define KIND_ARGV 4

#define FLAG_EXE_INCOMPLETE  1
#define FLAG_CWD_INCOMPLETE  2
#define FLAG_ARGS_INCOMPLETE 4
#define FLAG_EXE_DELETED     8  /* unlinked, or a memfd's pseudo file: d_path adds " (deleted)" */
#define FLAG_CWD_DELETED     16
/* put_path's answers besides 0 (whole) */
#define PATH_INCOMPLETE 1
#define PATH_DELETED    2

#define ARGV_MAX (256 << 10)
#define ARGV_CHUNK (16 << 10)
#define ARGV_CHUNKS (ARGV_MAX / ARGV_CHUNK)
#define ARGV_INLINE 2048
#define TTY_BYTES 64
#define NAME_BYTES 256
#define PATH_BYTES 4096
#define PATH_COMPONENTS 64
#define TEXT_MASK ((16 << 10) - 1)
#define SCRATCH_BYTES (24 << 10)

struct exec_extra {
	u32 auid;         /* loginuid */
	u32 sessionid;
	u32 argc;
	u32 flags;
	u32 argv_bytes;   /* the whole vector's size in the process, NULs included */
	u16 tty_bytes;    /* 0: no controlling terminal */
	u16 exe_bytes;
	u16 cwd_bytes;
	u16 inline_argv_bytes;
	u32 exe_dev;      /* the executable's identity, as statx gives it: device (kernel dev_t: major << 20 | minor), */
	u64 exe_ino;      /* inode, */
	u64 exe_size;     /* size */
	s64 exe_mtime_sec; /* and modification time; all 0 when the process has no executable file */
	u32 exe_mtime_nsec;
	u32 reserved;
};

struct argv_chunk {
	u32 kind;
	u32 pid;
	u32 offset;       /* of this chunk's first byte in the vector */
	u32 length;
};

#define EXEC_TEXT (sizeof(struct process_record) + sizeof(struct exec_extra))

/*
 * A path walk in progress: where it stands, and whether it ended whole (1) or not (-1). It lives in the map value,
 * not on the stack: the verifier then knows nothing of its values and checks a step once, not each path of steps.
 */
struct walk {
	u32 pos;
	u32 start;
	int ended;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *dentry;
	struct vfsmount *root_mnt;
	struct dentry *root_dentry;
};

/* Where a record longer than the fixed one is built before it is copied into the ring buffer (one per CPU). */
struct scratch {
	char bytes[SCRATCH_BYTES];
	struct walk walk;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* Device, inode, size and modification time of the executable (statx's, without a system call in the agent). */
static __always_inline void put_identity(struct exec_extra *x, struct file *exe)
{
	struct inode *inode = exe ? BPF_CORE_READ(exe, f_inode) : 0;
	x->exe_dev = 0;
	x->exe_ino = 0;
	x->exe_size = 0;
	x->exe_mtime_sec = 0;
	x->exe_mtime_nsec = 0;
	if (!inode)
		return;
	x->exe_dev = BPF_CORE_READ(inode, i_sb, s_dev);
	x->exe_ino = BPF_CORE_READ(inode, i_ino);
	x->exe_size = BPF_CORE_READ(inode, i_size);
	if (bpf_core_field_exists(inode->i_mtime_sec)) {
		x->exe_mtime_sec = BPF_CORE_READ(inode, i_mtime_sec);
		x->exe_mtime_nsec = BPF_CORE_READ(inode, i_mtime_nsec);
	} else if (bpf_core_field_exists(((struct inode___v66 *)inode)->__i_mtime)) {
		x->exe_mtime_sec = BPF_CORE_READ((struct inode___v66 *)inode, __i_mtime.tv_sec);
		x->exe_mtime_nsec = BPF_CORE_READ((struct inode___v66 *)inode, __i_mtime.tv_nsec);
	} else {
		x->exe_mtime_sec = BPF_CORE_READ((struct inode___v65 *)inode, i_mtime.tv_sec);
		x->exe_mtime_nsec = BPF_CORE_READ((struct inode___v65 *)inode, i_mtime.tv_nsec);
	}
}

static __always_inline u64 wakeup_flags(void)
{
	return bpf_ringbuf_query(&records, BPF_RB_AVAIL_DATA) >= WAKEUP_BYTES ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline struct vfsmount *vfsmount_of(struct mount *m)
{
	return (struct vfsmount *)((char *)m + bpf_core_field_offset(struct mount, mnt));
}

/* One step of walk_path: a name written, or a mount crossed, or the end reached. */
static long walk_step(u64 index, void *context)
{
	u32 zero = 0;
	struct scratch *sc = bpf_map_lookup_elem(&scratch, &zero);
	if (!sc)
		return 1;
	struct walk *w = &sc->walk;
	char *buf = sc->bytes;
	struct dentry *dentry = w->dentry;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;
	if (dentry == w->root_dentry && vfsmnt == w->root_mnt) {
		w->ended = 1;
		return 1;
	}
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	if (dentry == BPF_CORE_READ(vfsmnt, mnt_root) || dentry == parent) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);
		if (up == mnt) {
			w->ended = 1;
			return 1;
		}
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->vfsmnt = vfsmount_of(up);
		return 0;
	}
	if (w->pos - w->start > PATH_BYTES - NAME_BYTES) {
		w->ended = -1;
		return 1;
	}
	long n = bpf_probe_read_kernel_str(buf + EXEC_TEXT + (w->pos & TEXT_MASK), NAME_BYTES, BPF_CORE_READ(dentry, d_name.name));
	if (n <= 0) {
		w->ended = -1;
		return 1;
	}
	w->pos += n;
	w->dentry = parent;
	return 0;
}

/*
 * Writes the names of a path from its last to its first at the exec record's text + *pos, as d_path walks them: up
 * the dentries, across each mount to the one it is mounted on, until the task's root or the top of the mount tree.
 * Returns whether the path is whole (false: too deep or too long for the bounds, or a name unreadable).
 */
/* Whether a dentry is unlinked, as d_unlinked: unhashed and not a root. */
static __always_inline bool unlinked(struct dentry *dentry)
{
	return !BPF_CORE_READ(dentry, d_hash.pprev) && BPF_CORE_READ(dentry, d_parent) != dentry;
}

static __always_inline bool walk_path(struct walk *w, u32 *pos, struct vfsmount *vfsmnt, struct dentry *dentry,
				      struct vfsmount *root_mnt, struct dentry *root_dentry)
{
	w->pos = *pos;
	w->start = *pos;
	w->ended = 0;
	w->vfsmnt = vfsmnt;
	w->mnt = (struct mount *)((char *)vfsmnt - bpf_core_field_offset(struct mount, mnt));
	w->dentry = dentry;
	w->root_mnt = root_mnt;
	w->root_dentry = root_dentry;
	bpf_loop(PATH_COMPONENTS, walk_step, NULL, 0);
	*pos = w->pos;
	return w->ended == 1;
}

/*
 * Writes a path's names (see walk_path) and answers PATH_INCOMPLETE, PATH_DELETED or 0. A file of no mount tree, as
 * a memfd's (a dentry that is its own parent but not its mount's root), is its name alone and deleted, as d_path
 * names it ("/memfd:NAME (deleted)").
 */
static __always_inline u32 put_path(struct scratch *sc, u32 *pos, struct vfsmount *vfsmnt, struct dentry *dentry,
				    struct path *root)
{
	if (BPF_CORE_READ(dentry, d_parent) == dentry && dentry != BPF_CORE_READ(vfsmnt, mnt_root)) {
		long n = bpf_probe_read_kernel_str(sc->bytes + EXEC_TEXT + (*pos & TEXT_MASK), NAME_BYTES,
						   BPF_CORE_READ(dentry, d_name.name));
		if (n <= 0)
			return PATH_INCOMPLETE;
		*pos += n;
		return PATH_DELETED;
	}
	if (!walk_path(&sc->walk, pos, vfsmnt, dentry, root->mnt, root->dentry))
		return PATH_INCOMPLETE;
	return unlinked(dentry) ? PATH_DELETED : 0;
}

/* Sends the part of the argument vector past the inline limit in chunks; returns whether every chunk went out whole. */
static __always_inline bool send_argv_chunks(char *buf, u32 pid, unsigned long from, u32 bytes)
{
	struct argv_chunk *head = (struct argv_chunk *)buf;
	bool whole = true;
	for (u32 i = 0; i < ARGV_CHUNKS; i++) {
		u32 offset = i * ARGV_CHUNK;
		if (offset >= bytes)
			break;
		u32 length = bytes - offset;
		if (length > ARGV_CHUNK)
			length = ARGV_CHUNK;
		barrier_var(length); /* keeps the mask below, which the verifier needs to bound the size: 1..ARGV_CHUNK */
		length = ((length - 1) & (ARGV_CHUNK - 1)) + 1;
		head->kind = KIND_ARGV;
		head->pid = pid;
		head->offset = offset;
		head->length = length;
		if (bpf_probe_read_user(buf + sizeof(*head), length, (const void *)(from + offset)) != 0) {
			whole = false;
			break;
		}
		if (bpf_ringbuf_output(&records, buf, sizeof(*head) + length, wakeup_flags()) != 0) {
			count_drop();
			whole = false;
			break;
		}
	}
	return whole;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(kiroku_exec, struct task_struct *task, int old_pid, struct linux_binprm *bprm)
{
	/* after the exec: the namespaces and cgroup the new image runs in (an unshare since the fork shows here) */
	u32 zero = 0;
	struct scratch *sc = bpf_map_lookup_elem(&scratch, &zero);
	if (!sc)
		return 0;
	char *buf = sc->bytes;
	u32 pid = BPF_CORE_READ(task, tgid);
	unsigned long arg_start = BPF_CORE_READ(task, mm, arg_start);
	unsigned long arg_end = BPF_CORE_READ(task, mm, arg_end);
	u64 argv_bytes = arg_end > arg_start ? arg_end - arg_start : 0;
	u32 flags = 0;
	u32 taken = argv_bytes > ARGV_MAX ? ARGV_MAX : argv_bytes;
	if (argv_bytes > ARGV_MAX)
		flags |= FLAG_ARGS_INCOMPLETE;
	if (taken > ARGV_INLINE && !send_argv_chunks(buf, pid, arg_start, taken))
		flags |= FLAG_ARGS_INCOMPLETE;

	struct process_record *r = (struct process_record *)buf;
	struct exec_extra *x = (struct exec_extra *)(buf + sizeof(*r));
	char *text = buf + EXEC_TEXT;
	fill(r, KIND_EXEC, task);
	x->auid = BPF_CORE_READ(task, loginuid.val);
	x->sessionid = BPF_CORE_READ(task, sessionid);
	x->argc = BPF_CORE_READ(bprm, argc);
	x->argv_bytes = argv_bytes > 0xFFFFFFFFul ? 0xFFFFFFFFu : argv_bytes;
	x->reserved = 0;

	u32 pos = 0;
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	if (tty) {
		long n = bpf_probe_read_kernel_str(text, TTY_BYTES, &tty->name);
		if (n > 0)
			pos = n;
	}
	x->tty_bytes = pos;

	struct path root = BPF_CORE_READ(task, fs, root);
	u32 mark = pos;
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	put_identity(x, exe);
	u32 state = exe ? put_path(sc, &pos, BPF_CORE_READ(exe, f_path.mnt), BPF_CORE_READ(exe, f_path.dentry), &root)
			: PATH_INCOMPLETE;
	flags |= state == PATH_INCOMPLETE ? FLAG_EXE_INCOMPLETE : state == PATH_DELETED ? FLAG_EXE_DELETED : 0;
	x->exe_bytes = pos - mark;
	mark = pos;
	state = put_path(sc, &pos, BPF_CORE_READ(task, fs, pwd.mnt), BPF_CORE_READ(task, fs, pwd.dentry), &root);
	flags |= state == PATH_INCOMPLETE ? FLAG_CWD_INCOMPLETE : state == PATH_DELETED ? FLAG_CWD_DELETED : 0;
	x->cwd_bytes = pos - mark;

	u32 inline_bytes = 0;
	if (taken <= ARGV_INLINE && taken > 0) {
		u32 size = taken;
		barrier_var(size); /* keeps the mask below, which the verifier needs to bound the size */
		size &= ARGV_INLINE * 2 - 1;
		if (bpf_probe_read_user(text + (pos & TEXT_MASK), size, (const void *)arg_start) == 0)
			inline_bytes = taken;
		else
			flags |= FLAG_ARGS_INCOMPLETE;
	}
	x->inline_argv_bytes = inline_bytes;
	x->flags = flags;
	u32 length = EXEC_TEXT + ((pos + inline_bytes) & TEXT_MASK);
	if (bpf_ringbuf_output(&records, buf, length, wakeup_flags()) != 0)
		count_drop();
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
