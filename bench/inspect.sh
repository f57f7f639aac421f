#!/bin/sh
# bench/inspect.sh [PKIT] - whole-process time of `pkit certificate inspect`
# against `openssl x509 -text -noout` on the same certificate (hyperfine).
set -eu
PKIT=${1:-./pkit}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$dir/k.pem" -out "$dir/c.pem" -subj /CN=bench.example \
	-addext subjectAltName=DNS:bench.example -days 1 2>/dev/null
hyperfine -N --warmup 5 -r 200 \
	"openssl x509 -in $dir/c.pem -text -noout" \
	"$PKIT certificate inspect $dir/c.pem"
