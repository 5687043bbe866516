// SPDX-License-Identifier: GPL-2.0
/*
 * pccf_main.c - pccf.ko: proof-carrying packet filters in the Linux kernel.
 *
 * /dev/pccf (a misc device; open needs CAP_NET_RAW).  Each open file is a
 * session.  PCCF_IOC_LOAD copies a certified object in, verifies it with
 * the trusted core (pccf_verify up to PCCF_CHECK, the very code 'pccf
 * check' runs in user space), copies the verified code into the
 * executable arena of arena.S with every relocated return pointed at the
 * RET stub there (install.c, the trusted installer), and attaches the filter to one interface or all with
 * dev_add_pack(ETH_P_ALL).  The filter then runs on a stable per-CPU copy
 * of each incoming frame (from the MAC header, bounded by 'copy_bytes').
 * Session filters queue the bytes they accept in the session's ring,
 * which read() drains; persistent filters (PCCF_LOAD_PERSIST) only count
 * and live until PCCF_IOC_UNLOAD or rmmod.  See docs/kernel.md and
 * include/pccf/ioctl.h.
 *
 * Direction: only frames that arrive are filtered (pkt_type !=
 * PACKET_OUTGOING); on loopback every frame is seen once, on receive.
 *
 * Trusts: the trusted core (kernel/verify.c and below) for the safety of
 * what it accepts; the kernel for module text, vmap, dev_add_pack and
 * RCU (dev_remove_pack waits for running filters with synchronize_net).
 * Locking order: rtnl_lock, then pccf_lock; verify_lock stands alone.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/if_ether.h>
#include <linux/if_arp.h>
#include <linux/if_packet.h>
#include <linux/capability.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/poll.h>
#include <linux/percpu.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/errno.h>

#include "pccf/compat.h"
#include "pccf/ioctl.h"
#include "verify.h"
#include "install.h"

/* ---- parameters ---------------------------------------------------------- */

static unsigned int copy_bytes = 4096;
module_param(copy_bytes, uint, 0444);
MODULE_PARM_DESC(
	copy_bytes,
	"bytes of each frame copied for the filter (64..65550, default 4096)");

static unsigned int ring_bytes = 1 << 20;
module_param(ring_bytes, uint, 0444);
MODULE_PARM_DESC(ring_bytes,
		 "bytes of each session's packet ring (4096..64M, default 1M)");

static unsigned int session_filters = 8;
module_param(session_filters, uint, 0444);
MODULE_PARM_DESC(session_filters, "filters per session (default 8)");

static unsigned int max_filters = 64;
module_param(max_filters, uint, 0444);
MODULE_PARM_DESC(max_filters, "filters loaded in all (default 64)");

static unsigned int max_obj;
module_param(max_obj, uint, 0444);
MODULE_PARM_DESC(max_obj, "object bytes, 0 = the core's default (1 MiB)");

static unsigned int max_code;
module_param(max_code, uint, 0444);
MODULE_PARM_DESC(max_code, "code bytes, 0 = the core's default (64 KiB)");

static unsigned int max_proof;
module_param(max_proof, uint, 0444);
MODULE_PARM_DESC(max_proof, "proof bytes, 0 = the core's default (512 KiB)");

/* ---- sessions, filters and the ring ------------------------------------ */

struct pccf_session {
	spinlock_t lock; /* the ring */
	wait_queue_head_t wq;
	u8 *ring;	      /* 'size' bytes, or NULL until needed */
	u32 size, head, used; /* byte ring: read at head */
	u32 nfilters;	      /* under pccf_lock */
};

struct pccf_filter {
	struct list_head node;	   /* pccf_filters, under pccf_lock */
	struct packet_type pt;	   /* .af_packet_priv = this filter */
	struct pccf_session *sess; /* NULL = persistent */
	struct net_device *dev;	   /* held; NULL = all interfaces */
	pccf_fn fn;
	u32 id, chunk, nchunk, ncode, nproof;
	pid_t owner;
	bool attached;
	char ifname[IFNAMSIZ];
	atomic64_t seen, accepted, dropped;
};

static DEFINE_MUTEX(pccf_lock);	  /* filters, arena map, ids */
static DEFINE_MUTEX(verify_lock); /* one verification at a time */
static LIST_HEAD(pccf_filters);
static u32 pccf_nfilters, pccf_next_id;

/* The per-CPU copy of the packet and the filter's scratch memory. */
struct pccf_cpu {
	u8 *buf; /* copy_bytes */
	u32 mem[16] __aligned(8);
};
static DEFINE_PER_CPU(struct pccf_cpu, pccf_cpu);

/* ring_copy_in - append 'n' bytes at byte 'pos' of the ring (wrapping). */
static void ring_copy_in(struct pccf_session *s, u32 pos, const void *p, u32 n)
{
	u32 first = min(n, s->size - pos);

	memcpy(s->ring + pos, p, first);
	memcpy(s->ring, (const u8 *)p + first, n - first);
}

/* ring_copy_out - 'n' bytes from byte 'pos' of the ring (wrapping). */
static void ring_copy_out(struct pccf_session *s, u32 pos, void *p, u32 n)
{
	u32 first = min(n, s->size - pos);

	memcpy(p, s->ring + pos, first);
	memcpy((u8 *)p + first, s->ring, n - first);
}

/* ring_put - queue one accepted packet; false when the ring is full. */
static bool ring_put(struct pccf_session *s, u32 id, const u8 *p, u32 caplen,
		     u32 wirelen)
{
	struct pccf_rec r = { .ts_ns = ktime_get_real_ns(),
			      .caplen = caplen,
			      .wirelen = wirelen,
			      .id = id };
	static const u8 zero[8];
	u32 need = sizeof(r) + ALIGN(caplen, 8), tail;
	bool ok = false;

	spin_lock(&s->lock);
	if (s->ring && need <= s->size - s->used) {
		tail = (s->head + s->used) % s->size;
		ring_copy_in(s, tail, &r, sizeof(r));
		tail = (tail + sizeof(r)) % s->size;
		ring_copy_in(s, tail, p, caplen);
		tail = (tail + caplen) % s->size;
		ring_copy_in(s, tail, zero, ALIGN(caplen, 8) - caplen);
		s->used += need;
		ok = true;
	}
	spin_unlock(&s->lock);
	if (ok)
		wake_up_interruptible(&s->wq);
	return ok;
}

/* ether_like - the filters assume Ethernet framing (DLT_EN10MB). */
static bool ether_like(const struct net_device *dev)
{
	return dev->type == ARPHRD_ETHER || dev->type == ARPHRD_LOOPBACK;
}

/*
 * run_filter - copy the frame at 'skb' (from its MAC header, non-linear
 * parts included) into this CPU's buffer and run 'f' on the copy with
 * zeroed scratch.  Bottom halves are off, so nothing else on this CPU
 * touches the buffer while the filter runs.
 */
static void run_filter(struct pccf_filter *f, const struct sk_buff *skb)
{
	const u8 *mac = skb_mac_header(skb);
	u32 maclen = skb->data - mac, wire = skb->len + maclen, n, m, ret;
	struct pccf_cpu *c;

	local_bh_disable();
	c = this_cpu_ptr(&pccf_cpu);
	n = min(wire, copy_bytes);
	m = min(maclen, n);
	memcpy(c->buf, mac, m);
	if (n > m && skb_copy_bits(skb, 0, c->buf + m, n - m))
		goto out;
	memset(c->mem, 0, sizeof(c->mem));
	ret = f->fn(c->buf, n, wire, c->mem);
	atomic64_inc(&f->seen);
	if (ret) {
		atomic64_inc(&f->accepted);
		if (f->sess &&
		    !ring_put(f->sess, f->id, c->buf, min(ret, n), wire))
			atomic64_inc(&f->dropped);
	}
out:
	local_bh_enable();
}

/* pccf_rcv - the packet_type handler: filter incoming Ethernet frames. */
static int pccf_rcv(struct sk_buff *skb, struct net_device *dev,
		    struct packet_type *pt, struct net_device *orig_dev)
{
	struct pccf_filter *f = pt->af_packet_priv;

	if (skb->pkt_type != PACKET_OUTGOING && ether_like(dev) &&
	    skb_mac_header_was_set(skb) && skb_mac_header(skb) <= skb->data &&
	    !in_hardirq() && !irqs_disabled())
		run_filter(f, skb);
	consume_skb(skb);
	return 0;
}

/* ---- load, unload, list ------------------------------------------------- */

/* code_errno - the errno of rejection class 'code' (ioctl.h). */
static int code_errno(int code)
{
	switch (code) {
	case PCCF_EDECODE:
		return PCCF_ERRNO_EDECODE;
	case PCCF_ECFG:
		return PCCF_ERRNO_ECFG;
	case PCCF_EPOLICY:
		return PCCF_ERRNO_EPOLICY;
	case PCCF_EPROOF:
		return PCCF_ERRNO_EPROOF;
	case PCCF_ELIMIT:
		return PCCF_ERRNO_ELIMIT;
	default:
		return PCCF_ERRNO_EOBJ;
	}
}

/* limits - the core's default limits with the module's overrides. */
static void limits(struct pccf_limits *lim)
{
	pccf_default_limits(lim);
	if (max_obj)
		lim->obj.max_obj = max_obj;
	if (max_code) {
		lim->obj.max_code = max_code;
		lim->vc.max_code = max_code;
	}
	if (max_proof)
		lim->obj.max_proof = max_proof;
}

/* What a load needs besides the object: verification state. */
struct load_ctx {
	struct pccf_limits lim;
	struct pccf_arena ar;
	struct pccf_verified v;
	struct pccf_err e;
};

/* detach - remove 'f' from the tap and the list, free its code.  Waits
 * for running copies of the filter (synchronize_net).  Under rtnl and
 * pccf_lock. */
static void detach(struct pccf_filter *f)
{
	if (f->attached) {
		dev_remove_pack(&f->pt); /* synchronize_net() inside */
		f->attached = false;
	}
	if (f->dev) {
		dev_put(f->dev);
		f->dev = NULL;
	}
	if (f->nchunk) {
		arena_wipe(f->chunk, f->nchunk);
		f->nchunk = 0;
	}
}

/* destroy - detach 'f' and free it.  Under rtnl and pccf_lock. */
static void destroy(struct pccf_filter *f)
{
	detach(f);
	list_del(&f->node);
	pccf_nfilters--;
	if (f->sess)
		f->sess->nfilters--;
	kfree(f);
}

/*
 * attach - install verified code for 'f' and hook it to its interface.
 * Takes rtnl and pccf_lock.  0 or -errno with a message in 'msg'.
 */
static int attach(struct pccf_session *s, struct pccf_filter *f,
		  const struct pccf_verified *v, char *msg)
{
	struct net_device *dev = NULL;
	int err = 0;

	rtnl_lock();
	mutex_lock(&pccf_lock);
	if (pccf_nfilters >= max_filters ||
	    (f->sess && s->nfilters >= session_filters)) {
		snprintf(msg, PCCF_IOC_MSG,
			 "too many filters (limits: %u per session, %u in all)",
			 session_filters, max_filters);
		err = -EMFILE;
		goto out;
	}
	if (f->ifname[0]) {
		dev = __dev_get_by_name(&init_net, f->ifname);
		if (!dev) {
			snprintf(msg, PCCF_IOC_MSG, "no interface '%s'",
				 f->ifname);
			err = -ENODEV;
			goto out;
		}
		if (!ether_like(dev)) {
			snprintf(msg, PCCF_IOC_MSG,
				 "interface '%s' is not Ethernet-like",
				 f->ifname);
			err = -EPFNOSUPPORT;
			goto out;
		}
	}
	err = arena_install(&v->obj, &v->rel, &f->chunk, &f->nchunk, msg);
	if (err)
		goto out;
	f->fn = (pccf_fn)(void *)(pccf_arena + f->chunk * CHUNK);
	f->id = ++pccf_next_id;
	if (dev) {
		dev_hold(dev);
		f->dev = dev;
	}
	f->pt.type = htons(ETH_P_ALL);
	f->pt.dev = dev;
	f->pt.func = pccf_rcv;
	f->pt.af_packet_priv = f;
	list_add_tail(&f->node, &pccf_filters);
	pccf_nfilters++;
	if (f->sess)
		s->nfilters++;
	dev_add_pack(&f->pt);
	f->attached = true;
out:
	mutex_unlock(&pccf_lock);
	rtnl_unlock();
	return err;
}

/* ensure_ring - allocate 's's ring on its first session filter. */
static int ensure_ring(struct pccf_session *s)
{
	u8 *ring;

	if (READ_ONCE(s->ring))
		return 0;
	ring = kvzalloc(ring_bytes, GFP_KERNEL);
	if (!ring)
		return -ENOMEM;
	spin_lock_bh(&s->lock);
	if (!s->ring) {
		s->ring = ring;
		s->size = ring_bytes;
		ring = NULL;
	}
	spin_unlock_bh(&s->lock);
	kvfree(ring);
	return 0;
}

/* verify - run the trusted core on 'buf'; fills 'ld's out fields. */
static int verify(struct load_ctx *c, const u8 *buf, u32 len,
		  struct pccf_load *ld)
{
	u64 t0;
	int code;

	limits(&c->lim);
	c->ar.size = pccf_arena_bytes(&c->lim);
	c->ar.base = kvmalloc(c->ar.size, GFP_KERNEL);
	if (!c->ar.base)
		return -ENOMEM;
	t0 = ktime_get_ns();
	code = pccf_verify(buf, len, &c->lim, PCCF_CHECK, &c->ar, &c->v, &c->e);
	ld->verify_ns = ktime_get_ns() - t0;
	ld->code = code;
	ld->ncode = c->v.obj.ncode;
	ld->nproof = c->v.obj.nproof;
	ld->proof_nodes = c->v.proof_nodes;
	if (code) {
		strscpy(ld->msg, c->e.msg, sizeof(ld->msg));
		return -code_errno(code);
	}
	return 0;
}

/* do_load - PCCF_IOC_LOAD: verify, install, attach. */
static long do_load(struct pccf_session *s, struct pccf_load __user *uld)
{
	struct pccf_load ld;
	struct pccf_filter *f = NULL;
	struct load_ctx *c = NULL;
	struct pccf_limits lim;
	u8 *buf = NULL;
	long err;

	if (copy_from_user(&ld, uld, sizeof(ld)))
		return -EFAULT;
	ld.ifname[sizeof(ld.ifname) - 1] = '\0';
	ld.id = 0;
	ld.code = 0;
	ld.ncode = ld.nproof = ld.proof_nodes = ld.reserved = 0;
	ld.verify_ns = 0;
	memset(ld.msg, 0, sizeof(ld.msg));
	limits(&lim);
	if (ld.flags & ~PCCF_LOAD_PERSIST)
		return -EINVAL;
	if (ld.obj_len > lim.obj.max_obj) {
		struct pccf_err e = { 0, "" };

		/* the core's own words (obj_parse), without copying the bytes */
		ld.code =
			pccf_fail(&e, PCCF_ELIMIT,
				  "object of %u bytes exceeds the limit of %u",
				  ld.obj_len, lim.obj.max_obj);
		strscpy(ld.msg, e.msg, sizeof(ld.msg));
		err = -code_errno(ld.code);
		goto out;
	}
	err = -ENOMEM;
	buf = kvmalloc(ld.obj_len ? ld.obj_len : 1, GFP_KERNEL);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!buf || !c || !f)
		goto out;
	err = -EFAULT;
	if (copy_from_user(buf, u64_to_user_ptr(ld.obj), ld.obj_len))
		goto out;
	if (!(ld.flags & PCCF_LOAD_PERSIST)) {
		err = ensure_ring(s);
		if (err)
			goto out;
		f->sess = s;
	}
	memcpy(f->ifname, ld.ifname, sizeof(f->ifname));
	f->owner = task_tgid_vnr(current);
	atomic64_set(&f->seen, 0);
	atomic64_set(&f->accepted, 0);
	atomic64_set(&f->dropped, 0);
	mutex_lock(&verify_lock);
	err = verify(c, buf, ld.obj_len, &ld);
	if (!err) {
		f->ncode = ld.ncode;
		f->nproof = ld.nproof;
		err = attach(s, f, &c->v, ld.msg); /* v lives in c->ar */
	}
	mutex_unlock(&verify_lock);
	if (!err) {
		ld.id = f->id;
		f = NULL;
	}
out:
	if (c)
		kvfree(c->ar.base);
	kfree(c);
	kfree(f);
	kvfree(buf);
	if (copy_to_user(uld, &ld, sizeof(ld)))
		return -EFAULT;
	return err;
}

/* find - the filter 'id', or NULL.  Under pccf_lock. */
static struct pccf_filter *find(u32 id)
{
	struct pccf_filter *f;

	list_for_each_entry(f, &pccf_filters, node) if (f->id == id) return f;
	return NULL;
}

/* fill_info - describe 'f' as seen from session 's'.  Under pccf_lock. */
static void fill_info(const struct pccf_filter *f, const struct pccf_session *s,
		      struct pccf_info *in)
{
	memset(in, 0, sizeof(*in));
	in->id = f->id;
	in->flags = (f->sess ? 0 : PCCF_INFO_PERSIST) |
		    (f->sess == s ? PCCF_INFO_MINE : 0) |
		    (f->ifname[0] && !f->dev ? PCCF_INFO_DETACHED : 0);
	memcpy(in->ifname, f->ifname, sizeof(in->ifname));
	in->seen = atomic64_read(&f->seen);
	in->accepted = atomic64_read(&f->accepted);
	in->dropped = atomic64_read(&f->dropped);
	in->ncode = f->ncode;
	in->nproof = f->nproof;
	in->arena_off = f->chunk * CHUNK;
	in->owner = f->owner;
}

/* do_unload - PCCF_IOC_UNLOAD: a persistent filter or one of 's'. */
static long do_unload(struct pccf_session *s, u32 __user *uid)
{
	struct pccf_filter *f;
	long err = 0;
	u32 id;

	if (get_user(id, uid))
		return -EFAULT;
	rtnl_lock();
	mutex_lock(&pccf_lock);
	f = find(id);
	if (!f)
		err = -ENOENT;
	else if (f->sess && f->sess != s)
		err = -EPERM;
	else
		destroy(f);
	mutex_unlock(&pccf_lock);
	rtnl_unlock();
	return err;
}

/* do_stats - PCCF_IOC_STATS: one filter's counters. */
static long do_stats(struct pccf_session *s, struct pccf_info __user *uin)
{
	struct pccf_filter *f;
	struct pccf_info in;
	u32 id;

	if (get_user(id, &uin->id))
		return -EFAULT;
	mutex_lock(&pccf_lock);
	f = find(id);
	if (f)
		fill_info(f, s, &in);
	mutex_unlock(&pccf_lock);
	if (!f)
		return -ENOENT;
	return copy_to_user(uin, &in, sizeof(in)) ? -EFAULT : 0;
}

/* do_list - PCCF_IOC_LIST: every filter, up to 'max' of them. */
static long do_list(struct pccf_session *s, struct pccf_list __user *ul)
{
	struct pccf_filter *f;
	struct pccf_info *in;
	struct pccf_list l;
	u32 i = 0;
	long err = 0;

	if (copy_from_user(&l, ul, sizeof(l)))
		return -EFAULT;
	l.max = min(l.max, max_filters);
	in = kvcalloc(l.max ? l.max : 1, sizeof(*in), GFP_KERNEL);
	if (!in)
		return -ENOMEM;
	mutex_lock(&pccf_lock);
	list_for_each_entry(f, &pccf_filters, node) if (i < l.max)
		fill_info(f, s, &in[i++]);
	l.n = pccf_nfilters;
	l.arena_bytes = PCCF_ARENA_BYTES;
	l.arena_used = arena_used();
	mutex_unlock(&pccf_lock);
	if (copy_to_user(u64_to_user_ptr(l.buf), in, (size_t)i * sizeof(*in)) ||
	    copy_to_user(ul, &l, sizeof(l)))
		err = -EFAULT;
	kvfree(in);
	return err;
}

/* ---- the device ---------------------------------------------------------- */

static int pccf_open(struct inode *inode, struct file *file)
{
	struct pccf_session *s;

	if (!capable(CAP_NET_RAW))
		return -EPERM;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	spin_lock_init(&s->lock);
	init_waitqueue_head(&s->wq);
	file->private_data = s;
	return stream_open(inode, file);
}

/* pccf_release - detach and free the session's filters, then its ring. */
static int pccf_release(struct inode *inode, struct file *file)
{
	struct pccf_session *s = file->private_data;
	struct pccf_filter *f, *t;

	rtnl_lock();
	mutex_lock(&pccf_lock);
	list_for_each_entry_safe(f, t, &pccf_filters, node) if (f->sess == s)
		destroy(f);
	mutex_unlock(&pccf_lock);
	rtnl_unlock();
	kvfree(s->ring);
	kfree(s);
	return 0;
}

static long pccf_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct pccf_session *s = file->private_data;
	void __user *p = (void __user *)arg;

	switch (cmd) {
	case PCCF_IOC_LOAD:
		return do_load(s, p);
	case PCCF_IOC_LIST:
		return do_list(s, p);
	case PCCF_IOC_STATS:
		return do_stats(s, p);
	case PCCF_IOC_UNLOAD:
		return do_unload(s, p);
	default:
		return -ENOTTY;
	}
}

/* ring_take - move whole records, at most 'max' bytes, into 'dst'. */
static u32 ring_take(struct pccf_session *s, u8 *dst, u32 max)
{
	struct pccf_rec r;
	u32 got = 0, need;

	spin_lock_bh(&s->lock);
	while (s->used >= sizeof(r)) {
		ring_copy_out(s, s->head, &r, sizeof(r));
		need = sizeof(r) + ALIGN(r.caplen, 8);
		if (need > max - got)
			break;
		ring_copy_out(s, s->head, dst + got, need);
		s->head = (s->head + need) % s->size;
		s->used -= need;
		got += need;
	}
	spin_unlock_bh(&s->lock);
	return got;
}

/* pccf_read - whole records; blocks while the ring is empty. */
static ssize_t pccf_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *pos)
{
	struct pccf_session *s = file->private_data;
	u32 max = (u32)min_t(size_t, count, READ_ONCE(s->size));
	u32 got;
	u8 *tmp;
	int err;

	if (!READ_ONCE(s->ring))
		return (file->f_flags & O_NONBLOCK) ? -EAGAIN : 0;
	if (max < sizeof(struct pccf_rec) + ALIGN(copy_bytes, 8))
		return -EINVAL; /* too small for the largest record */
	for (;;) {
		if (READ_ONCE(s->used))
			break;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(s->wq, READ_ONCE(s->used));
		if (err)
			return err;
	}
	tmp = kvmalloc(max, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	got = ring_take(s, tmp, max);
	if (copy_to_user(ubuf, tmp, got))
		got = 0, err = -EFAULT;
	else
		err = 0;
	kvfree(tmp);
	return err ? err : got;
}

static __poll_t pccf_poll(struct file *file, poll_table *wait)
{
	struct pccf_session *s = file->private_data;

	poll_wait(file, &s->wq, wait);
	return READ_ONCE(s->used) ? EPOLLIN | EPOLLRDNORM : 0;
}

static const struct file_operations pccf_fops = {
	.owner = THIS_MODULE,
	.open = pccf_open,
	.release = pccf_release,
	.unlocked_ioctl = pccf_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.read = pccf_read,
	.poll = pccf_poll,
	.llseek = no_llseek,
};

static struct miscdevice pccf_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pccf",
	.fops = &pccf_fops,
	.mode = 0600,
};

/* pccf_netdev - detach filters from an interface that goes away. */
static int pccf_netdev(struct notifier_block *nb, unsigned long event,
		       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct pccf_filter *f;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	mutex_lock(&pccf_lock); /* rtnl is held by the caller */
	list_for_each_entry(f, &pccf_filters, node)
	{
		if (f->dev != dev)
			continue;
		if (f->attached) {
			dev_remove_pack(&f->pt);
			f->attached = false;
		}
		dev_put(dev);
		f->dev = NULL;
	}
	mutex_unlock(&pccf_lock);
	return NOTIFY_DONE;
}

static struct notifier_block pccf_nb = { .notifier_call = pccf_netdev };

/* free_bufs - the per-CPU packet buffers. */
static void free_bufs(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
	{
		kvfree(per_cpu_ptr(&pccf_cpu, cpu)->buf);
		per_cpu_ptr(&pccf_cpu, cpu)->buf = NULL;
	}
}

static int __init pccf_init(void)
{
	int cpu, err;

	if (copy_bytes < 64 || copy_bytes > 65550 || ring_bytes < 4096 ||
	    ring_bytes > (64u << 20) ||
	    ring_bytes < sizeof(struct pccf_rec) + ALIGN(copy_bytes, 8) ||
	    session_filters == 0 || max_filters == 0)
		return -EINVAL;
	for_each_possible_cpu(cpu)
	{
		u8 *b = kvmalloc_node(copy_bytes, GFP_KERNEL, cpu_to_node(cpu));

		if (!b) {
			free_bufs();
			return -ENOMEM;
		}
		per_cpu_ptr(&pccf_cpu, cpu)->buf = b;
	}
	err = register_netdevice_notifier(&pccf_nb);
	if (err) {
		free_bufs();
		return err;
	}
	err = misc_register(&pccf_misc);
	if (err) {
		unregister_netdevice_notifier(&pccf_nb);
		free_bufs();
		return err;
	}
	pr_info("pccf: /dev/pccf ready, executable arena of %u bytes\n",
		(u32)PCCF_ARENA_BYTES);
	return 0;
}

/* pccf_exit - no session is open (each holds a module reference): remove
 * the persistent filters, wait for in-flight packets, free. */
static void __exit pccf_exit(void)
{
	struct pccf_filter *f, *t;

	misc_deregister(&pccf_misc);
	rtnl_lock();
	mutex_lock(&pccf_lock);
	list_for_each_entry_safe(f, t, &pccf_filters, node) destroy(f);
	mutex_unlock(&pccf_lock);
	rtnl_unlock();
	unregister_netdevice_notifier(&pccf_nb);
	synchronize_rcu();
	free_bufs();
}

module_init(pccf_init);
module_exit(pccf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("proof-carrying code packet filters");
