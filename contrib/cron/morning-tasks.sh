#!/bin/sh
# Morning mail: open tasks due within a week (overdue included), one table.
# crontab:  0 7 * * 1-5  CSTOOL_DB=/srv/cs/cstool.db /opt/cstool/contrib/cron/morning-tasks.sh
# cron mails whatever this prints; it prints nothing when nothing is due.
set -u
CSTOOL=${CSTOOL:-cstool}
WINDOW=${CSTOOL_DUE_WINDOW:-7d}
LOCK=${CSTOOL_LOCK_DIR:-${TMPDIR:-/tmp}}/cstool-morning-tasks.lock

exec 9>"$LOCK"
if ! flock -n 9; then
    echo "morning-tasks: the previous run still holds $LOCK; skipping this one" >&2
    exit 0
fi

due=$($CSTOOL task list --due "$WINDOW" -f json) || exit $?
[ "$due" = "[]" ] && exit 0
echo "Tasks due within $WINDOW (overdue included):"
$CSTOOL task list --due "$WINDOW"
