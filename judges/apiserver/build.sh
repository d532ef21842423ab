#!/usr/bin/env bash
# Builds the API-server judge: kube-apiserver and etcd from Go modules, into
#   ${LAKEHOUSE_JUDGES_CACHE:-$HOME/.cache/lakehouse-judges}/kube-apiserver-<version>/{kube-apiserver,etcd}
# <version> is the k8s.io/kubernetes pin of go.mod beside this script; config/capabilities.py KUBERNETES records the
# same release and `python main.py judges build kube-apiserver` passes it as $KUBERNETES_VERSION, checked here. Nothing is built into the clone.
#
# go.mod requires k8s.io/kubernetes at a served release and replaces every k8s.io/* staging module (which
# k8s.io/kubernetes' own go.mod requires at v0.0.0) with the matching v0.X.Y; etcd is the etcd server module at the
# version k8s.io/kubernetes' go.mod pins (go.etcd.io/etcd/server/v3: its root package is etcd's own main).
# The Go module proxy here is a partial mirror: every module is resolved first (`go mod download`), and a refused
# one stops the build with its name before anything compiles.
#
# The version stamp is what kube-apiserver reports at /version (hack/lib/version.sh of k8s.io/kubernetes does the
# same -X settings); kubectl and helm read it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

command -v go > /dev/null || { echo "judges/apiserver: no \`go\` on PATH (Go 1.24 or newer builds the judge)" >&2; exit 1; }
version="$(go list -m -f '{{.Version}}' k8s.io/kubernetes)"
if [[ -n "${KUBERNETES_VERSION:-}" && "$KUBERNETES_VERSION" != "$version" ]]; then
    echo "judges/apiserver/go.mod pins k8s.io/kubernetes $version, config/capabilities.py KUBERNETES $KUBERNETES_VERSION: make them agree" >&2
    exit 1
fi
etcd_version="$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
major="${version#v}"; major="${major%%.*}"
minor="${version#v*.}"; minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X ${pkg}.gitVersion=${version} -X ${pkg}.gitMajor=${major} -X ${pkg}.gitMinor=${minor}"
    ldflags+=" -X ${pkg}.gitTreeState=clean"
done
out="${LAKEHOUSE_JUDGES_CACHE:-$HOME/.cache/lakehouse-judges}/kube-apiserver-${version}"
stamp="$out/.built"
# rebuilt when the pins or the link flags change
want="$(cat go.mod go.sum <(echo "$ldflags") | sha256sum | cut -d' ' -f1)"

if [[ -x "$out/kube-apiserver" && -x "$out/etcd" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "kube-apiserver ${version} and etcd ${etcd_version}: up to date in $out"
    exit 0
fi

echo "resolving the modules of kube-apiserver ${version} and etcd ${etcd_version} (Go module proxy) ..."
if ! log="$(go mod download -x 2>&1)"; then
    echo "$log" | grep -v '^#\|^mkdir\|^cd\|^rm' | tail -20 >&2
    echo "judges/apiserver: a module of k8s.io/kubernetes ${version} could not be resolved (above); nothing was built" >&2
    exit 1
fi

tmp="$out/.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
start=$SECONDS
echo "building kube-apiserver ${version} and etcd ${etcd_version} into $out (first build: several minutes) ..."
go build -buildvcs=false -trimpath -ldflags="$ldflags" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
go build -buildvcs=false -trimpath -ldflags="-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3
mv -f "$tmp/kube-apiserver" "$tmp/etcd" "$out/"
rmdir "$tmp"
echo "$want" > "$stamp"
echo "built in $((SECONDS - start)) s: $out/kube-apiserver, $out/etcd"
