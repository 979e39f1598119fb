/**
 * SaaS metering across a fleet of hosts, on Apache Kafka.
 *
 * <p>Each host's SaaS meter ships its frozen per-(buyer, dimension, hour) reports as <em>partials</em>
 * to the partials topic ({@link io.hourmeter.kafka.KafkaFleet#partialSubmitter()}); the
 * {@link io.hourmeter.kafka.FleetAggregator} (Kafka Streams, exactly-once) drops partials it has seen,
 * sums them per buyer-dimension-hour, closes each hour once and emits one <em>final</em> per
 * buyer-dimension-hour; the {@link io.hourmeter.kafka.FleetSender} reports the finals with
 * BatchMeterUsage through the same report sender and state machine as a single host, and sends the
 * usage it carries back to the aggregator through the outcomes topic. Start with
 * {@link io.hourmeter.kafka.KafkaFleet#builder()}.
 */
package io.hourmeter.kafka;
