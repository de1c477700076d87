/*
 * netchk - threshold ranges (monitoring-plugins guidelines, "Threshold
 * and ranges")
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "range.h"

/* One number with an optional time suffix; the whole of [s, e) is used. */
static bool parse_number(const char *s, const char *e, bool time_units,
			 double *out)
{
	char buf[64], *end = NULL;
	size_t n = (size_t)(e - s);
	double v, scale = 1;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (time_units) {
		switch (buf[n - 1]) {
		case 's': scale = 1; buf[--n] = '\0'; break;
		case 'm': scale = 60; buf[--n] = '\0'; break;
		case 'h': scale = 3600; buf[--n] = '\0'; break;
		case 'd': scale = 86400; buf[--n] = '\0'; break;
		case 'w': scale = 604800; buf[--n] = '\0'; break;
		default: break;
		}
	}
	/* strtod would take "inf", "nan" and hex: the syntax has none */
	if (n == 0 || strspn(buf, "+-0123456789.") != n)
		return false;
	errno = 0;
	v = strtod(buf, &end);
	if (errno != 0 || end != buf + n || !isfinite(v * scale))
		return false;
	*out = v * scale;
	return true;
}

bool netchk_range_parse(const char *s, bool time_units,
			struct netchk_range *out)
{
	struct netchk_range r = { .set = true };
	const char *colon;

	if (s == NULL)
		return false;
	if (*s == '@') {
		r.inside = true;
		s++;
	}
	colon = strchr(s, ':');
	if (colon == NULL) {
		/* "N" is 0:N */
		r.has_start = true;
		r.start = 0;
		r.has_end = true;
		if (!parse_number(s, s + strlen(s), time_units, &r.end))
			return false;
	} else {
		if (strchr(colon + 1, ':') != NULL)
			return false;
		if (colon - s == 1 && *s == '~') {
			r.has_start = false;
		} else {
			/* the guidelines have no empty start (":10") */
			r.has_start = true;
			if (!parse_number(s, colon, time_units, &r.start))
				return false;
		}
		if (colon[1] == '\0') {
			r.has_end = false;
		} else {
			r.has_end = true;
			if (!parse_number(colon + 1, colon + 1 + strlen(colon + 1),
					  time_units, &r.end))
				return false;
		}
	}
	if (r.has_start && r.has_end && r.start > r.end)
		return false;
	if (!r.has_start && !r.has_end)		/* "~:" would never alert */
		return false;
	*out = r;
	return true;
}

bool netchk_range_alert(const struct netchk_range *r, double v)
{
	bool in;

	if (r == NULL || !r->set)
		return false;
	in = (!r->has_start || v >= r->start) && (!r->has_end || v <= r->end);
	return r->inside ? in : !in;
}

/* %g drops the ".0" and keeps integers of seconds exact up to 1e15 */
static void number(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.15g", v);
}

char *netchk_range_format(const struct netchk_range *r, char *buf,
			  size_t size)
{
	char a[40] = "~", b[40] = "";

	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (r == NULL || !r->set)
		return buf;
	if (r->has_start)
		number(a, sizeof(a), r->start);
	if (r->has_end)
		number(b, sizeof(b), r->end);
	if (!r->inside && r->has_start && r->start == 0 && r->has_end)
		snprintf(buf, size, "%s", b);
	else
		snprintf(buf, size, "%s%s:%s", r->inside ? "@" : "", a, b);
	return buf;
}
