/*
 * fixtures.h - libpcap's test name fixtures, visible in /etc for this
 * process and its children only (see fixtures.c).
 */
#ifndef PCCF_FIXTURES_H
#define PCCF_FIXTURES_H

/* fixtures_setup - the fixtures of 'corpus'/filters/fixtures in place:
 * 1, or 0 when not possible (not root, PCCF_NO_FIXTURES set, ...). */
int fixtures_setup(const char *corpus);

/* fixtures_done - undo fixtures_setup. */
void fixtures_done(void);

#endif
