#!/usr/bin/env bash
# Streams a ~2 GB lead CSV through the import (a dry run: every row is parsed,
# validated, de-duplicated and written, then rolled back) and reports the peak
# memory, which must stay far below the file size.
# Usage: bench/big-file.sh [WORKDIR]   (after cargo build --release -p leadstream-cli)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-bench/data}
cli=target/release/leadstream
mkdir -p "$work"
big="$work/big-2gb.csv"
if [ ! -s "$big" ]; then
  # 19M rows of ~110 bytes: about 2 GB. awk streams it; nothing is held in memory.
  awk 'BEGIN {
    print "Email,First Name,Last Name,Company Name,Job Title,Country/Region,Number of Employees,Create Date";
    for (i = 0; i < 19000000; i++)
      printf "lead%d@bulk-%d.example,First%d,Last%d,Company %d GmbH,Marketing Manager,Germany,%d,2026-%02d-%02d\n",
        i, i % 5000, i % 997, i % 1009, i % 5000, 10 + i % 900, 1 + i % 12, 1 + i % 28;
  }' > "$big"
fi
echo "file: $(du -h "$big" | cut -f1), $(($(wc -l < "$big") - 1)) rows"
rm -f "$work"/big.leadstream*
"$cli" --db "$work/big.leadstream" init > /dev/null
/usr/bin/time -f "%e s wall, %M KiB peak RSS" "$cli" --db "$work/big.leadstream" import leads "$big" --dry-run --json
