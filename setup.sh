#!/bin/sh
# setup.sh - on a fresh Debian 12 machine: install what is missing, build
# pkit, and run its main job once.  Re-running it is safe.
#
#   ./setup.sh                 install, build, demo
#   PKIT_CONFIGURE_FLAGS=...   extra ./configure flags (CI adds sanitizers)
#   PKIT_SKIP_DEMO=1           build only
set -eu

cd "$(dirname "$0")"

SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi

# Build dependencies, then the real peers that the interop tests talk to.
BUILD_DEPS="build-essential autoconf automake libtool pkg-config
	libssl-dev libcjose-dev libjansson-dev libcurl4-openssl-dev
	libsodium-dev libreadline-dev libevent-dev libsqlite3-dev libpq-dev
	libcmocka-dev"
TEST_DEPS="openssl openssh-client openssh-server python3 python3-jwcrypto
	curl jq man-db groff-base zsh fish postgresql util-linux hyperfine nginx-light
	certbot lego dehydrated dnsmasq-base clang libclang-rt-14-dev
	python3-cryptography oathtool valgrind"
# node and npm may come from elsewhere (a NodeSource build conflicts with
# Debian's npm package): install Debian's only when there is no npm.
command -v npm >/dev/null 2>&1 || TEST_DEPS="$TEST_DEPS nodejs npm"

missing=
for p in $BUILD_DEPS $TEST_DEPS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing:$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# node's jose, a second JOSE implementation for the interop tests.
if [ ! -d tests/interop/node_modules/jose ] && command -v npm >/dev/null; then
	(cd tests/interop && npm install --no-audit --no-fund --silent) ||
		echo "setup: npm install failed; the node interop tests will be skipped"
fi

[ -x configure ] || autoreconf -fi
if [ ! -f Makefile ] || [ "${PKIT_CONFIGURE_FLAGS+set}" = set ]; then
	./configure ${PKIT_CONFIGURE_FLAGS:-}
fi
make -j"$(nproc)"

[ "${PKIT_SKIP_DEMO:-}" = 1 ] && exit 0
exec sh ./demo.sh
