/*
 * ioctl.h - the ABI of /dev/pccf, shared by the kernel module
 * (kernel/module/pccf_main.c) and the user-space tool (cli/cmd_kernel.c).
 *
 * Every open file descriptor of /dev/pccf is a session (opening needs
 * CAP_NET_RAW).  A session loads certified objects with PCCF_IOC_LOAD; the
 * module verifies each one with the trusted core (the same pccf_verify as
 * 'pccf check'), copies the code into its executable arena and attaches
 * the filter to one interface or all.  A filter loaded with
 * PCCF_LOAD_PERSIST belongs to the module, not to the session: it
 * survives close() and is removed by PCCF_IOC_UNLOAD or rmmod (this is
 * what 'pccf load' does).  Other filters belong to the session: the
 * packets they accept are queued in the session's ring, read() returns
 * them, and close() detaches and frees them ('pccf capture').
 *
 * read() returns whole records, each a struct pccf_rec followed by
 * 'caplen' packet bytes and zero padding up to a multiple of 8.
 *
 * Rejections: PCCF_IOC_LOAD fails with the errno of PCCF_ERRNO_* below
 * for the trusted core's rejection class, and fills 'code' and 'msg'
 * (the text 'pccf check' prints) before returning.  Untrusted ABI
 * definitions; no logic.
 */
#ifndef PCCF_IOCTL_H
#define PCCF_IOCTL_H

#ifdef __KERNEL__
#include <linux/ioctl.h>
#include <linux/types.h>
#else
#include <stdint.h>
#include <sys/ioctl.h>
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int32_t __s32;
#endif

#define PCCF_DEV "/dev/pccf"
#define PCCF_IFNAMSIZ 16 /* IFNAMSIZ */
#define PCCF_IOC_MSG 240 /* PCCF_MSG_MAX */

/* errno for each rejection class (enum pccf_code). ORDER PCCF_CODE */
#define PCCF_ERRNO_EOBJ EPROTO	   /* malformed object */
#define PCCF_ERRNO_EDECODE ENOEXEC /* instruction outside the subset */
#define PCCF_ERRNO_ECFG ELOOP	   /* control flow: cycle, target */
#define PCCF_ERRNO_EPOLICY EACCES  /* register, taint or flag rule */
#define PCCF_ERRNO_EPROOF EBADMSG  /* proof does not prove the VC */
#define PCCF_ERRNO_ELIMIT E2BIG	   /* a verification limit */

/* struct pccf_load.flags */
#define PCCF_LOAD_PERSIST 1u /* owned by the module, outlives the fd */

/* PCCF_IOC_LOAD: verify, install and attach one object. */
struct pccf_load {
	/* in */
	__u64 obj;		    /* user address of the object bytes */
	__u32 obj_len;		    /* its length */
	__u32 flags;		    /* PCCF_LOAD_* */
	char ifname[PCCF_IFNAMSIZ]; /* "" = every Ethernet-like interface */
	/* out */
	__u32 id;	     /* filter id (> 0) when loaded */
	__s32 code;	     /* enum pccf_code of a rejection, 0 = ok */
	__u32 ncode, nproof; /* code and proof bytes */
	__u32 proof_nodes;   /* proof tree nodes checked */
	__u32 reserved;
	__u64 verify_ns;	/* time spent in pccf_verify */
	char msg[PCCF_IOC_MSG]; /* rejection text, "" when ok */
};

/* One filter's description and counters. */
struct pccf_info {
	__u32 id;
	__u32 flags;		    /* PCCF_INFO_* */
	char ifname[PCCF_IFNAMSIZ]; /* "" = all */
	__u64 seen;		    /* packets the filter ran on */
	__u64 accepted;		    /* ... that it returned nonzero for */
	__u64 dropped;		    /* accepted but not queued: ring full */
	__u32 ncode, nproof;
	__u32 arena_off; /* where its code sits in the arena */
	__s32 owner;	 /* pid that loaded it */
};

#define PCCF_INFO_PERSIST 1u  /* owned by the module */
#define PCCF_INFO_MINE 2u     /* owned by the calling session */
#define PCCF_INFO_DETACHED 4u /* its interface went away */

/* PCCF_IOC_LIST: every filter, up to 'max' of them into 'buf'. */
struct pccf_list {
	/* in */
	__u64 buf; /* user address of struct pccf_info[max] */
	__u32 max;
	/* out */
	__u32 n;	   /* filters loaded (may exceed max) */
	__u32 arena_bytes; /* executable arena size */
	__u32 arena_used;  /* bytes of it in use (whole chunks) */
};

/* A record of read(): header, then 'caplen' bytes, padded to 8. */
struct pccf_rec {
	__u64 ts_ns;   /* CLOCK_REALTIME when the filter ran */
	__u32 caplen;  /* bytes kept: min(filter result, copied) */
	__u32 wirelen; /* length of the frame on the wire */
	__u32 id;      /* filter that accepted it */
	__u32 reserved;
};

#define PCCF_IOC_MAGIC 'P'
#define PCCF_IOC_LOAD _IOWR(PCCF_IOC_MAGIC, 1, struct pccf_load)
#define PCCF_IOC_LIST _IOWR(PCCF_IOC_MAGIC, 2, struct pccf_list)
#define PCCF_IOC_STATS _IOWR(PCCF_IOC_MAGIC, 3, struct pccf_info) /* in: id */
#define PCCF_IOC_UNLOAD _IOW(PCCF_IOC_MAGIC, 4, __u32)

#endif
