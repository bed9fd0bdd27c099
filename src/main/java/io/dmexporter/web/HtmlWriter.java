package io.dmexporter.web;

/**
 * Writes HTML where every piece of text and every attribute value is escaped: tag and attribute
 * names are the code's own constants, anything else goes through {@link Html#escape}.
 */
final class HtmlWriter {
  private final StringBuilder b = new StringBuilder(16 * 1024);

  /** Markup that is a constant of the code (the doctype): never text from DM. */
  HtmlWriter markup(String constant) {
    b.append(constant);
    return this;
  }

  /** An opening tag; {@code attributes} are name, value pairs, a null value leaves the attribute out. */
  HtmlWriter open(String tag, String... attributes) {
    b.append('<').append(tag);
    for (int i = 0; i < attributes.length; i += 2) {
      if (attributes[i + 1] != null) {
        b.append(' ').append(attributes[i]).append("=\"").append(Html.escape(attributes[i + 1])).append('"');
      }
    }
    b.append('>');
    return this;
  }

  HtmlWriter close(String tag) {
    b.append("</").append(tag).append('>');
    return this;
  }

  /** Text, escaped; null writes nothing. */
  HtmlWriter text(String s) {
    if (s != null) {
      b.append(Html.escape(s));
    }
    return this;
  }

  /** {@code <tag class="cls">text</tag>}. */
  HtmlWriter el(String tag, String cls, String text) {
    return open(tag, "class", cls).text(text).close(tag);
  }

  @Override
  public String toString() {
    return b.toString();
  }
}
