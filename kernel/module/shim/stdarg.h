/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shim/stdarg.h - <stdarg.h> for the trusted core inside the kernel.
 *
 * kernel/compat.c includes <stdarg.h>, which user space gets from the
 * compiler; the kernel builds with -nostdinc and has it as
 * <linux/stdarg.h> (Linux >= 5.15).  This file lets the core compile
 * unchanged.  Trusts: the kernel's header.
 */
#include <linux/stdarg.h>
