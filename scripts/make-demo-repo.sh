#!/usr/bin/env bash
# make-demo-repo.sh SRC DEST TAG: copy a connector folder into a fresh git repository with one commit
# and an annotated TAG, so that it can be certified exactly as a marketplace would: at a tag.
set -euo pipefail
src=$1 dest=$2 tag=$3
rm -rf "$dest"
mkdir -p "$dest"
# node_modules and build output are never part of a connector's source
tar -C "$src" --exclude=node_modules --exclude=dist -cf - . | tar -C "$dest" -xf -
export GIT_AUTHOR_NAME=certifier-demo GIT_AUTHOR_EMAIL=demo@example.invalid
export GIT_COMMITTER_NAME=certifier-demo GIT_COMMITTER_EMAIL=demo@example.invalid
git -C "$dest" init --quiet --initial-branch=main
git -C "$dest" add --all
git -C "$dest" commit --quiet --message "Goods Store connector"
git -C "$dest" tag --annotate "$tag" --message "release $tag"
echo "demo repository: $dest at tag $tag ($(git -C "$dest" rev-parse --short HEAD))"
