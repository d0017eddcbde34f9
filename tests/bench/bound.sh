# bound.sh - the server's memory bound as its settings allow it, for the benches
# that check it (verify.sh 3b, downloads.sh); sourced. Sets, in KB:
#   track_kb   track-codes: about 0.3 KB a code kept in memory
#   render_kb  what the render threads may hold while they draw: each 32 MB
#              whatever the labels (libqpdf's pass over a PDF part, 1.3 KB a label
#              of pdf-part-labels, and the finished part; cairo's PDF state; the
#              CJK faces cut down to the batch's characters, labels/fonts.c, so
#              cairo's font subsetter no longer copies Noto Sans CJK's 16 MB CFF
#              table) and 0.1 KB a label of max-download-labels (the download's
#              label list, gi/export.c)
#   bound_kb   cache-mb + those + 32 MB for the rest
# memory_bound CACHE_MB TRACK_CODES RENDER_THREADS MAX_DOWNLOAD_LABELS
memory_bound() {
    track_kb=$(($2 * 3 / 10))
    render_kb=$(($3 * (32 * 1024 + $4 / 10)))
    bound_kb=$((($1 + 32) * 1024 + track_kb + render_kb))
}
