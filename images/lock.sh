#!/bin/sh
# Records the SHA-256 of every jar the images download (images/*/artifacts.txt) in images/*/artifacts.sha256, the
# file each Dockerfile checks with `sha256sum -c`. Needs network; run after changing an artifacts.txt and commit the
# result (`make images-lock`). A build without artifacts.sha256 stops at its COPY.
set -eu
cd "$(dirname "$0")"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for list in */artifacts.txt; do
    image=$(dirname "$list")
    : > "$scratch/$image.sha256"
    grep -v '^#' "$list" | while read -r url dest; do
        mkdir -p "$scratch/$image/$(dirname "$dest")"
        curl -fsSL -o "$scratch/$image/$dest" "$url"
        (cd "$scratch/$image" && sha256sum "$dest") >> "$scratch/$image.sha256"
    done
    mv "$scratch/$image.sha256" "$image/artifacts.sha256"
    echo "locked $image/artifacts.sha256"
done
