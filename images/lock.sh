#!/bin/sh
# Records the SHA-256 of every jar the images download (images/*/artifacts.txt) in images/*/artifacts.sha256, the
# file each Dockerfile checks with `sha256sum -c`. Run after changing an artifacts.txt and commit the result
# (`make images-lock`; needs Maven and the network). A build without artifacts.sha256 stops at its COPY.
#
# Each jar comes through Maven (`mvn dependency:get`, --strict-checksums: Maven refuses a jar whose SHA-1 differs from
# the one Maven Central publishes beside it), and its SHA-1 is checked again against that published .sha1 on every run,
# so a jar from the local cache is verified too. Only then is its SHA-256 recorded. The Maven repository lives outside
# the clone: $LAKEHOUSE_JUDGES_CACHE/images-maven (default ~/.cache/lakehouse-judges/images-maven).
# Maven also needs the jar's POM and its parents; where one of those is missing but the jar is served (what the
# Dockerfile downloads), the jar and its published .sha1 are fetched from the jar's URL instead and checked the same way.
#
# An artifact that cannot be fetched is reported (its coordinates, the HTTP status of its Maven Central URL and
# Maven's error); its image's artifacts.sha256 is then left as it was, the other images are still locked, and the
# script exits 1.
set -eu
cd "$(dirname "$0")"
CENTRAL=https://repo1.maven.org/maven2/
REPO="${LAKEHOUSE_JUDGES_CACHE:-$HOME/.cache/lakehouse-judges}/images-maven"
PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
mkdir -p "$REPO"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0

# coordinates URL: groupId:artifactId:version of a Maven Central jar URL (its own file name), or exit 2
coordinates() {
    path=${1#"$CENTRAL"}
    [ "$path" != "$1" ] || { echo "$1: not a Maven Central URL ($CENTRAL...)" >&2; exit 2; }
    file=${path##*/}; path=${path%/*}
    version=${path##*/}; path=${path%/*}
    artifact=${path##*/}; group=$(printf '%s' "${path%/*}" | tr / .)
    [ "$file" = "$artifact-$version.jar" ] || { echo "$1: file name is not $artifact-$version.jar" >&2; exit 2; }
    echo "$group:$artifact:$version"
}

for list in */artifacts.txt; do
    image=$(dirname "$list")
    : > "$scratch/$image.sha256"
    : > "$scratch/$image.failed"
    grep -v '^#' "$list" | grep -v '^[[:space:]]*$' | while read -r url dest; do
        gav=$(coordinates "$url")
        jar="$REPO/$(printf '%s' "${url#"$CENTRAL"}")"
        if ! mvn -B -q -U -Dstyle.color=never --strict-checksums -Dmaven.repo.local="$REPO" "$PLUGIN:get" \
                -Dartifact="$gav" -Dtransitive=false > "$scratch/mvn.log" 2>&1; then
            refusal=$( (grep -m1 ERROR "$scratch/mvn.log" || tail -1 "$scratch/mvn.log") | tr -d '\033' | sed 's/\[[0-9;]*m//g')
            if curl -fsS -o "$scratch/jar" "$url" 2> "$scratch/curl.log" \
                    && curl -fsS -o "$scratch/jar.sha1" "$url.sha1" 2>> "$scratch/curl.log"; then
                echo "$gav: by its URL (Maven: $refusal)"
                mkdir -p "$(dirname "$jar")" && mv "$scratch/jar" "$jar" && mv "$scratch/jar.sha1" "$jar.sha1"
            else
                status=$(curl -s -o /dev/null -I -w '%{http_code}' "$url" || true)
                echo "REFUSED $image: $gav (HTTP $status for $url): $refusal" >&2
                echo "$gav" >> "$scratch/$image.failed"
                continue
            fi
        fi
        # the SHA-1 Maven Central publishes beside the jar (Maven keeps it in the local repository)
        if [ "$(cut -c1-40 "$jar.sha1")" != "$(sha1sum "$jar" | cut -c1-40)" ]; then
            echo "REFUSED $image: $gav: $jar does not match its published SHA-1" >&2
            echo "$gav" >> "$scratch/$image.failed"
            continue
        fi
        echo "$(sha256sum "$jar" | cut -c1-64)  $dest" >> "$scratch/$image.sha256"
    done
    if [ -s "$scratch/$image.failed" ]; then
        echo "not locked: $image/artifacts.sha256 (refused: $(tr '\n' ' ' < "$scratch/$image.failed"))" >&2
        failed=1
    else
        mv "$scratch/$image.sha256" "$image/artifacts.sha256"
        echo "locked $image/artifacts.sha256 ($(wc -l < "$image/artifacts.sha256") jars)"
    fi
done
exit "$failed"
