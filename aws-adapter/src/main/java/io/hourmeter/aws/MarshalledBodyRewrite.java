package io.hourmeter.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * An {@link ExecutionInterceptor} that replaces the body the SDK marshalled, before SigV4 signs it
 * ({@code modifyHttpContent} and {@code modifyHttpRequest} run before signing), and corrects
 * Content-Length. The SDK calls the two hooks in an order it does not promise, so the new body is
 * computed once per request and kept in an execution attribute; both hooks then hand out the same
 * bytes. Subclasses say only what the new body is.
 *
 * <p>Stateless apart from the per-request attribute; thread-safe if {@link #rewrite} is.
 */
abstract class MarshalledBodyRewrite implements ExecutionInterceptor {

  private final ExecutionAttribute<byte[]> rewritten;

  /**
   * {@code rewritten} keeps the new body per request: a static constant of the subclass, as the SDK
   * refuses two attributes of one name.
   */
  MarshalledBodyRewrite(ExecutionAttribute<byte[]> rewritten) {
    this.rewritten = rewritten;
  }

  /**
   * The body to send instead of the marshalled one, or {@code null} to send that unchanged. A
   * RuntimeException fails the call before anything is sent: it reaches the caller as an
   * {@link UnsentRequestException} (the SDK lets it through unwrapped), which the error table tells
   * from a failure after sending.
   */
  abstract byte[] rewrite(Context.ModifyHttpRequest context, ExecutionAttributes attributes);

  @Override
  public final Optional<RequestBody> modifyHttpContent(Context.ModifyHttpRequest context,
      ExecutionAttributes attributes) {
    byte[] body = once(context, attributes);
    return body == null ? context.requestBody() : Optional.of(RequestBody.fromBytes(body));
  }

  @Override
  public final SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context,
      ExecutionAttributes attributes) {
    byte[] body = once(context, attributes);
    if (body == null) {
      return context.httpRequest();
    }
    if (context.httpRequest() instanceof SdkHttpFullRequest full) {
      return full.toBuilder()
          .contentStreamProvider(() -> new ByteArrayInputStream(body))
          .putHeader("Content-Length", Integer.toString(body.length))
          .build();
    }
    return context.httpRequest().toBuilder()
        .putHeader("Content-Length", Integer.toString(body.length))
        .build();
  }

  /** The marshalled body as text. */
  static String read(RequestBody body) {
    try (InputStream in = body.contentStreamProvider().newStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the marshalled request body", e);
    }
  }

  private byte[] once(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    byte[] known = attributes.getAttribute(rewritten);
    if (known != null) {
      return known.length == 0 ? null : known;
    }
    byte[] result;
    try {
      result = rewrite(context, attributes);
    } catch (RuntimeException e) {
      throw new UnsentRequestException(e);
    }
    attributes.putAttribute(rewritten, result == null ? new byte[0] : result);
    return result;
  }
}
