#!/bin/sh
# Weekly: store every account's computed health score, then mail the accounts that are red.
# crontab:  30 6 * * 1  CSTOOL_DB=/srv/cs/cstool.db /opt/cstool/contrib/cron/weekly-health.sh
set -u
CSTOOL=${CSTOOL:-cstool}
LOCK=${CSTOOL_LOCK_DIR:-${TMPDIR:-/tmp}}/cstool-weekly-health.lock

exec 9>"$LOCK"
if ! flock -n 9; then
    echo "weekly-health: the previous run still holds $LOCK; skipping this one" >&2
    exit 0
fi

if ! $CSTOOL health snapshot 2>/dev/null; then
    rc=$?
    echo "weekly-health: cstool health snapshot failed (exit $rc)" >&2
    exit $rc
fi
red=$($CSTOOL report health --colour red -f csv 2>/dev/null) || exit $?
count=$(($(printf '%s\n' "$red" | wc -l) - 1))
if [ "$count" -gt 0 ]; then
    echo "$count account(s) with a red health score this week:"
    printf '%s\n' "$red"
fi
exit 0
