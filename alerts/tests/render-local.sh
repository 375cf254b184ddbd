#!/bin/sh
# Renders alerts/vllm-alerts.yaml for the promtool test fixture CR, the same way the operator does:
#   namespace=llm, name=job=llama-8b, model=llama-8b, default thresholds,
#   runbookBaseUrl=https://runbooks.example.com/vllm  ->  runbook_url=<base>/<AlertName>
#   for=the alert's `for:` in words (the template's are all whole minutes: 5m -> "5 minutes")
# and writes alerts/tests/rendered/vllm-alerts.yaml, then runs promtool (check + unit tests).
# The Java test renders the same template with the operator's own code; the output must be equal.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/rendered"
sed -E -e '/^[[:space:]]*#/d' \
  -e '/^[[:space:]]*- alert: /{h;x;s/^[[:space:]]*- alert:[[:space:]]*([A-Za-z0-9]+).*$/\1/;x}' \
  -e '/^[[:space:]]*for: /{H;x;s/^([^\n]*)\n[[:space:]]*for:[[:space:]]*([0-9]+)m$/\1\n\2 minutes/;x}' \
  -e '/\$\{runbook_url\}/{G;s#\$\{runbook_url\}([^\n]*)\n([^\n]*)\n.*$#https://runbooks.example.com/vllm/\2\1#}' \
  -e '/\$\{for\}/{G;s#\$\{for\}([^\n]*)\n[^\n]*\n(.*)$#\2\1#}' \
  -e 's/\$\{namespace\}/llm/g' \
  -e 's/\$\{name\}/llama-8b/g' \
  -e 's/\$\{job\}/llama-8b/g' \
  -e 's/\$\{model\}/llama-8b/g' \
  -e 's/\$\{ttftP95Seconds\}/2/g' \
  -e 's/\$\{interTokenP95Seconds\}/0.2/g' \
  -e 's/\$\{e2eP95Seconds\}/30/g' \
  -e 's/\$\{kvCacheUsage\}/0.9/g' \
  -e 's/\$\{queueDepth\}/20/g' \
  -e 's/\$\{errorRatio\}/0.05/g' \
  "$here/../vllm-alerts.yaml" > "$here/rendered/vllm-alerts.yaml"
if grep -n '\${' "$here/rendered/vllm-alerts.yaml"; then
  echo "unreplaced placeholder(s) above" >&2; exit 1
fi
if [ "${1:-}" != "--render-only" ]; then
  promtool check rules "$here/rendered/vllm-alerts.yaml"
  promtool test rules "$here/vllm-alerts-test.yaml"
fi
