package io.hourmeter.aws;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;

/**
 * Keeps the SDK from sending a ClientToken that Hourmeter did not make.
 *
 * <p>MeterUsage's ClientToken carries the model's {@code idempotencyToken} trait, so the SDK's JSON
 * marshaller fills in a random UUID whenever the request's token is {@code null}. In hourly mode
 * (EC2, ECS, EKS) AWS dedupes on the hour-rounded request, and a fresh random token on every resend is
 * exactly what Hourmeter must never put on the wire: resends have to be byte-identical. So, for a
 * MeterUsage request built without a token, this interceptor removes the generated member from the
 * marshalled body (the SDK writes ClientToken last, as the model orders its members) and corrects
 * Content-Length, before the request is signed ({@link MarshalledBodyRewrite}). Requests that carry a
 * token of ours pass untouched.
 *
 * <p>Stateless apart from a per-request execution attribute; thread-safe.
 */
final class GeneratedClientTokenGuard extends MarshalledBodyRewrite {

  private static final ExecutionAttribute<byte[]> STRIPPED_BODY =
      new ExecutionAttribute<>("hourmeter.strippedMeterUsageBody");
  private static final Pattern GENERATED_TOKEN = Pattern.compile(",\"ClientToken\":\"[^\"\\\\]*\"}$");
  private static final Logger LOG = LoggerFactory.getLogger(GeneratedClientTokenGuard.class);

  GeneratedClientTokenGuard() {
    super(STRIPPED_BODY);
  }

  /** The body without the generated token, or {@code null} when it is to be sent as it is. */
  @Override
  byte[] rewrite(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    if (!(context.request() instanceof MeterUsageRequest request) || request.clientToken() != null
        || context.requestBody().isEmpty()) {
      return null;
    }
    String body = read(context.requestBody().get());
    Matcher generated = GENERATED_TOKEN.matcher(body);
    if (!generated.find()) {
      LOG.warn("MeterUsage body has no trailing generated ClientToken to remove; sending it unchanged");
      return null;
    }
    return (body.substring(0, generated.start()) + "}").getBytes(StandardCharsets.UTF_8);
  }
}
