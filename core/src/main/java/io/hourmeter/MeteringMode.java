package io.hourmeter;

/**
 * How usage becomes MeterUsage calls. The mode is fixed for a journal directory's life.
 */
public enum MeteringMode {
  /**
   * EC2/AMI, ECS and EKS. Usage is summed per dimension and hour; each closed hour is sent exactly once
   * per dimension, with the hour's start as Timestamp, and every resend is byte-identical.
   */
  HOURLY,
  /**
   * Amazon Bedrock AgentCore Runtime. Usage is cut into contiguous journal ranges every few seconds or
   * units; each submission carries a ClientToken derived from the journal's random id and its range,
   * persisted before the first send and reused on every resend.
   */
  AGENTCORE,
  /**
   * Seller-hosted software (SaaS), reported with BatchMeterUsage. Usage is recorded per
   * {@link Buyer} on a {@link Customer} handle and summed per (buyer, dimension, hour); each closed
   * hour's records are frozen before the first send (Timestamp = the hour's start) and sent up to 25 a
   * call, byte-identical on every resend, which BatchMeterUsage deduplicates. The window is 24 hours,
   * cut off at 06:00 UTC on the 1st for the previous month's usage.
   *
   * <p><b>One host per product.</b> A SaaS meter reports what its own journal holds. Two hosts that
   * meter the same product each send their own record for a buyer's dimension-hour, and AWS keeps the
   * first and answers DuplicateRecord to the second: the second host's usage is not billed. A product
   * served by several hosts needs the fleet aggregation (hourmeter-kafka), which sums every host's
   * partials before one record per buyer-dimension-hour is sent. A meter that sees a DuplicateRecord
   * for a record it never sent before logs a warning that another meter reports the same product.
   */
  SAAS
}
