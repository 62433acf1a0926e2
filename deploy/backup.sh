#!/usr/bin/env bash
# 三方学院 nightly backup (备份): the database, then media and private files (certificate PDFs).
# Run by academy-backup.timer with /etc/academy/academy.env loaded; see deploy/README.md, "Backups".
#   BACKUP_DIR        where dumps and file copies go (default /var/backups/academy); replicate it off the host
#   BACKUP_KEEP_DAYS  how many days of database dumps to keep (default 30)
# The dump comes first: files are only ever added (a certificate PDF is never rewritten in place), so files
# copied after the dump cover every file the dump refers to.
set -euo pipefail

BACKUP_DIR="${BACKUP_DIR:-/var/backups/academy}"
BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-30}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$BACKUP_DIR/db" "$BACKUP_DIR/media" "$BACKUP_DIR/private"

# 1. Database: PostgreSQL's custom format (compressed; pg_restore can restore it table by table).
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
    pg_dump --format=custom --no-owner --no-privileges --file="$BACKUP_DIR/db/academy-$stamp.dump" "$DATABASE_URL"
else
    # The embedded SQLite database: a consistent online copy.
    sqlite3 "${DATABASE_URL#sqlite:///}" ".backup '$BACKUP_DIR/db/academy-$stamp.sqlite3'"
fi

# 2. Media and private files: object storage, or local directories.
if [[ -n "${S3_BUCKET:-}" ]]; then
    endpoint=()
    [[ -n "${S3_ENDPOINT_URL:-}" ]] && endpoint=(--endpoint-url "$S3_ENDPOINT_URL")
    aws s3 sync "${endpoint[@]}" --only-show-errors \
        "s3://$S3_BUCKET/${S3_MEDIA_PREFIX:-media}/" "$BACKUP_DIR/media/"
    aws s3 sync "${endpoint[@]}" --only-show-errors \
        "s3://${S3_PRIVATE_BUCKET:-$S3_BUCKET}/${S3_PRIVATE_PREFIX:-private}/" "$BACKUP_DIR/private/"
else
    rsync -a "${MEDIA_ROOT:-/srv/academy/media}/" "$BACKUP_DIR/media/"
    rsync -a "${PRIVATE_MEDIA_ROOT:-/srv/academy/private}/" "$BACKUP_DIR/private/"
fi

# 3. Keep BACKUP_KEEP_DAYS days of dumps; files are kept as they are (nothing in them is ever deleted on purpose).
find "$BACKUP_DIR/db" -type f -mtime "+$BACKUP_KEEP_DAYS" -delete
echo "backup $stamp done: $(du -sh "$BACKUP_DIR" | cut -f1) in $BACKUP_DIR"
