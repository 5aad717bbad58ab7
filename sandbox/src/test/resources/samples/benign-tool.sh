#!/bin/sh
# A harmless tool: summarises a directory tree given as argument (default: the current directory).
dir="${1:-.}"
files=$(find "$dir" -type f 2>/dev/null | wc -l)
dirs=$(find "$dir" -type d 2>/dev/null | wc -l)
echo "directory: $dir"
echo "files: $files"
echo "directories: $dirs"
date -u +"checked at %Y-%m-%dT%H:%M:%SZ"
