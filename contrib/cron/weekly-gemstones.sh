#!/bin/sh
# Weekly: recompute every account's gemstone; keep the transitions, mail them when there are any.
# crontab:  0 6 * * 1  CSTOOL_DB=/srv/cs/cstool.db /opt/cstool/contrib/cron/weekly-gemstones.sh
set -u
CSTOOL=${CSTOOL:-cstool}
LOG_DIR=${CSTOOL_LOG_DIR:-${HOME:-/tmp}/cstool-logs}
LOCK=${CSTOOL_LOCK_DIR:-${TMPDIR:-/tmp}}/cstool-weekly-gemstones.lock

exec 9>"$LOCK"
if ! flock -n 9; then
    echo "weekly-gemstones: the previous run still holds $LOCK; skipping this one" >&2
    exit 0
fi

mkdir -p "$LOG_DIR" || exit 1
log="$LOG_DIR/gemstones-$(date +%Y-%m-%dT%H%M%S).csv"
if ! $CSTOOL gemstone recalc -f csv > "$log" 2>/dev/null; then
    rc=$?
    echo "weekly-gemstones: cstool gemstone recalc failed (exit $rc)" >&2
    exit $rc
fi
count=$(($(wc -l < "$log") - 1))
if [ "$count" -gt 0 ]; then
    echo "$count gemstone transition(s) this week (kept in $log):"
    cat "$log"
fi
exit 0
