#!/usr/bin/env bash
# The Hourmeter demo in one command: builds the samples module (and what it needs), then runs the demo
# with the JVM flags Chronicle Queue needs on Java 17. Any arguments go to the demo:
#   ./demo.sh                       local endpoint, 1 hour = 10 s, 3 hours, exits 0 if the books balance
#   ./demo.sh --crash-restart       also SIGKILLs the metering process part-way and restarts it
#   ./demo.sh --saas                a SaaS product (BatchMeterUsage): 300 buyers, some not subscribed,
#                                   reconciled per customer (combines with --crash-restart)
#   ./demo.sh --saas --fleet 3      the SaaS product on a fleet: a Kafka broker, 3 hosts shipping partials,
#                                   the aggregator and the sender; reconciled per customer over every host
#   ./demo.sh --help                every option (including --aws for real AWS Marketplace)
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -pl samples -am package -DskipTests
# shellcheck disable=SC2046  # the flags are a space-separated list on purpose
# The fleet demo's Kafka broker runs in a child JVM on the class path kafka-broker wrote (see KafkaBroker).
exec java $(cat samples/target/classes/hourmeter-jvm-flags.txt) \
  -Dhourmeter.kafka.brokerClasspath="$PWD/kafka-broker/target/broker-classpath.txt" \
  -Dorg.slf4j.simpleLogger.log.org.apache.kafka=error \
  -Dorg.slf4j.simpleLogger.log.io.hourmeter.internal.drain.StatusBoard=error \
  -jar samples/target/hourmeter-samples.jar "$@"
