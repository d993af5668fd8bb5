#!/bin/sh
# The image's commands (Dockerfile, README "Images"). Each execs node, so node is tini's child and
# receives SIGTERM itself. Nothing is installed or built here: the image holds the built app.
set -eu
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
  echo "usage: migrate | worker | server | k2flow <arguments> | <any command>" >&2
  exit 2
fi
command="$1"
shift
case "$command" in
  migrate) exec node --import tsx db/migrate-cli.ts "$@" ;;
  worker) exec node --import tsx worker/main.ts "$@" ;;
  server) exec node --import tsx client/http/main.ts "$@" ;;
  k2flow) exec node --import tsx client/cli/main.ts "$@" ;;
  *) exec "$command" "$@" ;;
esac
