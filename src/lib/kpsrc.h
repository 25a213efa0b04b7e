/*
 * The exactly-once wire format: "_kp_src", the source position each record
 * carries through a shell pipe from kin --eos to kout --eos, and the
 * members that carry a Kafka value that is no JSON object. This is its one
 * description. kin writes it (src/kcat-in/eos.c); kout reads it
 * (src/kcat-out/eos.c); wjoin reads it and writes its own
 * (src/wjoin/positions.c); wagg refuses it. The commit metadata that goes
 * with it is eosruns.h.
 *
 * A record. kin --eos writes each message as one JSON object line whose
 * last member is
 *
 *	"_kp_src":[group, topic, partition, offset, generation, member, runs]
 *
 * offset being the record's own, generation and member those of the group
 * assignment it was read under (kout --eos fences its commit with them,
 * KIP-447), and runs, only on a record read again after a restart, the
 * earlier runs of a window filter that joined it: [[id, processed], ...],
 * each processed beyond offset (eosruns.h). A value that is no JSON object
 * is wrapped, and kout --eos unwraps it: {"_kp_value":V} (other JSON),
 * {"_kp_text":"..."} (text), {"_kp_tombstone":true} (no value).
 *
 * A window filter (wjoin). Its lines carry "_kp_src":"+": their position
 * comes on a later line. That line holds nothing but positions:
 *
 *	{"_kp_src":[[group, topic, partition, resume, generation, member,
 *	    processed, runs], ...]}
 *
 * one entry a source partition: resume is where a restart reads from (the
 * oldest record still in the window), processed the offset after the last
 * record joined from it in this run, runs those whose records may be read
 * again, this run's among them. kout --eos commits resume, with the runs
 * as the commit's metadata.
 *
 * The arity rule, one for both forms. Elements 0 to 3 always: group and
 * topic strings, then whole numbers, the partition 0 to 2^31-1, the offset
 * 0 to 2^53 (the most a JSON number holds exactly). Generation (-1 to
 * 2^31-1) and member (a string) come together, or in a record not at all:
 * its commit is then not fenced. After them a record has at most its runs;
 * a window entry has processed (not below resume) and at most its runs. So
 * a record has 4, 6 or 7 elements, a window entry 7 or 8. Shapes an older
 * kpipes wrote are read still: a record of 4 (before fencing), a record's
 * runs as one number N (one run "p" that processed up to N), a window
 * entry of 7 (before runs). A run list holds [id, processed] pairs only
 * (ids as eosruns.h says); the first EOS_RUNS_MAX are kept (fewer cost
 * duplicates, not loss). A record's runs each reach beyond its offset, or
 * the record is refused; a window entry's runs that do not reach beyond
 * resume say nothing and are left out.
 *
 * Read without libjq. kout --eos and wjoin read a position on every line,
 * and libjq's parse of it cost kout --eos more than the rest of the line.
 * kpsrc_parse_text reads the forms kin writes (strings of ASCII without
 * escapes or control characters, whole numbers written as integers, no
 * runs) itself, checks them by the same rule as kpsrc_parse, and hands
 * anything else to kpsrc_parse: the result is the same either way.
 */
#ifndef KP_KPSRC_H
#define KP_KPSRC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <jv.h>

#include "eosruns.h"

#define KPSRC_MEMBER		"_kp_src"
/* A window filter's line whose position comes later: its _kp_src. */
#define KPSRC_PENDING		"+"
#define KPSRC_PENDING_MEMBER	"\"" KPSRC_MEMBER "\":\"" KPSRC_PENDING "\""

enum kpsrc_form {
	KPSRC_RECORD,		/* kin's, on each record */
	KPSRC_WINDOW		/* an entry of a window filter's position line */
};

/* What the value of a _kp_src member is. */
enum kpsrc_kind {
	KPSRC_KIND_RECORD,	/* anything else: a record's, if it parses */
	KPSRC_KIND_PENDING,	/* "+" */
	KPSRC_KIND_LIST		/* a window filter's list of entries */
};

/* kpsrc_parse's failures, and the reasons kpsrc_why gives for them. */
enum {
	KPSRC_BAD = -1,		/* not the shape, or a number out of range */
	KPSRC_BAD_RUNS = -2	/* a record's runs are not runs beyond it */
};
/* kpsrc_parse_fast: a text only kpsrc_parse judges. */
#define KPSRC_NOT_FAST	1

/* Room for the strings of a position read without libjq, NULs included. */
#define KPSRC_TEXT_MAX	256

struct kpsrc {
	enum kpsrc_form	 form;
	const char	*group, *topic;
	const char	*member;	/* "" when not given */
	int32_t		 partition;
	int64_t		 offset;	/* a record's own; a window entry's resume */
	int32_t		 generation;	/* -1: not given, the commit not fenced */
	int64_t		 processed;	/* a window entry's; -1 in a record */
	struct eos_run	 runs[EOS_RUNS_MAX];
	int		 nruns;
	/*
	 * Parsed: the strings above live in held (if holding), owned until
	 * released, or, read without libjq, in text (so a parsed kpsrc is
	 * not copied).
	 */
	jv		 held[3];
	int		 holding;
	char		 text[KPSRC_TEXT_MAX];
};

/* The kind of a _kp_src value v (not consumed). */
enum kpsrc_kind kpsrc_kind(jv v);
/*
 * Reads v (consumed) as a position of the form given into *s. Returns 0,
 * KPSRC_BAD or KPSRC_BAD_RUNS. On success s holds references to v's
 * strings until kpsrc_release; on failure it holds nothing, and releasing
 * it does no harm.
 */
int	kpsrc_parse(jv v, enum kpsrc_form, struct kpsrc *s);
void	kpsrc_release(struct kpsrc *);
/*
 * kpsrc_parse of the JSON text t[0..n) (a member's value, as jsonscan.h
 * finds it), with the same result, read without libjq where
 * kpsrc_parse_fast can.
 */
int	kpsrc_parse_text(const char *t, size_t n, enum kpsrc_form,
	    struct kpsrc *s);
/*
 * The part of kpsrc_parse_text that does without libjq: returns 0, s as
 * kpsrc_parse would have it, or KPSRC_NOT_FAST, s holding nothing, for
 * anything but the forms it reads (kpsrc_parse alone accepts or refuses).
 */
int	kpsrc_parse_fast(const char *t, size_t n, enum kpsrc_form,
	    struct kpsrc *s);
/* kpsrc_kind of the JSON text t[0..n), read without libjq where it can be. */
enum kpsrc_kind kpsrc_kind_text(const char *t, size_t n);
/* The reason to give for a line on kpsrc_parse's failure rc. */
const char *kpsrc_why(enum kpsrc_form, int rc);

/*
 * Writes s as the value of a _kp_src member: the array, alone. Of a
 * record only the runs beyond its offset are written (none: no seventh
 * element), and one of generation -1 and member "" with none is written in
 * the four-element form; a window entry is written whole, with the runs
 * it holds.
 */
void	kpsrc_write(FILE *, const struct kpsrc *s);
/*
 * Writes a Kafka message as kin --eos does: its value (NULL: a tombstone)
 * as one JSON object line, wrapped as above if it is no object, with the
 * record's position s as its last member. Line breaks in JSON text become
 * spaces (JSON's white space). Returns -1 if the stream has an error.
 */
int	kpsrc_write_line(FILE *, const char *value, size_t len,
	    const struct kpsrc *s);
/*
 * The Kafka value a record stands for, given the record without its
 * _kp_src (rec[0..n)): rec itself, or what a wrapper holds: *value NULL
 * for a tombstone; text decoded into *owned (the caller frees it, NULL if
 * nothing was decoded), which *value then points to.
 */
void	kpsrc_unwrap(const char *rec, size_t n, const char **value,
	    size_t *len, char **owned);
/* A line's _kp_src, as kpsrc_take finds it. */
struct kpsrc_taken {
	enum kpsrc_kind	 kind;
	const char	*text;		/* the member's value: text[0..len) */
	size_t		 len;
	int		 rc;		/* a record's: kpsrc_parse's, for src */
	struct kpsrc	 src;		/* a record's; the caller releases it */
};

/*
 * Validates line[0..len) as json_validate does and, in the same pass,
 * takes its _kp_src member out as json_member_remove does (the rest of
 * the line to out, room for len bytes) and reads it into *t: its kind,
 * and a record's position as kpsrc_parse_text reads it. Returns the length
 * of the rest; -1, *why set, if the line is not JSON; KPSRC_NONE if it is
 * no object with a _kp_src member (t->src then holds nothing).
 */
#define KPSRC_NONE	(-2)
ssize_t	kpsrc_take(const char *line, size_t len, char *out,
	    struct kpsrc_taken *t, const char **why);
/* Whether the JSON text line[0..len) is an object with a _kp_src member. */
int	kpsrc_carried(const char *line, size_t len);
/* Whether the bytes mention a "_kp_src" member: a cheap test, for a line cut short. */
int	kpsrc_mentioned(const char *line, size_t len);

#endif
