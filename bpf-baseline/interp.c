/*
 * interp.c - the BSD Packet Filter technique: libpcap compiles the
 * expression and its own bpf_filter interprets the program, checking
 * every load against the captured length (see baseline.h).  Untrusted.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include "baseline.h"

/* baseline_interp_compile - see baseline.h. */
int baseline_interp_compile(const char *expr, struct bpf_program *prog,
			    char *err, size_t errlen)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, BASELINE_SNAPLEN);

	if (!p) {
		snprintf(err, errlen, "pcap_open_dead failed");
		return -1;
	}
	if (pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, errlen, "%s", pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	pcap_close(p);
	return 0;
}
