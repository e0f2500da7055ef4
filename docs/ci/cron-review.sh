#!/usr/bin/env bash
# A monthly Rovo MCP review from cron, on any host with rovo-audit installed.
#
# Install: put this script and your files in one folder, then `crontab -e` and add
#   0 6 1 * *  /opt/rovo-review/cron-review.sh >> /var/log/rovo-review.log 2>&1
# (06:00 on the 1st of every month). Settings come from `rovo-audit collect` when
# COLLECT=1 (its ROVO_AUDIT_* secrets in /opt/rovo-review/.env), else from $SETTINGS as is.
#
# Each run writes reports/report.html (with "Since the last review" and the trend),
# results.json and summary.md, keeps one results.json per run in reports/history/, lists
# the waivers to review in reports/waivers.txt, and exits 1 when something blocks.
set -uo pipefail

cd "${REVIEW_DIR:-$(dirname "$0")}" || exit 2
POLICIES=${POLICIES:-"--policy baseline --policy policies/ours.yaml"}
SETTINGS=${SETTINGS:-settings.yaml}
WAIVERS=${WAIVERS:-waivers.yaml}
OUT=${OUT:-reports}
KEEP=${KEEP:-24}
EXTRA_ARGS=${EXTRA_ARGS:-}          # more audit flags, e.g. --fail-on warn

if [ "${COLLECT:-0}" = 1 ]; then
  rovo-audit collect --out "$SETTINGS" --attest attested.yaml || [ $? -eq 1 ] || exit 2
fi

# shellcheck disable=SC2086  # POLICIES and EXTRA_ARGS are lists of flags
rovo-audit audit $POLICIES --settings "$SETTINGS" --waivers "$WAIVERS" --out "$OUT" \
  --format html,json,md $EXTRA_ARGS
status=$?
[ "$status" -le 1 ] || exit "$status"    # 2: bad input, nothing was written

# shellcheck disable=SC2086
rovo-audit waivers "$WAIVERS" --settings "$SETTINGS" $POLICIES > "$OUT/waivers.txt"
rovo-audit history prune --history "$OUT/history" --keep "$KEEP" > /dev/null

# Hook your notification here, e.g.:
#   [ "$status" -eq 0 ] || mail -s "Rovo MCP review: blocked" security@example.com < "$OUT/summary.md"
exit "$status"
