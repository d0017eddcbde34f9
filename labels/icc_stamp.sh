#!/bin/sh
# icc_stamp.sh - sets an ICC profile's creation date (header bytes 24-35: year,
# month, day, hour, minute, second, big-endian 16-bit each) to the modification
# time of the data it was made from, so that the same characterization data makes
# the same profile bytes on every build. colprof writes the time it ran; nothing
# else in its output differs from run to run, and its version 2 profiles carry no
# profile ID (an MD5 over the header) that the new date would invalidate.
#
# Usage: icc_stamp.sh PROFILE.icc SOURCE
set -eu
bytes=$(date -u -r "$2" '+%Y %m %d %H %M %S' | awk '{
    for (i = 1; i <= NF; i++) { v = $i + 0; printf "\\%03o\\%03o", int(v / 256), v % 256 }
}')
printf "$bytes" | dd of="$1" bs=1 seek=24 count=12 conv=notrunc status=none
