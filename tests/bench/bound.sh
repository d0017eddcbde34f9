# bound.sh - the server's memory bound as its settings allow it, for the benches
# that check it (verify.sh 3, downloads.sh); sourced. Sets, in KB:
#   track_kb       track-codes: about 0.3 KB a code kept in memory
#   render_one_kb  what one render thread may hold while it draws: 32 MB whatever
#                  the labels (libqpdf's pass over a PDF part, 1.3 KB a label of
#                  pdf-part-labels, and the finished part; cairo's PDF state; the
#                  CJK faces cut down to the batch's characters, labels/fonts.c)
#                  and 0.1 KB a label of max-download-labels (the download's label
#                  list, gi/export.c)
#   render_kb      the render threads past the first, render_one_kb each: the first
#                  draws within the 32 MB for the rest (measured with the default
#                  pdf-part-labels, 2,500; parts of 5,000 and 10,000 went past it)
#   bound_kb       cache-mb + track_kb + render_kb + 32 MB for the rest
# memory_bound CACHE_MB TRACK_CODES RENDER_THREADS MAX_DOWNLOAD_LABELS
memory_bound() {
    track_kb=$(($2 * 3 / 10))
    render_one_kb=$((32 * 1024 + $4 / 10))
    render_kb=$(($3 > 1 ? ($3 - 1) * render_one_kb : 0))
    bound_kb=$((($1 + 32) * 1024 + track_kb + render_kb))
}
