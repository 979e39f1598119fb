package io.hourmeter.samples.signup;

import io.hourmeter.aws.CustomerResolutionException;
import io.hourmeter.aws.ResolvedBuyer;

/**
 * The fulfillment page's HTML. Every value that comes from outside (the token, what the buyer typed,
 * what AWS answered) goes through {@link #escape}, in text and in attribute values alike; nothing is
 * put into a script, a style or a URL. Stateless; thread-safe.
 */
final class SignupPages {

  /** How much of a token an error page shows, as a reference for support. */
  static final int TOKEN_REFERENCE_CHARS = 48;

  private SignupPages() { }

  /** {@code text} with {@code & < > " '} as character references: safe in text and quoted attributes. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** The sign-up form for a pending sign-up, with what the buyer entered and what was wrong, if anything. */
  static String form(String signupId, ResolvedBuyer resolved, String company, String email, String problem) {
    return page("Create your account", "<h1 id=\"title\">Create your account</h1>"
        + "<p>Welcome from AWS Marketplace. Your AWS account <span id=\"aws-account\">"
        + escape(accountOf(resolved)) + "</span> is subscribed to this product; create the account you will "
        + "use it with.</p>"
        + (problem == null ? "" : "<p id=\"form-problem\" class=\"problem\">" + escape(problem) + "</p>")
        + "<form method=\"post\" action=\"/signup\">"
        + "<input type=\"hidden\" name=\"signup\" value=\"" + escape(signupId) + "\">"
        + "<label>Company <input id=\"company\" name=\"company\" required maxlength=\"" + SignupForm.MAX_LENGTH
        + "\" value=\"" + escape(company) + "\"></label>"
        + "<label>Contact e-mail <input id=\"email\" name=\"email\" required maxlength=\"" + SignupForm.MAX_LENGTH
        + "\" value=\"" + escape(email) + "\"></label>"
        + "<button id=\"sign-up\" type=\"submit\">Create account</button>"
        + "</form>");
  }

  /** The confirmation page of a new (or returning) account. */
  static String welcome(SignupAccounts.Account account) {
    ResolvedBuyer resolved = account.resolved();
    return page("Welcome", "<h1 id=\"welcome\">Your account is ready</h1>"
        + "<dl>"
        + "<dt>Company</dt><dd id=\"company\">" + escape(account.company()) + "</dd>"
        + "<dt>Contact e-mail</dt><dd id=\"email\">" + escape(account.email()) + "</dd>"
        + "<dt>AWS account</dt><dd id=\"aws-account\">" + escape(accountOf(resolved)) + "</dd>"
        + (resolved.licenseArn() == null ? ""
            : "<dt>License</dt><dd id=\"license\">" + escape(resolved.licenseArn()) + "</dd>")
        + "<dt>Account id</dt><dd id=\"account-id\">" + escape(account.id()) + "</dd>"
        + "</dl><p>Your usage is billed through your AWS Marketplace subscription.</p>");
  }

  /** The page for a token that could not be resolved: whose problem it is and what to do. */
  static String problem(CustomerResolutionException failure, String token) {
    String title = failure.buyersProblem() ? "Your sign-up link cannot be used" : "We cannot sign you up right now";
    String reference = token == null ? "" : token.length() > TOKEN_REFERENCE_CHARS
        ? token.substring(0, TOKEN_REFERENCE_CHARS) + "..." : token;
    return page(title, "<h1 id=\"problem\">" + escape(title) + "</h1>"
        + "<p id=\"what-to-do\">" + escape(failure.whatToTellTheBuyer()) + "</p>"
        + "<p class=\"reference\">If you contact support, quote: <code id=\"reason\">"
        + escape(failure.reason().name()) + "</code>"
        + (reference.isEmpty() ? "" : " <code id=\"token-reference\">" + escape(reference) + "</code>") + "</p>");
  }

  /** A page for a sign-up id that is unknown or already used. */
  static String unknownSignup() {
    return page("Sign-up not found", "<h1 id=\"problem\">This sign-up is no longer open</h1>"
        + "<p id=\"what-to-do\">It was completed already, or this page was restarted. Go back to AWS "
        + "Marketplace, open your subscription to this product (Manage subscriptions) and choose \"Set up "
        + "your account\" again.</p>");
  }

  /** A plain page with a heading and a line of text, for 404, 405 and the like. */
  static String plain(String title, String text) {
    return page(title, "<h1>" + escape(title) + "</h1><p>" + escape(text) + "</p>");
  }

  private static String accountOf(ResolvedBuyer resolved) {
    return resolved.customerAWSAccountId() != null ? resolved.customerAWSAccountId()
        : resolved.customerIdentifier();
  }

  private static String page(String title, String body) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
        + "</title><style>body{font-family:sans-serif;max-width:40em;margin:2em auto}label{display:block;"
        + "margin:1em 0}.problem{color:#a00}</style></head><body>" + body + "</body></html>";
  }
}
