#!/usr/bin/env bash
# Starts the integration sample (tenant-service) with the JVM flags Chronicle Queue needs on Java 17.
# Usage: samples/run-sample-app.sh --product-code YOUR_CODE [--journal DIR] [--port 8080]
#        samples/run-sample-app.sh --local-endpoint          # try it without AWS
# The flags are the root pom's hourmeter.jvmFlags, copied into the build output; the executable jar
# (java -jar samples/target/hourmeter-samples-app.jar) carries the same list as Add-Opens/Add-Exports.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/hourmeter-samples-app.jar"
if [ ! -f "$jar" ]; then
  (cd "$here/.." && mvn -B -q -pl samples -am package -DskipTests)
fi
flags="$(cat "$here/target/classes/hourmeter-jvm-flags.txt")"
# shellcheck disable=SC2086  # the flags are a space-separated list on purpose
exec java $flags -cp "$jar" io.hourmeter.samples.app.TenantService "$@"
