#!/bin/sh
# run-demo.sh - what `make run` does after building: on first run, create the
# demo database with one activated batch of labels, then start the server on
# 127.0.0.1:8080 and print the addresses to open.
set -eu
cd "$(dirname "$0")/.."
GIMARK=build/gimark
DB=${GIMARK_DB:-gimark.db}
LISTEN=${GIMARK_LISTEN:-127.0.0.1:8080}
BASE=http://$LISTEN
# What print files and linksets point at: a public address (print files refuse a
# loopback or private one, which no shopper's phone reaches). The demo's is an
# example domain (http: an https base URL marks the session cookie Secure, which a
# browser may not send back to http://127.0.0.1); GIMARK_BASE_URL=https://your.office.example
# make run sets yours.
PUBLIC=${GIMARK_BASE_URL:-http://verify.example.org}
if [ ! -f "$DB" ]; then
    "$GIMARK" --db "$DB" init
    # with two closed years of labels and use reports, operators taking up the mark
    # over the last year and 30 days of scans, so the desk has figures and charts
    "$GIMARK" --db "$DB" demo --history --activity >/dev/null
    bid=$("$GIMARK" --db "$DB" --json batch request --auth 1 --count 20 --lot DEMO-2026-01 \
        --harvest-date 2026-07-01 --base 田阳百育基地 --cert GXJC-2026-0815 |
        sed -n 's/^ *"id": *\([0-9]*\),*$/\1/p' | head -n 1)
    "$GIMARK" --db "$DB" --actor cli:demo-reviewer batch approve "$bid" --note "demo" >/dev/null
    "$GIMARK" --db "$DB" batch issue "$bid" >/dev/null
    "$GIMARK" --db "$DB" batch activate "$bid" >/dev/null
    # labels 1-8 with a member household, 9-14 with the planting base, the rest
    # with the cooperative (the demo's households 1-3 and base 4 are operator 1's)
    "$GIMARK" --db "$DB" batch allocate "$bid" --first 1 --last 8 --household 1 >/dev/null
    "$GIMARK" --db "$DB" batch allocate "$bid" --first 9 --last 14 --base 4 >/dev/null
    # Demo accounts with fresh random passwords, shown once here and never stored
    # in clear (the database keeps argon2id hashes).
    coop_pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
    reg_pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
    printf '%s\n' "$coop_pw" | "$GIMARK" --db "$DB" user add coop --role operator \
        --operator 93451003MA815908XM >/dev/null
    printf '%s\n' "$reg_pw" | "$GIMARK" --db "$DB" user add regulator --role regulator \
        --scope 45 >/dev/null
    echo "created the demo database $DB (15 GI products, 16 operators, 8 households and bases, two years of use reports, 30 days of scans, 20 labels, 14 of them allocated)"
    echo "demo accounts (passwords shown this once): coop / $coop_pw   regulator / $reg_pw"
fi
# the newest batch: the one made above (the history's are older)
bid=$("$GIMARK" --db "$DB" --json batch list --limit 1 | sed -n 's/^ *"id": *\([0-9]*\),*$/\1/p' |
    head -n 1)
first=$("$GIMARK" --db "$DB" batch export "$bid" --format csv --out /dev/stdout \
    --base-url "$PUBLIC" 2>/dev/null |
    sed -n 2p | cut -d, -f1)
cat <<MSG

gimark is starting on $BASE/  (Ctrl-C stops it)

  consumer page of a genuine demo label:  $BASE/v/$first
  the same in English:                    $BASE/v/$first?lang=en
  a code that was never issued:           $BASE/v/K7M3-9QX2-HD4T-PW8N
  type a code:                            $BASE/
  verdict as JSON:                        $BASE/api/v1/verify/$first
  health and metrics:                     $BASE/healthz  $BASE/metrics
  sign in (cooperative or regulator):     $BASE/login

  the register from the command line:     $GIMARK --db $DB stats

  print files and GS1 links point at $PUBLIC
  (GIMARK_BASE_URL=https://your.office.example make run: your public address)
MSG
exec "$GIMARK" --db "$DB" serve --listen "$LISTEN" --base-url "$PUBLIC"
