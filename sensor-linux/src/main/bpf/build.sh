#!/bin/sh
# Builds the BPF objects into the class path (sensor-linux's Maven build runs this in generate-resources).
# Without clang or libbpf's headers it builds nothing and says so: the agent then runs the proc connector.
# Usage: build.sh SOURCE_DIR OUTPUT_DIR
src="$1"; out="$2"
if ! command -v clang >/dev/null 2>&1 || [ ! -f /usr/include/bpf/bpf_helpers.h ]; then
  echo "kiroku: clang or libbpf-dev missing: no BPF process sensor in this build (apt-get install clang libbpf-dev)" >&2
  exit 0
fi
mkdir -p "$out"
for c in "$src"/*.bpf.c; do
  o="$out/$(basename "$c" .c).o"
  [ -f "$o" ] && [ "$o" -nt "$c" ] && continue
  clang -O2 -g -target bpf -I"/usr/include/$(uname -m)-linux-gnu" -c "$c" -o "$o" \
    || { echo "kiroku: clang failed on $c: no BPF process sensor in this build" >&2; rm -f "$o"; }
done
exit 0
