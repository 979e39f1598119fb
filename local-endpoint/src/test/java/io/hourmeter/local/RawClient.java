package io.hourmeter.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** Sends hand-written AWS JSON 1.1 requests to an endpoint with the JDK's HTTP client, for unit tests. */
final class RawClient {

  static final String AUTH = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261123/us-east-1/aws-marketplace/aws4_request, "
      + "SignedHeaders=host;x-amz-date;x-amz-target, Signature=00";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI uri;

  RawClient(URI uri) {
    this.uri = uri;
  }

  /** A MeterUsage body with the given members; {@code token} and {@code extra} may be null. */
  static String body(String product, String dimension, Instant timestamp, long quantity, String token,
      String extra) {
    StringBuilder json = new StringBuilder("{\"ProductCode\":\"").append(product)
        .append("\",\"Timestamp\":").append(epochSeconds(timestamp))
        .append(",\"UsageDimension\":\"").append(dimension).append("\",\"UsageQuantity\":").append(quantity);
    if (extra != null) {
      json.append(',').append(extra);
    }
    if (token != null) {
      json.append(",\"ClientToken\":\"").append(token).append('"');
    }
    return json.append('}').toString();
  }

  HttpResponse<String> meterUsage(String body) throws IOException, InterruptedException {
    return send(body, AUTH, LocalMeteringEndpoint.METER_USAGE_TARGET);
  }

  HttpResponse<String> batchMeterUsage(String body) throws IOException, InterruptedException {
    return send(body, AUTH, LocalMeteringEndpoint.BATCH_METER_USAGE_TARGET);
  }

  /** A BatchMeterUsage body: {@code productCode} may be null; each record is a JSON object's members. */
  static String batchBody(String productCode, String... records) {
    StringBuilder json = new StringBuilder("{\"UsageRecords\":[");
    for (int i = 0; i < records.length; i++) {
      json.append(i == 0 ? "" : ",").append('{').append(records[i]).append('}');
    }
    json.append(']');
    if (productCode != null) {
      json.append(",\"ProductCode\":\"").append(productCode).append('"');
    }
    return json.append('}').toString();
  }

  /** One UsageRecord's members; {@code buyer} is e.g. {@code "CustomerAWSAccountId":"1"}. */
  static String usageRecord(String buyer, String dimension, Instant timestamp, long quantity) {
    return buyer + ",\"Dimension\":\"" + dimension + "\",\"Timestamp\":" + epochSeconds(timestamp)
        + ",\"Quantity\":" + quantity;
  }

  private static String epochSeconds(Instant timestamp) {
    return timestamp.getEpochSecond() + "." + String.format("%03d", timestamp.getNano() / 1_000_000);
  }

  HttpResponse<String> send(String body, String authorization, String target)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-amz-json-1.1")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (target != null) {
      request.header("X-Amz-Target", target);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String authFor(String accessKey, String region) {
    return AUTH.replace("AKIDTEST", accessKey).replace("us-east-1", region);
  }
}
