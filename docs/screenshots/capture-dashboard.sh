#!/usr/bin/env bash
# Refreshes docs/images/aspire-structured-logs.png: the Aspire dashboard's structured-logs page showing one simulated
# second of Townlet.Sim (its loop.tick rows, filtered by that second's trace id), captured by headless Chromium over
# the DevTools protocol. The capture is the test DashboardScreenshotTests in tests/Herald.Tests (it starts the
# dashboard from the NuGet package Aspire.Dashboard.Sdk.linux-x64, sends the run's events as OTLP log records,
# waits until the page shows them, and checks the PNG is not blank); CI runs the same test on every build.
# Needs Chromium: Debian's `chromium` package (installed here when missing and running as root), or HERALD_CHROMIUM.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v chromium >/dev/null 2>&1 && [ -z "${HERALD_CHROMIUM:-}" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
  else
    echo "chromium is not installed: sudo apt-get install chromium (or set HERALD_CHROMIUM)" >&2
    exit 1
  fi
fi
HERALD_REQUIRE_CHROMIUM=1 HERALD_SCREENSHOT="$PWD/docs/images/aspire-structured-logs.png" \
  dotnet test tests/Herald.Tests -c Release --filter "FullyQualifiedName~Herald.Tests.Otel.DashboardScreenshotTests" "$@"
echo "wrote docs/images/aspire-structured-logs.png"
