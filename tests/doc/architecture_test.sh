#!/usr/bin/env bash
# Keeps doc/ARCHITECTURE.md true: every top-level folder of the repository is in its folder tables
# and every folder they name exists; each library includes only what its "may use" column allows;
# no source folder holds more than 15 units (a .cpp and its header are one) or a fifth of the code.
set -euo pipefail
source_dir=$1
doc=$source_dir/doc/ARCHITECTURE.md
cd "$source_dir"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Top-level folders: what git tracks when this is a clone, else what is on disk (an unpacked tarball).
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  folders=$(git ls-files | grep / | cut -d/ -f1 | sort -u | grep -v '^\.')
else
  folders=$(find . -mindepth 1 -maxdepth 1 -type d ! -name '.*' ! -name 'build*' -printf '%f\n' | sort)
fi
named=$(grep -oE '^\| `[a-z_]+/`' "$doc" | grep -oE '[a-z_]+' | sort -u)
for folder in $folders; do
  grep -qx "$folder" <<< "$named" || fail "the folder $folder/ is not in $doc"
done
for folder in $named; do
  [ -d "$folder" ] || fail "$doc names $folder/, which does not exist"
done

# Libraries: the rows of the first table with a "may use" column.
libraries=$(awk -F'|' '/^\| folder \| job \| may use/ {on=1; next} on && /^\|---/ {next} on && /^\|/ {print $2} on && !/^\|/ {exit}' "$doc" |
  grep -oE '[a-z_]+' | sort -u)
[ -n "$libraries" ] || fail "no library table (| folder | job | may use | used by |) in $doc"
for library in $libraries; do
  allowed=$(awk -F'|' -v lib="\`$library/\`" '$2 ~ lib {print $4}' "$doc" | grep -oE '[a-z_]+' | sort -u)
  # A library's own headers, and those of the libraries its row allows; a tool/ folder is a program
  # and may use whatever its row says it reads, so only the library's own code is held to the row.
  while IFS= read -r file; do
    for used in $(grep -ohE '^#include "[a-z_]+/' "$file" | grep -oE '"[a-z_]+' | tr -d '"' | sort -u); do
      [ "$used" = "$library" ] && continue
      grep -qx "$used" <<< "$libraries" || continue
      grep -qx "$used" <<< "$allowed" || fail "$file includes $used/, which $library/ may not use (doc/ARCHITECTURE.md)"
    done
  done < <(find "$library" -path "$library/tool" -prune -o -type f \( -name '*.cpp' -o -name '*.hpp' \) -print)
done

# Room sizes, per folder: units and lines against the whole of the product's code.
total=$(find $libraries -type f \( -name '*.cpp' -o -name '*.hpp' \) -print0 | xargs -0 cat | wc -l)
while IFS= read -r dir; do
  units=$(find "$dir" -maxdepth 1 -type f \( -name '*.cpp' -o -name '*.hpp' \) -printf '%f\n' | sed -E 's/\.(cpp|hpp)$//' | sort -u | wc -l)
  lines=$(find "$dir" -maxdepth 1 -type f \( -name '*.cpp' -o -name '*.hpp' \) -print0 | xargs -0 cat | wc -l)
  [ "$units" -le 15 ] || fail "$dir holds $units units (at most 15: give its parts a sub-folder)"
  [ $((lines * 5)) -le "$total" ] || fail "$dir holds $lines of $total lines (more than a fifth)"
done < <(find $libraries -type d)

echo "checked $(wc -w <<< "$folders") folders and $(wc -w <<< "$libraries") libraries against doc/ARCHITECTURE.md"
[ "$failures" -eq 0 ]
