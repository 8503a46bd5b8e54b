#!/usr/bin/env bash
# What WebKitWebDriver starts instead of the app: runs the app with the same
# arguments and environment, then says on stderr how it ended when it did
# not end normally, so a test whose window vanished ("invalid session id")
# shows whether the app crashed (a signal such as SEGV or ABRT), was killed
# (KILL: out of memory?) or exited with an error. SIGTERM is how the tests
# themselves end it, so it goes unsaid.
"$LEADSTREAM_E2E_APP_BINARY" "$@"
status=$?
if [ "$status" -gt 128 ] && [ "$status" -ne 143 ]; then
  echo "e2e: leadstream-app ended by signal $((status - 128)) (SIG$(kill -l $((status - 128))))" >&2
elif [ "$status" -ne 0 ] && [ "$status" -le 128 ]; then
  echo "e2e: leadstream-app exited with status $status" >&2
fi
exit "$status"
