/*
 * netchk - threshold ranges of the monitoring-plugins guidelines
 *
 *	[@]start:end	start and end numbers, "~" as start is -infinity,
 *			no end is +infinity, a lone number N means 0:N;
 *			alert when the value is outside start..end (with
 *			'@': inside, both ends included).
 *
 * Numbers may carry a unit suffix that scales them to the base unit
 * (seconds: s, m, h, d, w), so "14d" is 1209600.  Pure: no I/O.
 */
#ifndef NETCHK_RANGE_H
#define NETCHK_RANGE_H

#include <stdbool.h>
#include <stddef.h>

struct netchk_range {
	bool set;		/* a range was given */
	bool inside;		/* '@': alert inside start..end */
	bool has_start;		/* false: -infinity ("~") */
	double start;
	bool has_end;		/* false: +infinity */
	double end;
};

/*
 * Parse s into *out; false (and *out untouched) when s is not a range.
 * time_units allows the s/m/h/d/w suffixes.
 */
bool netchk_range_parse(const char *s, bool time_units,
			struct netchk_range *out);

/* Whether value is to be alerted on under r (false when r is not set). */
bool netchk_range_alert(const struct netchk_range *r, double value);

/*
 * The range in base units, in the guidelines' syntax, for perfdata
 * ("" when not set).  Returns buf.
 */
char *netchk_range_format(const struct netchk_range *r, char *buf,
			  size_t size);

#endif
