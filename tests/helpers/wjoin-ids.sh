#!/bin/sh
# wjoin-ids.sh: wjoin's output on stdin, {"left":L,"right":R} a line, as
# "LEFT_ID RIGHT_ID" lines sorted as sqljoin.py sorts them (bytes), with
# "null" for the missing side of an outer row. A line that is not such a
# pair makes it fail.
set -e
jq -r 'if type == "object" and has("left") and has("right")
	then "\(.left.id) \(.right.id)"
	else error("not a pair: \(tojson)") end' | LC_ALL=C sort
