#!/bin/sh
# Daily: open a renewal opportunity for every account whose renewal date is within renewal-lead-days
# (default 180) and has none yet; mail the ones opened.  Idempotent: a second run the same day opens nothing.
# crontab:  15 6 * * *  CSTOOL_DB=/srv/cs/cstool.db /opt/cstool/contrib/cron/daily-renewals.sh
# Exit: 0 (silent when nothing was opened), or cstool's own exit code when it failed.
set -u
CSTOOL=${CSTOOL:-cstool}
LOCK=${CSTOOL_LOCK_DIR:-${TMPDIR:-/tmp}}/cstool-daily-renewals.lock

exec 9>"$LOCK"
if ! flock -n 9; then
    echo "daily-renewals: the previous run still holds $LOCK; skipping this one" >&2
    exit 0
fi

opened=$($CSTOOL renewal open -f csv 2>/dev/null)
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "daily-renewals: cstool renewal open failed (exit $rc)" >&2
    exit "$rc"
fi
count=$(($(printf '%s\n' "$opened" | grep -c .) - 1))
if [ "$count" -gt 0 ]; then
    echo "$count renewal opportunit$([ "$count" -eq 1 ] && echo y || echo ies) opened:"
    printf '%s\n' "$opened"
fi
exit 0
