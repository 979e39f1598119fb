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
  AGENTCORE
}
