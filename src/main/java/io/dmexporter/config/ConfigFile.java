package io.dmexporter.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The YAML form of the command line: each key is a flag name without its dashes, written flat
 * ({@code poll.interval: 15s}) or nested ({@code poll: {interval: 15s}}); lists for repeatable
 * flags. Values become flag defaults, so flags given on the command line win.
 */
public final class ConfigFile {
  private ConfigFile() {}

  /** Thrown for an unreadable or invalid file; the message names the file and the offending key. */
  public static final class ConfigException extends Exception {
    public ConfigException(String message) {
      super(message);
    }
  }

  /** Reads {@code file} and returns flag name (without dashes) → value; lists are comma-joined. */
  public static Map<String, String> load(Path file, Set<String> knownKeys) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(text);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      // The parser's message spans lines with an excerpt of the file; one line is enough here.
      String why = e.getOriginalMessage().lines().map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("in 'reader'") && !l.equals("^"))
          .reduce((a, b) -> a + "; " + b).orElse("syntax error");
      throw new ConfigException("config file " + file + " is not valid YAML" + where + ": " + why);
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return values;
    }
    if (!root.isObject()) {
      throw new ConfigException("config file " + file + " must be a mapping of flag names to values");
    }
    flatten("", root, values, file);
    for (String key : values.keySet()) {
      if (!knownKeys.contains(key)) {
        throw new ConfigException("config file " + file + ": unknown key '" + key + "' (known keys: "
            + String.join(", ", new TreeSet<>(knownKeys)) + ")");
      }
    }
    return values;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) throws ConfigException {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode v = e.getValue();
      if (v.isObject()) {
        flatten(key, v, out, file);
      } else if (v.isArray()) {
        List<String> items = new ArrayList<>();
        for (JsonNode item : v) {
          if (!item.isValueNode()) {
            throw new ConfigException("config file " + file + ": key '" + key + "' must be a list of plain values");
          }
          items.add(item.asText());
        }
        out.put(key, String.join(",", items));
      } else if (v.isNull()) {
        throw new ConfigException("config file " + file + ": key '" + key + "' has no value");
      } else {
        out.put(key, v.asText());
      }
    }
  }
}
