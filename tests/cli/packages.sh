#!/usr/bin/env bash
# The Debian packages: cpack -G DEB makes tanba, tanba-server and libtanba-dev with computed
# Depends; installed with dpkg -i, tanba and tanba-server run from /usr/bin, the systemd unit is
# in place, Debian's python3 imports the package, and examples/ builds against /usr. Removed at
# the end. Needs root (dpkg); skipped (77) otherwise.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "packages: needs root for dpkg -i (skipped)"; exit 77; }
BUILD=$(dirname "$(dirname "$TANBA")")
VERSION=$(grep -oP 'project\(tanba VERSION \K[0-9.]+' "$TANBA_SOURCE/CMakeLists.txt")
(cd "$BUILD" && cpack -G DEB -B "$WORK/debs") > cpack.log 2>&1 || fail "cpack: $(tail -20 cpack.log)"
for p in tanba tanba-server libtanba-dev; do
  [ -f "$WORK/debs/${p}_${VERSION}_amd64.deb" ] || fail "no $p package: $(ls "$WORK/debs")"
  ok
done
deb() { echo "$WORK/debs/${1}_${VERSION}_amd64.deb"; }
# Depends: computed (dpkg-shlibdeps for the binaries; the modules' libraries for -dev).
dpkg-deb -f "$(deb tanba)" Depends | grep -q "libssl3" || fail "tanba's Depends lack libssl3: $(dpkg-deb -f "$(deb tanba)" Depends)"
dpkg-deb -f "$(deb tanba-server)" Depends | grep -q "libspdlog" || fail "tanba-server's Depends lack spdlog"
if ldd "$TANBA_SERVER" | grep -q libtanba.so; then  # a BUILD_SHARED_LIBS build: the server needs the tanba package
  dpkg-deb -f "$(deb tanba-server)" Depends | grep -q "tanba (= $VERSION)" || fail "tanba-server does not depend on tanba $VERSION"
fi
dpkg-deb -f "$(deb libtanba-dev)" Depends | grep -q "tanba (= $VERSION), .*libssl-dev.*nlohmann-json3-dev" || fail "libtanba-dev's Depends: $(dpkg-deb -f "$(deb libtanba-dev)" Depends)"
ok
dpkg-deb -c "$(deb tanba)" > tanba.list
dpkg-deb -c "$(deb libtanba-dev)" > dev.list
grep -q "./usr/lib/libtanba.so.0 ->" tanba.list || fail "libtanba.so.0 not in the tanba package"
grep -q "./usr/include/tanba/tanba.h" dev.list || fail "tanba.h not in libtanba-dev"
ok

remove() { dpkg -r libtanba-dev tanba-server tanba > /dev/null 2>&1 || true; }
trap 'remove; rm -rf "$WORK"' EXIT
dpkg -i "$(deb tanba)" "$(deb tanba-server)" "$(deb libtanba-dev)" > dpkg.log 2>&1 || fail "dpkg -i: $(tail -20 dpkg.log)"
ok
[ "$(/usr/bin/tanba --version)" = "tanba $VERSION" ] || fail "/usr/bin/tanba --version: $(/usr/bin/tanba --version)"
ok
[ "$(/usr/bin/tanba-server --version)" = "tanba-server $VERSION" ] || fail "/usr/bin/tanba-server --version"
ok
/usr/bin/tanba ca init --dir ca --name "Package Test CA" --no-passphrase > /dev/null 2>&1
/usr/bin/tanba-server --ca ca --check-config > check.log 2>&1 || fail "tanba-server --check-config: $(cat check.log)"
ok
grep -q "^ExecStart=/usr/bin/tanba-server " /usr/lib/systemd/system/tanba-server.service || fail "the systemd unit is not in place"
ok
ldconfig -p | grep -q "libtanba.so.0 " || fail "ldconfig does not know libtanba.so.0"
ok
/usr/bin/python3 -c 'import tanba, sys; sys.exit(tanba.version() != sys.argv[1])' "$VERSION" || fail "Debian's python3 does not import tanba $VERSION"
ok
cmake -S "$TANBA_SOURCE/examples" -B examples -G Ninja > examples.log 2>&1 && cmake --build examples >> examples.log 2>&1 \
  || fail "examples/ against /usr: $(grep -v '^\[' examples.log | tail -20)"
ok
(cd "$TANBA_SOURCE/certs-samples/pki" && "$WORK/examples/verify_signature" document.attached.p7s roots.pem --crl issuing-rsa.crl --crl root-rsa.crl) > ex.txt \
  || fail "verify_signature built against /usr: $(cat ex.txt)"
grep -q "^VALID" ex.txt || fail "verify_signature: $(head -3 ex.txt)"
ok
remove
[ ! -e /usr/bin/tanba ] && [ ! -e /usr/lib/libtanba.so.0 ] || fail "dpkg -r left files behind"
ok
done_checks packages
