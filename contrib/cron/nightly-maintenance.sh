#!/bin/sh
# Nightly: a backup (0600), the store's integrity checks, then the data-quality check.
# crontab:  30 1 * * *  CSTOOL_DB=/srv/cs/cstool.db CSTOOL_BACKUP_DIR=/srv/cs/backups /opt/cstool/contrib/cron/nightly-maintenance.sh
# Exit: 0 all clean; 1 data-quality findings (listed); 5 the store failed its checks; other: the backup failed.
set -u
CSTOOL=${CSTOOL:-cstool}
BACKUP_DIR=${CSTOOL_BACKUP_DIR:-${HOME:-/tmp}/cstool-backups}
KEEP=${CSTOOL_KEEP_BACKUPS:-14}
LOCK=${CSTOOL_LOCK_DIR:-${TMPDIR:-/tmp}}/cstool-nightly-maintenance.lock

exec 9>"$LOCK"
if ! flock -n 9; then
    echo "nightly-maintenance: the previous run still holds $LOCK; skipping this one" >&2
    exit 0
fi

umask 077
mkdir -p "$BACKUP_DIR" || exit 2
backup="$BACKUP_DIR/cstool-$(date +%Y-%m-%dT%H%M%S).db"
if ! $CSTOOL db backup "$backup"; then
    echo "nightly-maintenance: backup to $backup failed" >&2
    exit 2
fi
# keep the newest $KEEP backups
ls -1t "$BACKUP_DIR"/cstool-*.db 2>/dev/null | tail -n +$((KEEP + 1)) | while read -r old; do rm -f "$old"; done

if ! $CSTOOL db check -f json > /dev/null; then
    echo "nightly-maintenance: the store failed its integrity checks:" >&2
    $CSTOOL db check >&2
    exit 5
fi

findings=$($CSTOOL check -f json 2>/dev/null)
rc=$?
if [ $rc -eq 1 ]; then
    echo "Data-quality findings:"
    $CSTOOL check 2>&1
    exit 1
fi
exit $rc
